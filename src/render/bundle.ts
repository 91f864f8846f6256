/**
 * A rendered widget -> one MIME bundle (pure given the SVG).
 *
 * - application/vnd.vegalite.v5+json: the Vega-Lite spec (JupyterLab, VS Code).
 * - text/html: the static SVG inline, its compiled Vega spec and a one-line
 *   script that queues it for the bootstrap (widgets/embed.js), which swaps in
 *   the interactive view when scripts run. With scripts blocked, the SVG shows.
 * - text/plain: the text summary.
 * No image/svg+xml: every front end that reads it (JupyterLab, nbconvert, VS
 * Code) ranks text/html or Vega-Lite above it, so it would only double the
 * size of each output. `includeSvg` adds it for front ends known to need it.
 */
import { randomBytes } from 'node:crypto';
import { escapeHTML, jsonForScript } from './escape';
import type { StaticChart } from './svg';
import type { VegaLiteSpec } from './vega';

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

export interface MimeBundle {
  'text/plain': string;
  'text/html'?: string;
  'application/vnd.vegalite.v5+json'?: VegaLiteSpec;
  'image/svg+xml'?: string;
}

/** A chart ready to show: its spec, what it says in words, and (once rendered) its static form. */
export interface Widget {
  spec: VegaLiteSpec;
  /** Plain-text summary: what the chart shows, for text/plain and screen readers. */
  summary: string;
}

export interface RenderedWidget extends Widget, StaticChart {
  /** Unique per output, so charts never share DOM ids or SVG clip/gradient ids. */
  id: string;
}

export interface BundleOptions {
  /** Also send the SVG as image/svg+xml. Defaults to false (see the module comment). */
  includeSvg?: boolean;
}

const BUNDLE_DEFAULTS: Required<BundleOptions> = { includeSvg: false };

/** A fresh id for a chart element: DOM-safe, random so re-executed cells never collide. */
export function newChartId(): string {
  return `tfd-${randomBytes(6).toString('hex')}`;
}

/**
 * Prefixes the ids vega writes into its SVG (clip paths, gradients): two inline
 * SVGs on one page with the same `clip1` would clip each other's marks.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
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

/** The chart as HTML: static SVG, then the spec and the upgrade script (both dropped by sanitizers). */
export function widgetHTML(widget: RenderedWidget): string {
  return (
    `<div class="tfjs-doctor-chart" id="${escapeHTML(widget.id)}" data-tfd-state="static" role="figure" aria-label="${escapeHTML(widget.summary)}">` +
    `<div class="tfd-static">${scopeSvgIds(widget.svg, widget.id)}</div>` +
    `<script type="application/json" class="tfd-spec">${jsonForScript(widget.vega)}</script>` +
    upgradeScript(widget.id) +
    '</div>'
  );
}

export function widgetBundle(widget: RenderedWidget, options: BundleOptions = {}): MimeBundle {
  const includeSvg = options.includeSvg ?? BUNDLE_DEFAULTS.includeSvg;
  const bundle: MimeBundle = {
    [VEGALITE_MIME]: widget.spec,
    'text/html': widgetHTML(widget),
    'text/plain': widget.summary,
  };
  if (includeSvg) bundle['image/svg+xml'] = widget.svg;
  return bundle;
}
