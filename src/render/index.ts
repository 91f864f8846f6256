/**
 * Output sinks: notebook MIME bundles (tslab), standalone HTML, text.
 * Render never decides: it shows findings and measurements as they are.
 *
 *   DiagnosisData -> sections (charts from src/charts) -> static SVG (Node,
 *   synchronous, drawn only when shown or asked for)
 *     -> MIME bundles (notebook) | one HTML page (runtime inlined) | text
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DiagnosisData } from '../types';
import { widgetBundle, type BundleOptions, type MimeBundle, type Widget } from './bundle';
import { widgetsPage } from './html';
import { renderReport, reportBundles, reportPage } from './report';
import { reportSections } from './sections';
import { reportToText as textReport } from './text';
import { displayBundles, inNotebook } from './tslab';
import type { VegaLiteSpec } from './vega';
import { renderWidget } from './widget';

export { inNotebook, createLiveDisplay, type LiveDisplay } from './tslab';
export type { MimeBundle, Widget } from './bundle';
export type { VegaLiteSpec } from './vega';

/** Where displayReport() writes the HTML report outside a notebook (git-ignored by default). */
export const REPORT_DIRECTORY = '.tfjs-doctor';

/** The report as plain text (no chart is drawn). */
export function reportToText(data: DiagnosisData): string {
  const sections = reportSections(data.measurements).map((s) => ({ title: s.definition.title, summary: s.summary }));
  return textReport(data, sections);
}

/** The report as one self-contained HTML page: opens offline, charts interactive, static pictures without JavaScript. */
export function reportToHTML(data: DiagnosisData): string {
  return reportPage(renderReport(data));
}

/** The report as notebook outputs (what show() sends in a tslab cell). */
export function reportToBundles(data: DiagnosisData): MimeBundle[] {
  return reportBundles(renderReport(data));
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * In a tslab cell: the report as display outputs. Elsewhere: the text report on
 * stdout and the HTML report in .tfjs-doctor/, saying where (the caller asked to see it).
 * `html` gives an already built page (report.toHTML() memoizes it).
 */
export async function displayReport(data: DiagnosisData, html: () => string = () => reportToHTML(data)): Promise<void> {
  if (inNotebook()) {
    displayBundles(reportToBundles(data));
    return;
  }
  const directory = resolve(REPORT_DIRECTORY);
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `report-${timestamp(new Date())}.html`);
  writeFileSync(path, html());
  process.stdout.write(`${reportToText(data)}\nCharts: ${path}\n`);
}

/** One chart as its notebook MIME bundle (Vega-Lite, HTML with the static picture, text). */
export function widgetToBundle(widget: Widget, options: BundleOptions = {}): MimeBundle {
  return widgetBundle(renderWidget(widget), options);
}

/** Shows one chart: an output in a tslab cell, its summary on stdout elsewhere. */
export async function displayWidget(spec: VegaLiteSpec, summary: string): Promise<void> {
  if (!inNotebook()) {
    process.stdout.write(`${summary}\n`);
    return;
  }
  displayBundles([widgetToBundle({ spec, summary })]);
}

function isWidgetList(widgets: Widget | readonly Widget[]): widgets is readonly Widget[] {
  return Array.isArray(widgets);
}

/** Charts as one standalone HTML page (runtime inlined, works offline). */
export function widgetToHTML(widgets: Widget | readonly Widget[], title = 'tfjs-doctor'): string {
  const list = isWidgetList(widgets) ? widgets : [widgets];
  return widgetsPage(list.map(renderWidget), title);
}
