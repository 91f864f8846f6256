/**
 * The report layout from a DiagnosisData:
 *   header (verdict: how bad, what to fix first) -> findings table ->
 *   one section per chart, with the findings that chart proves next to it ->
 *   context (given or inferred) -> check runs (collapsed).
 * The same pieces make the notebook outputs (one MIME bundle each; charts are
 * widgets) and the standalone page.
 */
import type { Measurements } from '../measurements';
import type { CheckRun, DiagnosisData, Finding } from '../types';
import { VEGALITE_MIME, newChartId, widgetHTML, type MimeBundle, type RenderedWidget } from './bundle';
import { escapeHTML } from './escape';
import { pageHTML } from './html';
import { reportSections, type ReportSection } from './sections';
import { REPORT_CSS } from './style';
import { specToSVG, type StaticChart } from './svg';
import { contextEntries, reportToText as textReport, verdictText } from './text';
import { fixFirstFinding } from '../triage';

export interface RenderedSection extends ReportSection {
  /** The drawn chart, or why it could not be drawn (the section still shows its findings). */
  widget: RenderedWidget | { error: string };
  findings: Finding[];
}

export interface RenderedReport {
  data: DiagnosisData;
  sections: RenderedSection[];
}

// Static SVGs are the slow part; diagnose() renders the page and show() the
// notebook outputs from the same measurements, so they are drawn once.
const drawn = new WeakMap<Measurements, Map<string, Promise<StaticChart>>>();

function staticChart(measurements: Measurements, section: ReportSection): Promise<StaticChart> {
  const charts = drawn.get(measurements) ?? new Map<string, Promise<StaticChart>>();
  drawn.set(measurements, charts);
  // Keyed by the spec itself: the same measurements may come with another chart for a section.
  const key = JSON.stringify(section.spec);
  const chart = charts.get(key) ?? specToSVG(section.spec);
  charts.set(key, chart);
  // A failed drawing is not kept: the next call tries again.
  chart.catch(() => charts.delete(key));
  return chart;
}

/** Draws every section's chart (fresh element ids each time: outputs may sit on one page). */
export async function renderReport(
  data: DiagnosisData,
  sectionsToDraw: readonly ReportSection[] = reportSections(data.measurements),
): Promise<RenderedReport> {
  const sections = await Promise.all(
    sectionsToDraw.map(async (section): Promise<RenderedSection> => {
      const findings = data.findings.filter((f) => section.definition.findingIds.includes(f.id));
      try {
        const chart = await staticChart(data.measurements, section);
        return { ...section, widget: { spec: section.spec, summary: section.summary, ...chart, id: newChartId() }, findings };
      } catch (error) {
        // One chart that vega cannot draw must not cost the user the whole report.
        return { ...section, widget: { error: error instanceof Error ? error.message : String(error) }, findings };
      }
    }),
  );
  return { data, sections };
}

function severityBadge(finding: Finding): string {
  return `<span class="tfd-sev tfd-sev-${finding.severity}">${escapeHTML(finding.severity)}</span>`;
}

