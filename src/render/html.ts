/**
 * Standalone HTML pages: one self-contained file with the runtime inlined
 * (plain, so every browser upgrades the charts), opens offline from file://.
 * Without JavaScript, each chart is its static picture.
 */
import { widgetHTML, type RenderedWidget } from './bundle';
import { escapeHTML } from './escape';
import { runtimeHTML } from './runtime';
import { PAGE_CSS, STYLE } from './style';

/** A full HTML document around body markup; the runtime goes first so charts below find it. */
export function pageHTML(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHTML(title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    '</head>',
    '<body>',
    runtimeHTML('plain'),
    body,
    '</body>',
    '</html>',
  ].join('\n');
}

/** Rendered widgets as one standalone page. */
export function widgetsPage(widgets: readonly RenderedWidget[], title = 'tfjs-doctor'): string {
  const body = widgets
    .map((widget) => `<figure style="${STYLE.figure}">${widgetHTML(widget, 'json')}<figcaption style="${STYLE.caption}">${escapeHTML(widget.summary)}</figcaption></figure>`)
    .join('\n');
  return pageHTML(title, `<main class="tfjs-doctor-report" style="${STYLE.report}">${body}</main>`);
}
