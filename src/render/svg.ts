/**
 * Vega-Lite spec -> compiled Vega spec + static SVG, in Node, synchronously.
 * The SVG names the font stack from the spec; the viewer's browser picks what
 * exists.
 */
import { compactSvg } from './compact';
import { compileToVega, vegaToSVG, type VegaLiteSpec, type VegaSpec } from './vega';

export { compileToVega };

export interface StaticChart {
  /** The Vega spec compiled from the Vega-Lite spec: what the page embeds (no vega-lite needed there). */
  vega: VegaSpec;
  /** The chart as an SVG document (`<svg ...>...</svg>`), compacted for use as an image (see compact.ts). */
  svg: string;
  /** Its size in CSS pixels. */
  width: number;
  height: number;
}

function svgSize(svg: string): { width: number; height: number } {
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const read = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(root)?.[1] ?? 0);
  return { width: read('width'), height: read('height') };
}

/** Renders a Vega-Lite spec to SVG without a browser or canvas. */
export function specToSVG(spec: VegaLiteSpec): StaticChart {
  try {
    const vega = compileToVega(spec);
    const svg = compactSvg(vegaToSVG(vega));
    return { vega, svg, ...svgSize(svg) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the Vega-Lite spec could not be drawn: ${reason}`, { cause: error });
  }
}
