/**
 * Pixel values -> `data:image/png;base64,...`, for image samples in charts.
 * Pure (no tensors, no I/O); encoding by pngjs. Images keep their native size:
 * charts upscale them with the image mark's width/height.
 */
import { PNG } from 'pngjs';

export interface PngOptions {
  /**
   * The value range that maps to black..white: `[0, 1]`, `[0, 255]`, `[-1, 1]`...
   * Defaults to auto-detection: `[0, 1]` when all values lie in it, `[0, 255]`
   * when they lie in that, else the image's own min..max (standardized inputs).
   */
  range?: readonly [number, number];
}

/** Output PNG colour type per channel count (pngjs: 0 grey, 2 RGB, 6 RGBA). */
const COLOR_TYPE: Record<number, 0 | 2 | 6> = { 1: 0, 3: 2, 4: 6 };

/**
 * Encodes one image given as HxWxC values (row-major, channels last, C in
 * {1, 3, 4}) into a PNG data URL. `shape` is `[height, width]` or
 * `[height, width, channels]`. Non-finite values become black.
 */
export function pixelsToPngDataUrl(
  pixels: ArrayLike<number>,
  shape: readonly number[],
  options: PngOptions = {},
): string {
  const { height, width, channels } = checkShape(pixels, shape);
  const [low, high] = options.range ?? detectRange(pixels);
  if (!(Number.isFinite(low) && Number.isFinite(high))) {
    throw new Error(`pixelsToPngDataUrl: options.range must be two finite numbers (got [${low}, ${high}]).`);
  }
  const span = high - low;
  const toByte = (value: number): number => {
    if (!Number.isFinite(value)) return 0;
    if (span <= 0) return value >= high ? 255 : 0;
    return Math.max(0, Math.min(255, Math.round(((value - low) / span) * 255)));
  };

  const png = new PNG({ width, height });
  const count = width * height;
  for (let p = 0; p < count; p++) {
    const source = p * channels;
    const target = p * 4;
    if (channels === 1) {
      const grey = toByte(pixels[source]);
      png.data[target] = grey;
      png.data[target + 1] = grey;
      png.data[target + 2] = grey;
      png.data[target + 3] = 255;
    } else {
      png.data[target] = toByte(pixels[source]);
      png.data[target + 1] = toByte(pixels[source + 1]);
      png.data[target + 2] = toByte(pixels[source + 2]);
      png.data[target + 3] = channels === 4 ? toByte(pixels[source + 3]) : 255;
    }
  }
  const buffer = PNG.sync.write(png, { colorType: COLOR_TYPE[channels] });
  return `data:image/png;base64,${buffer.toString('base64')}`;
}

function checkShape(pixels: ArrayLike<number>, shape: readonly number[]) {
  const [height, width, channels = 1] = shape;
  const valid =
    (shape.length === 2 || shape.length === 3) &&
    Number.isInteger(height) && height > 0 &&
    Number.isInteger(width) && width > 0 &&
    channels in COLOR_TYPE;
  if (!valid) {
    throw new Error(
      `pixelsToPngDataUrl: shape must be [height, width] or [height, width, channels] with channels 1, 3 or 4 (got [${shape.join(', ')}]).`,
    );
  }
  if (pixels.length !== height * width * channels) {
    throw new Error(
      `pixelsToPngDataUrl: pixels has ${pixels.length} values but shape [${shape.join(', ')}] needs ${height * width * channels}; pass one image (slice a batch first).`,
    );
  }
  return { height, width, channels };
}

/** [0, 1] or [0, 255] when the values fit, otherwise their own finite min..max. */
export function detectRange(pixels: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i];
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === Infinity) return [0, 1];
  if (min >= 0 && max <= 1) return [0, 1];
  if (min >= 0 && max <= 255) return [0, 255];
  return [min, max];
}