function findingsTable(findings: readonly Finding[], fixFirst: Finding | undefined): string {
  if (findings.length === 0) return '';
  const marker = (f: Finding) => (f === fixFirst ? ' <span class="tfd-first">fix first</span>' : '');
  // The layer column only when some finding names a layer (most data findings do not).
  const withLayer = findings.some((f) => f.layer !== undefined);
  const layerCell = (f: Finding) => (withLayer ? `<td>${f.layer === undefined ? '' : escapeHTML(f.layer)}</td>` : '');
  const rows = findings.map(
    (f) =>
      `<tr data-finding="${escapeHTML(f.id)}"><td>${severityBadge(f)}</td><td class="tfd-title">${escapeHTML(f.title)}${marker(f)}</td>` +
      `${layerCell(f)}<td>${escapeHTML(f.fix)}</td><td>${escapeHTML(f.detail)}</td></tr>`,
  );
  const head = ['Severity', 'Finding', ...(withLayer ? ['Layer'] : []), 'What to change', 'What we measured'];
  return (
    `<table class="tfd-table tfd-findings"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function headerHTML(data: DiagnosisData): string {
  const worst = data.findings[0]?.severity;
  const verdictClass = worst === 'error' || worst === 'warning' ? `tfd-verdict-${worst}` : 'tfd-ok';
  return (
    `<h2>tfjs-doctor: ${escapeHTML(data.context.modelName)}</h2>` +
    `<p class="tfd-verdict ${verdictClass}">${escapeHTML(verdictText(data))}</p>` +
    findingsTable(data.findings, fixFirstFinding(data.findings, data.triage))
  );
}

function sectionNotes(section: RenderedSection): string {
  const items = section.findings.map(
    (f) =>
      `<li>${severityBadge(f)} <strong>${escapeHTML(f.title)}</strong>${f.layer === undefined ? '' : ` <span class="tfd-muted">(${escapeHTML(f.layer)})</span>`}` +
      `<br><span class="tfd-fix">${escapeHTML(f.fix)}</span></li>`,
  );
  const findings = items.length ? `<ul>${items.join('')}</ul>` : '<p class="tfd-ok">No finding here.</p>';
  return `<h3>${escapeHTML(section.definition.title)}</h3><p class="tfd-muted">${escapeHTML(section.summary)}</p>${findings}`;
}

function isDrawn(widget: RenderedSection['widget']): widget is RenderedWidget {
  return !('error' in widget);
}

function chartHTML(section: RenderedSection): string {
  const { widget } = section;
  if (isDrawn(widget)) return widgetHTML(widget);
  return `<p class="tfd-chart-error">The ${escapeHTML(section.definition.title.toLowerCase())} chart could not be drawn (${escapeHTML(widget.error)}).</p>`;
}

function sectionHTML(section: RenderedSection): string {
  return (
    `<section class="tfd-section" data-section="${section.definition.key}">` +
    `<div class="tfd-section-chart">${chartHTML(section)}</div>` +
    `<div class="tfd-section-notes">${sectionNotes(section)}</div></section>`
  );
}

function checksHTML(checks: readonly CheckRun[]): string {
  const rows = checks.map(
    (c) =>
      `<tr><td>${escapeHTML(c.id)}</td><td>${escapeHTML(c.status)}</td><td class="tfd-num">${Math.round(c.ms)}</td>` +
      `<td>${c.note === undefined ? '' : escapeHTML(c.note)}</td></tr>`,
  );
  const failing = checks.filter((c) => c.status !== 'pass').length;
  return (
    `<details class="tfd-checks"><summary>Checks run: ${checks.length} (${checks.length - failing} passed)</summary>` +
    `<table class="tfd-table"><thead><tr><th>Check</th><th>Status</th><th>ms</th><th>Note</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`
  );
}

function footerHTML(data: DiagnosisData): string {
  const entries = contextEntries(data).map(([label, value]) => `<dt>${escapeHTML(label)}</dt><dd>${escapeHTML(value)}</dd>`);
  return `<h3>Context</h3><dl class="tfd-context">${entries.join('')}</dl>${checksHTML(data.checks)}`;
}

/** Wraps report markup so the scoped CSS applies (each notebook output stands alone). */
function scoped(inner: string): string {
  return `<div class="tfjs-doctor-report"><style>${REPORT_CSS}</style>${inner}</div>`;
}

/** The report as notebook outputs: header, one bundle per chart section, footer. */
export function reportBundles(report: RenderedReport): MimeBundle[] {
  const { data } = report;
  const header: MimeBundle = { 'text/html': scoped(headerHTML(data)), 'text/plain': textReport(data) };
  const sections = report.sections.map(
    (section): MimeBundle => ({
      ...(isDrawn(section.widget) ? { [VEGALITE_MIME]: section.spec } : {}),
      'text/html': scoped(sectionHTML(section)),
      'text/plain': `${section.definition.title}: ${section.summary}`,
    }),
  );
  const footer: MimeBundle = { 'text/html': scoped(footerHTML(data)), 'text/plain': '' };
  return [header, ...sections, footer];
}

/** The report as one standalone HTML page (runtime inlined). */
export function reportPage(report: RenderedReport): string {
  const { data } = report;
  const body = [headerHTML(data), ...report.sections.map(sectionHTML), footerHTML(data)].join('\n');
  return pageHTML(`tfjs-doctor: ${data.context.modelName}`, `<main class="tfjs-doctor-report">${body}</main>`);
}
