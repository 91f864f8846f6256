/**
 * The report layout from a DiagnosisData:
 *   header (verdict: how bad, what to fix first) -> findings table ->
 *   one section per chart, with the findings that chart proves next to it ->
 *   context (given or inferred) -> check runs (collapsed).
 * The same pieces make the notebook outputs (one MIME bundle each; charts are
 * widgets) and the standalone page. Styles are inline (see style.ts).
 */
import type { Measurements } from '../measurements';
import type { CheckRun, DiagnosisData, Finding } from '../types';
import { VEGALITE_MIME, newChartId, packData, widgetHTML, type MimeBundle, type RenderedWidget, type SpecEncoding } from './bundle';
import { escapeHTML } from './escape';
import { pageHTML } from './html';
import { reportSections, sectionSpecForNotebook, type ReportSection } from './sections';
import { STYLE, badgeStyle } from './style';
import { specToSVG, type StaticChart } from './svg';
import { checksTally, contextEntries, reportToText as textReport, verdictText } from './text';
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

// Static SVGs are the slow part; toHTML() and show() of one report draw from the
// same measurements, so each chart is drawn once.
const drawn = new WeakMap<Measurements, Map<string, StaticChart>>();

function staticChart(measurements: Measurements, section: ReportSection): StaticChart {
  const charts = drawn.get(measurements) ?? new Map<string, StaticChart>();
  drawn.set(measurements, charts);
  // Keyed by the spec itself: the same measurements may come with another chart for a section.
  const key = JSON.stringify(section.spec);
  const chart = charts.get(key) ?? specToSVG(section.spec);
  charts.set(key, chart);
  return chart;
}

/** True once a chart of these measurements was drawn (tests: nothing is drawn before it is asked for). */
export function chartsDrawn(measurements: Measurements): boolean {
  return (drawn.get(measurements)?.size ?? 0) > 0;
}

/** A per-input/output section shows the findings naming its part; the others, the findings of the whole model. */
function concerns(finding: Finding, section: ReportSection): boolean {
  const { part } = section;
  return part ? finding[part.kind] === part.name : finding.input === undefined && finding.output === undefined;
}

/** Draws every section's chart (fresh element ids each time: outputs may sit on one page). */
export function renderReport(
  data: DiagnosisData,
  sectionsToDraw: readonly ReportSection[] = reportSections(data.measurements),
): RenderedReport {
  const sections = sectionsToDraw.map((section): RenderedSection => {
    const findings = data.findings.filter((f) => section.definition.findingIds.includes(f.id) && concerns(f, section));
    try {
      const chart = staticChart(data.measurements, section);
      return { ...section, widget: { spec: section.spec, summary: section.summary, ...chart, id: newChartId() }, findings };
    } catch (error) {
      // One chart that vega cannot draw must not cost the user the whole report.
      return { ...section, widget: { error: error instanceof Error ? error.message : String(error) }, findings };
    }
  });
  return { data, sections };
}

function severityBadge(finding: Finding): string {
  return `<span style="${badgeStyle(finding.severity)}">${escapeHTML(finding.severity)}</span>`;
}

function cell(content: string, style: string = STYLE.td): string {
  return `<td style="${style}">${content}</td>`;
}

function headRow(labels: readonly string[]): string {
  return `<thead><tr>${labels.map((h) => `<th style="${STYLE.th}">${h}</th>`).join('')}</tr></thead>`;
}

function findingsTable(findings: readonly Finding[], fixFirst: Finding | undefined): string {
  if (findings.length === 0) return '';
  const marker = (f: Finding) => (f === fixFirst ? ` <span class="tfd-first" style="${STYLE.first}">fix first</span>` : '');
  // The layer column only when some finding names a layer (most data findings do not).
  const withLayer = findings.some((f) => f.layer !== undefined);
  const rows = findings.map(
    (f) =>
      `<tr data-finding="${escapeHTML(f.id)}">${cell(severityBadge(f))}${cell(escapeHTML(f.title) + marker(f), STYLE.tdTitle)}` +
      `${withLayer ? cell(f.layer === undefined ? '' : escapeHTML(f.layer)) : ''}${cell(escapeHTML(f.fix))}${cell(escapeHTML(f.detail))}</tr>`,
  );
  const head = ['Severity', 'Finding', ...(withLayer ? ['Layer'] : []), 'What to change', 'What we measured'];
  return `<table class="tfd-findings" style="${STYLE.table}">${headRow(head)}<tbody>${rows.join('')}</tbody></table>`;
}

function headerHTML(data: DiagnosisData): string {
  const worst = data.findings[0]?.severity;
  const verdictStyle = worst === 'error' || worst === 'warning' ? STYLE.verdict : `${STYLE.verdict};${STYLE.ok}`;
  return (
    `<h2 style="${STYLE.h2}">tfjs-doctor: ${escapeHTML(data.context.modelName)}</h2>` +
    `<p class="tfd-verdict" style="${verdictStyle}">${escapeHTML(verdictText(data))}</p>` +
    findingsTable(data.findings, fixFirstFinding(data.findings, data.triage))
  );
}

