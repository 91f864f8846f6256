/**
 * vega and vega-lite in Node, behind two loose JSON signatures.
 *
 * Both packages are ESM-only: tsc (module Node16) keeps the `import()` calls
 * below as real dynamic imports in the CommonJS output, the one way CommonJS
 * code can load them. Each module loads once per process.
 *
 * Their own types stay inside this file: naming them in exported signatures
 * from CommonJS needs `resolution-mode` import attributes, which the tsc that
 * tslab ships (5.0, the one `npx tsc` finds here) cannot parse.
 */

/** A compiled Vega spec as plain JSON (what the page embeds and Node renders). */
export type VegaSpec = object;

/**
 * A Vega-Lite spec as chart builders produce it: plain JSON, kept loose as in
 * src/charts/base.ts (vega-lite's compile checks it far more than types can).
 */
export interface VegaLiteSpec {
  $schema?: string;
  [property: string]: unknown;
}

function importVega() {
  return import('vega');
}

function importVegaLite() {
  return import('vega-lite');
}

let vegaModule: ReturnType<typeof importVega> | undefined;
let vegaLiteModule: ReturnType<typeof importVegaLite> | undefined;

/** Compiles Vega-Lite to Vega; warnings are not printed (nothing prints unless asked). */
export async function compileToVega(spec: VegaLiteSpec): Promise<VegaSpec> {
  vegaModule ??= importVega();
  vegaLiteModule ??= importVegaLite();
  const [vega, vl] = await Promise.all([vegaModule, vegaLiteModule]);
  // Loose JSON meets vega-lite's types here; vega-lite validates while compiling.
  const topLevel = spec as unknown as Parameters<typeof vl.compile>[0];
  return vl.compile(topLevel, { logger: vega.logger(vega.None) }).spec;
}

/**
 * Draws a compiled Vega spec as an SVG string without a browser. Node has no
 * canvas: vega then estimates text widths from the font size instead of
 * measuring, close enough for axis labels and titles.
 */
export async function vegaToSVG(spec: VegaSpec): Promise<string> {
  vegaModule ??= importVega();
  const vega = await vegaModule;
  // Only ever called with the output of compileToVega.
  const runtime = vega.parse(spec as Parameters<typeof vega.parse>[0]);
  const view = new vega.View(runtime, { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
