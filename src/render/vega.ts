/**
 * vega and vega-lite in Node, synchronously, behind two loose JSON signatures.
 *
 * Both packages are ESM-only, and vega's ESM build has a top-level await, so
 * neither `require()` nor a synchronous path through `import()` exists. Both
 * packages also ship their UMD builds (build/vega.min.js, build/vega-lite.min.js,
 * the same files the browser runtime uses); those are evaluated here once per
 * process as CommonJS functions. That makes compiling and drawing synchronous,
 * which is what lets `report.toHTML()` stay synchronous while drawing only when
 * asked (nothing is loaded until the first chart is drawn: about 0.25 s).
 *
 * Their own types stay inside this file: naming them in exported signatures
 * from CommonJS needs `resolution-mode` import attributes, which the tsc that
 * tslab ships (5.0) cannot parse.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';

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

/** The few members of a scenegraph item the drawing below touches. */
interface SceneItem {
  marktype?: string;
  items?: SceneItem[];
  url?: string;
  width?: number;
  height?: number;
  image?: unknown;
}

interface Padding { left: number; right: number; top: number; bottom: number }

interface HeadlessView {
  run(): HeadlessView;
  padding(): Padding;
  background(): unknown;
  loader(): unknown;
  scenegraph(): { root: SceneItem };
  finalize(): void;
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
}

interface SvgRenderer {
  initialize(el: null, width: number, height: number, origin: [number, number]): SvgRenderer;
  background(color: unknown): SvgRenderer;
  render(scene: SceneItem): SvgRenderer;
  svg(): string;
}

interface VegaModule {
  version: string;
  None: number;
  logger(level: number): unknown;
  parse(spec: object): unknown;
  View: new (runtime: unknown, options: object) => HeadlessView;
  renderModule(type: string): { headless: new (loader: unknown) => SvgRenderer };
}

interface VegaLiteModule {
  version: string;
  compile(spec: object, options: object): { spec: object };
}

/** Directory of a package's entry point (their `exports` hide package.json and build/). */
export function packageBuildDir(name: string): string {
  return dirname(require.resolve(name));
}

/** Evaluates a UMD build as CommonJS, with `require` answering from `deps` only. */
function loadUmd<T>(path: string, deps: Record<string, unknown>): T {
  const module = { exports: {} as T };
  const factory = compileFunction(readFileSync(path, 'utf8'), ['module', 'exports', 'require'], { filename: path });
  const requireDep = (name: string) => {
    if (name in deps) return deps[name];
    throw new Error(`${path} requires ${name}, which tfjs-doctor does not provide`);
  };
  factory(module, module.exports, requireDep);
  return module.exports;
}

let modules: { vega: VegaModule; vl: VegaLiteModule } | undefined;

/** vega and vega-lite, loaded on first use. */
function vegaModules(): { vega: VegaModule; vl: VegaLiteModule } {
  if (modules) return modules;
  const vega = loadUmd<VegaModule>(join(packageBuildDir('vega'), 'vega.min.js'), {});
  const vl = loadUmd<VegaLiteModule>(join(packageBuildDir('vega-lite'), 'vega-lite.min.js'), { vega });
  modules = { vega, vl };
  return modules;
}

/** True once the first chart was drawn in this process (the modules are loaded). */
export function vegaLoaded(): boolean {
  return modules !== undefined;
}

/**
 * Compiles Vega-Lite to Vega; warnings are not printed (nothing prints unless
 * asked). The result shares nothing with the input: vega tags the data rows it
 * ingests, and the caller's spec (and measurements) must stay as they were.
 */
export function compileToVega(spec: VegaLiteSpec): VegaSpec {
  const { vega, vl } = vegaModules();
  return JSON.parse(JSON.stringify(vl.compile(spec, { logger: vega.logger(vega.None) }).spec)) as VegaSpec;
}

/**
 * Image marks load their pictures asynchronously (in Node they never load:
 * there is no Image). Our images are data URLs with explicit sizes, so the
 * item can name its source directly, as vega's loader does after the fact.
 */
function resolveImages(item: SceneItem): void {
  if (item.marktype === 'image') {
    for (const image of item.items ?? []) {
      if (typeof image.url === 'string') {
        image.image = { complete: true, url: image.url, src: image.url, width: image.width ?? 0, height: image.height ?? 0 };
      }
    }
    return;
  }
  for (const child of item.items ?? []) resolveImages(child);
}

/**
 * Draws a compiled Vega spec as an SVG string without a browser, synchronously
 * (inline data only, which is all our charts use). Node has no canvas: vega
 * then estimates text widths from the font size instead of measuring, close
 * enough for axis labels and titles. Mirrors vega-view's headless renderer.
 */
export function vegaToSVG(spec: VegaSpec): string {
  const { vega } = vegaModules();
  const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.None });
  try {
    view.run();
    const root = view.scenegraph().root;
    resolveImages(root);
    const padding = view.padding();
    const width = Math.max(0, view._viewWidth + padding.left + padding.right);
    const height = Math.max(0, view._viewHeight + padding.top + padding.bottom);
    const origin: [number, number] = [padding.left + view._origin[0], padding.top + view._origin[1]];
    const Renderer = vega.renderModule('svg').headless;
    return new Renderer(view.loader()).initialize(null, width, height, origin).background(view.background()).render(root).svg();
  } finally {
    view.finalize();
  }
}

/** Versions of the drawing modules (for the runtime's data-versions and tests). */
export function vegaVersions(): string {
  const { vega, vl } = vegaModules();
  return `vega ${vega.version}; vega-lite ${vl.version}`;
}