function sectionNotes(section: RenderedSection): string {
  const items = section.findings.map(
    (f) =>
      `<li style="${STYLE.item}">${severityBadge(f)} <strong>${escapeHTML(f.title)}</strong>` +
      `${f.layer === undefined ? '' : ` <span style="${STYLE.muted}">(${escapeHTML(f.layer)})</span>`}` +
      `<br><span>${escapeHTML(f.fix)}</span></li>`,
  );
  // A section that no check reports into (verified fixes) says nothing about findings.
  const none = section.definition.findingIds.length > 0 ? `<p style="${STYLE.ok}">No finding here.</p>` : '';
  const findings = items.length ? `<ul style="${STYLE.list}">${items.join('')}</ul>` : none;
  return `<h3 style="${STYLE.h3}">${escapeHTML(section.definition.title)}</h3><p style="${STYLE.muted}">${escapeHTML(section.summary)}</p>${findings}`;
}

function isDrawn(widget: RenderedSection['widget']): widget is RenderedWidget {
  return !('error' in widget);
}

function chartHTML(section: RenderedSection, encoding: SpecEncoding): string {
  const { widget } = section;
  if (isDrawn(widget)) return widgetHTML(widget, encoding);
  return `<p style="${STYLE.error}">The ${escapeHTML(section.definition.title.toLowerCase())} chart could not be drawn (${escapeHTML(widget.error)}).</p>`;
}

function sectionHTML(section: RenderedSection, encoding: SpecEncoding): string {
  return (
    `<section data-section="${section.definition.key}" style="${STYLE.section}">` +
    `<div style="${STYLE.sectionChart}">${chartHTML(section, encoding)}</div>` +
    `<div style="${STYLE.sectionNotes}">${sectionNotes(section)}</div></section>`
  );
}

function checksHTML(checks: readonly CheckRun[]): string {
  const rows = checks.map(
    (c) =>
      `<tr>${cell(escapeHTML(c.id))}${cell(escapeHTML(c.status))}${cell(String(Math.round(c.ms)), STYLE.tdNum)}` +
      `${cell(c.note === undefined ? '' : escapeHTML(c.note))}</tr>`,
  );
  return (
    `<details class="tfd-checks"><summary style="${STYLE.summary}">Checks run: ${escapeHTML(checksTally(checks))}</summary>` +
    `<table style="${STYLE.table}">${headRow(['Check', 'Status', 'ms', 'Note'])}<tbody>${rows.join('')}</tbody></table></details>`
  );
}

function footerHTML(data: DiagnosisData): string {
  const rows = contextEntries(data).map(([label, value]) => `<tr>${cell(escapeHTML(label), STYLE.tdLabel)}${cell(escapeHTML(value), STYLE.tdValue)}</tr>`);
  return `<h3 style="${STYLE.h3}">Context</h3><table class="tfd-context" style="border-collapse:collapse;margin:6px 0"><tbody>${rows.join('')}</tbody></table>${checksHTML(data.checks)}`;
}

/** Wraps report markup in the report's box (each notebook output stands alone). */
function boxed(inner: string): string {
  return `<div class="tfjs-doctor-report" style="${STYLE.report}">${inner}</div>`;
}

/** The findings a section's chart is evidence for, as a Vega-Lite `description` and subtitle lines. */
function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.severity}: ${f.title}${f.layer === undefined ? '' : ` (${f.layer})`}. Fix: ${f.fix}`);
}

/** The report as notebook outputs: header, one bundle per chart section, footer. */
export function reportBundles(report: RenderedReport): MimeBundle[] {
  const { data } = report;
  const header: MimeBundle = { 'text/html': boxed(headerHTML(data)), 'text/plain': textReport(data) };
  const sections = report.sections.map(
    (section): MimeBundle => ({
      ...(isDrawn(section.widget) ? { [VEGALITE_MIME]: packData(sectionSpecForNotebook(section, findingLines(section.findings))) } : {}),
      'text/html': boxed(sectionHTML(section, 'gzip-base64')),
      'text/plain': `${section.definition.title}: ${section.summary}`,
    }),
  );
  const footer: MimeBundle = { 'text/html': boxed(footerHTML(data)), 'text/plain': '' };
  return [header, ...sections, footer];
}

/** The report as one standalone HTML page (runtime inlined). */
export function reportPage(report: RenderedReport): string {
  const { data } = report;
  const body = [headerHTML(data), ...report.sections.map((s) => sectionHTML(s, 'json')), footerHTML(data)].join('\n');
  return pageHTML(`tfjs-doctor: ${data.context.modelName}`, boxed(body));
}
