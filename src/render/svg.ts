/**
 * Vega-Lite spec -> compiled Vega spec + static SVG, in Node.
 *
 * Node has no canvas: vega's scenegraph then estimates text widths from font
 * size instead of measuring them, which is close enough for axis labels and
 * titles. Nothing is drawn by fonts here; the SVG names the font stack from
 * the spec and the viewer's browser picks what exists.
 */
import { loadVega, loadVegaLite, type VegaLiteSpec, type VegaLiteTopLevelSpec, type VegaSpec } from './vega';

export interface StaticChart {
  /** The Vega spec compiled from the Vega-Lite spec: what the page embeds (no vega-lite needed there). */
  vega: VegaSpec;
  /** The chart as a standalone SVG document fragment (`<svg ...>...</svg>`). */
  svg: string;
}

/** Compiles a Vega-Lite spec to Vega; warnings are not printed (nothing prints unless asked). */
export async function compileToVega(spec: VegaLiteSpec): Promise<VegaSpec> {
  const [vl, vega] = await Promise.all([loadVegaLite(), loadVega()]);
  // The loose JSON type meets vega-lite's here; vega-lite validates while compiling.
  const topLevel = spec as unknown as VegaLiteTopLevelSpec;
  return vl.compile(topLevel, { logger: vega.logger(vega.None) }).spec;
}

/** Renders a Vega-Lite spec to SVG without a browser or canvas. */
export async function specToSVG(spec: VegaLiteSpec): Promise<StaticChart> {
  const vega = await loadVega();
  const compiled = await compileToVega(spec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    return { vega: compiled, svg };
  } finally {
    view.finalize();
  }
}
