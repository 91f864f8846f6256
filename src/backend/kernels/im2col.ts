/**
 * The patches of a convolution's input, one row per filter tap, for turning a
 * filter gradient into one matmul:
 *
 *   rows[(a*fw + b)*ci + c][(n*outH + i)*outW + j] = x[n, i*sh + a - top, j*sw + b - left, c]
 *
 * (0 where that falls in the padding). Then dW, as [fh*fw*ci, co], is
 * rows · dy with dy read as [n*outH*outW, co]: the contraction runs over
 * every output position, and XNNPACK only has to pack dy, whose rows are
 * short. A plain loop over the wasm heap.
 */
import type { WindowGeometry } from './backprop-geometry';


export function patchRows(x: Float32Array, rows: Float32Array, g: WindowGeometry): void {
  const { n, h, w, c: ci, outH, outW, fh, fw, sh, sw, top, left } = g;
  const step = sw * ci;
  let to = 0;
  for (let a = 0; a < fh; a++) {
    for (let b = 0; b < fw; b++) {
      // Output columns j whose input column j*sw + b - left lies inside the image.
      const jFrom = Math.min(outW, Math.max(0, Math.ceil((left - b) / sw)));
      const jTo = Math.max(jFrom, Math.min(outW, Math.floor((w - 1 + left - b) / sw) + 1));
      for (let c = 0; c < ci; c++) {
        for (let image = 0; image < n; image++) {
          for (let i = 0; i < outH; i++) {
            const iy = i * sh + a - top;
            if (iy < 0 || iy >= h) {
              rows.fill(0, to, to + outW);
              to += outW;
              continue;
            }
            for (let j = 0; j < jFrom; j++) rows[to++] = 0;
            let from = ((image * h + iy) * w + jFrom * sw + b - left) * ci + c;
            for (let j = jFrom; j < jTo; j++, from += step) rows[to++] = x[from];
            for (let j = jTo; j < outW; j++) rows[to++] = 0;
          }
        }
      }
    }
  }
}
