/**
 * A rendered widget -> one MIME bundle (pure given the drawn chart).
 *
 * - text/html: what JupyterLab, Notebook, nbconvert and VS Code show
 *   (JupyterLab ranks it above Vega-Lite). A static picture,
 *   `<img src="data:image/svg+xml;base64,...">`, which JupyterLab's sanitizer
 *   (untrusted notebooks), GitHub and scripts-off pages all keep; then the
 *   compiled Vega spec and a one-line script that queues the chart for the
 *   bootstrap (widgets/embed.js), which swaps in the interactive view when
 *   scripts run. Sanitizers drop both scripts: the picture stays.
 * - application/vnd.vegalite.v5+json: the Vega-Lite spec with its title and,
 *   in a report, the findings it is evidence for (front ends that prefer it).
 * - text/plain: the text summary.
 * No image/svg+xml: every front end that reads it ranks text/html or
 * Vega-Lite above it, so it would only double the size of each output.
 * `includeSvg` adds it for front ends known to need it.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { svgDataUrl } from './compact';
import { escapeHTML, jsonForScript } from './escape';
import type { StaticChart } from './svg';
import type { VegaLiteSpec } from './vega';

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

/** MIME type of the element carrying a chart's Vega spec (never executed). */
export const SPEC_TYPE = 'application/x-tfjs-doctor-spec';

export interface MimeBundle {
  'text/plain': string;
  'text/html'?: string;
  'application/vnd.vegalite.v5+json'?: VegaLiteSpec;
  'image/svg+xml'?: string;
}

/** A chart ready to show: its spec, what it says in words, and (once rendered) its static form. */
export interface Widget {
  spec: VegaLiteSpec;
  /** Plain-text summary: what the chart shows, for text/plain, the image's alt text and screen readers. */
  summary: string;
}

export interface RenderedWidget extends Widget, StaticChart {
  /** Unique per output, so charts never share DOM ids. */
  id: string;
}

/**
 * How a chart's spec travels in its HTML: 'gzip-base64' in notebook outputs
 * (a third of the size; decoded with DecompressionStream) or 'json' in
 * standalone pages (any browser).
 */
export type SpecEncoding = 'json' | 'gzip-base64';

export interface BundleOptions {
  /** Also send the SVG as image/svg+xml. Defaults to false (see the module comment). */
  includeSvg?: boolean;
  /** Add the interactive upgrade (spec + script). Defaults to true; live updates leave it out. */
  interactive?: boolean;
}

const BUNDLE_DEFAULTS: Required<BundleOptions> = { includeSvg: false, interactive: true };

/** A fresh id for a chart element: DOM-safe, random so re-executed cells never collide. */
export function newChartId(): string {
  return `tfd-${randomBytes(6).toString('hex')}`;
}

/**
 * Queues the chart for the bootstrap. By id first: the classic Notebook (jQuery)
 * runs output scripts as temporary elements in <head>, where currentScript is
 * not inside the chart. JupyterLab may run them before the output is attached,
 * where getElementById finds nothing but currentScript sits inside the chart.
 */
function upgradeScript(id: string): string {
  return (
    '<script>(function(w,d,s){var c=d.getElementById(' + JSON.stringify(id) + ')||' +
    '(s&&s.closest?s.closest(".tfjs-doctor-chart"):null);if(!c)return;' +
    '(w.__tfjsDoctorQueue=w.__tfjsDoctorQueue||[]).push(c);' +
    'if(w.__tfjsDoctorEmbed1)w.__tfjsDoctorEmbed1.flush();})(window,document,document.currentScript)</script>'
  );
}

function specElement(vega: object, encoding: SpecEncoding): string {
  const text = encoding === 'json' ? jsonForScript(vega) : gzipSync(Buffer.from(JSON.stringify(vega), 'utf8'), { level: 9 }).toString('base64');
  return `<script type="${SPEC_TYPE}" data-encoding="${encoding}">${text}</script>`;
}

/** The static picture: sized like the chart, never wider than its output. */
export function chartImage(widget: RenderedWidget): string {
  return (
    `<img class="tfd-static" src="${svgDataUrl(widget.svg)}" width="${widget.width}" height="${widget.height}" ` +
    `alt="${escapeHTML(widget.summary)}" style="max-width:100%;height:auto;display:block">`
  );
}

/** The chart as HTML: the static picture, then the spec and the upgrade script (both dropped by sanitizers). */
export function widgetHTML(widget: RenderedWidget, encoding: SpecEncoding = 'gzip-base64', interactive = true): string {
  const upgrade = interactive ? specElement(widget.vega, encoding) + upgradeScript(widget.id) : '';
  return (
    `<div class="tfjs-doctor-chart" id="${escapeHTML(widget.id)}" data-tfd-state="static" style="max-width:100%;overflow-x:auto">` +
    chartImage(widget) +
    upgrade +
    '</div>'
  );
}

export function widgetBundle(widget: RenderedWidget, options: BundleOptions = {}): MimeBundle {
  const includeSvg = options.includeSvg ?? BUNDLE_DEFAULTS.includeSvg;
  const interactive = options.interactive ?? BUNDLE_DEFAULTS.interactive;
  const bundle: MimeBundle = {
    [VEGALITE_MIME]: packData(widget.spec),
    'text/html': widgetHTML(widget, 'gzip-base64', interactive),
    'text/plain': widget.summary,
  };
  if (includeSvg) bundle['image/svg+xml'] = widget.svg;
  return bundle;
}

/** Rows below this count stay arrays (small specs stay readable). */
const PACK_MIN_ROWS = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function packed(rows: unknown): rows is unknown[] {
  return Array.isArray(rows) && rows.length >= PACK_MIN_ROWS;
}

/**
 * The Vega-Lite part as notebooks store it well: inline data tables of
 * PACK_MIN_ROWS rows or more become JSON strings (`format: {type: 'json'}`,
 * standard Vega-Lite). Notebook files are written with one line per JSON
 * value, which made every data point a dozen lines; a string is one line.
 */
export function packData(spec: VegaLiteSpec): VegaLiteSpec {
  const datasets = isRecord(spec.datasets) ? spec.datasets : {};
  const packedNames = new Set(Object.keys(datasets).filter((name) => packed(datasets[name])));
  const walk = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, ''));
    if (!isRecord(value)) return value;
    if (key === 'data' && packed(value.values)) return { ...value, values: JSON.stringify(value.values), format: { type: 'json' } };
    if (key === 'data' && typeof value.name === 'string' && packedNames.has(value.name)) return { ...value, format: { type: 'json' } };
    if (key === 'datasets') return Object.fromEntries(Object.entries(value).map(([name, rows]) => [name, packed(rows) ? JSON.stringify(rows) : rows]));
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, walk(inner, name)]));
  };
  return walk(spec, '') as VegaLiteSpec;
}
