/**
 * Loads vega and vega-lite in Node. Both are ESM-only: tsc (module Node16) keeps
 * these `import()` calls as real dynamic imports in the CommonJS output, which
 * is the one way CommonJS code can load them. Each module loads once per process.
 */
import type { Spec } from 'vega' with { 'resolution-mode': 'import' };
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

export type VegaModule = typeof import('vega', { with: { 'resolution-mode': 'import' } });
export type VegaLiteModule = typeof import('vega-lite', { with: { 'resolution-mode': 'import' } });
/** A compiled Vega spec (what the page embeds and Node renders). */
export type VegaSpec = Spec;
/** vega-lite's own type for a full spec, used where the spec enters vega-lite. */
export type VegaLiteTopLevelSpec = TopLevelSpec;
/**
 * A Vega-Lite spec as chart builders produce it: plain JSON, kept loose as in
 * src/charts/base.ts (vega-lite's compile checks it far more than types can).
 */
export interface VegaLiteSpec {
  $schema?: string;
  [property: string]: unknown;
}

let vegaModule: Promise<VegaModule> | undefined;
let vegaLiteModule: Promise<VegaLiteModule> | undefined;

export function loadVega(): Promise<VegaModule> {
  vegaModule ??= import('vega');
  return vegaModule;
}

export function loadVegaLite(): Promise<VegaLiteModule> {
  vegaLiteModule ??= import('vega-lite');
  return vegaLiteModule;
}
