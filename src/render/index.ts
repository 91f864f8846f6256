/**
 * Output sinks: notebook MIME bundles (tslab), standalone HTML, text.
 * Render never decides: it shows findings and measurements as they are.
 *
 *   DiagnosisData -> sections (charts from src/charts) -> static SVG (Node)
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

/** The report as plain text (synchronous: no chart is drawn). */
export function reportToText(data: DiagnosisData): string {
  const sections = reportSections(data.measurements).map((s) => ({ title: s.definition.title, summary: s.summary }));
  return textReport(data, sections);
}

/** The report as one self-contained HTML page: opens offline, charts interactive, static SVG without JavaScript. */
export async function reportToHTML(data: DiagnosisData): Promise<string> {
  return reportPage(await renderReport(data));
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * In a tslab cell: the report as display outputs. Elsewhere: the text report on
 * stdout and the HTML report in .tfjs-doctor/, saying where (the caller asked to see it).
 */
export async function displayReport(data: DiagnosisData): Promise<void> {
  if (inNotebook()) {
    displayBundles(reportBundles(await renderReport(data)));
    return;
  }
  const directory = resolve(REPORT_DIRECTORY);
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `report-${timestamp(new Date())}.html`);
  writeFileSync(path, await reportToHTML(data));
  process.stdout.write(`${reportToText(data)}\nCharts: ${path}\n`);
}

/** One chart as its notebook MIME bundle (Vega-Lite, HTML with static SVG, text). */
export async function widgetToBundle(widget: Widget, options: BundleOptions = {}): Promise<MimeBundle> {
  return widgetBundle(await renderWidget(widget), options);
}

/** Shows one chart: an output in a tslab cell, its summary on stdout elsewhere. */
export async function displayWidget(spec: VegaLiteSpec, summary: string): Promise<void> {
  if (!inNotebook()) {
    process.stdout.write(`${summary}\n`);
    return;
  }
  displayBundles([await widgetToBundle({ spec, summary })]);
}

function isWidgetList(widgets: Widget | readonly Widget[]): widgets is readonly Widget[] {
  return Array.isArray(widgets);
}

/** Charts as one standalone HTML page (runtime inlined, works offline). */
export async function widgetToHTML(widgets: Widget | readonly Widget[], title = 'tfjs-doctor'): Promise<string> {
  const list = isWidgetList(widgets) ? widgets : [widgets];
  return widgetsPage(await Promise.all(list.map(renderWidget)), title);
}
