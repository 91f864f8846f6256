/**
 * Vega-Lite spec -> compiled Vega spec + static SVG, in Node. The SVG names the
 * font stack from the spec; the viewer's browser picks what exists.
 */
import { compactSvg } from './compact';
import { compileToVega, vegaToSVG, type VegaLiteSpec, type VegaSpec } from './vega';

export { compileToVega };

export interface StaticChart {
  /** The Vega spec compiled from the Vega-Lite spec: what the page embeds (no vega-lite needed there). */
  vega: VegaSpec;
  /** The chart as an SVG element (`<svg ...>...</svg>`), compacted (see compact.ts). */
  svg: string;
}

/** Renders a Vega-Lite spec to SVG without a browser or canvas. */
export async function specToSVG(spec: VegaLiteSpec): Promise<StaticChart> {
  try {
    const vega = await compileToVega(spec);
    return { vega, svg: compactSvg(await vegaToSVG(vega)) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the Vega-Lite spec could not be drawn: ${reason}`, { cause: error });
  }
}
