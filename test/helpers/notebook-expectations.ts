/**
 * What a notebook's cells promise about the reports they show, and whether
 * the executed notebook keeps the promise (see notebooks/workshop/CONVENTIONS.md).
 *
 * A code cell's metadata may hold
 *   "tfjs_doctor": {"expect": ["lr-too-high", ...]}   every id is found at warning or error severity
 *   "tfjs_doctor": {"expect": "clean"}                no warning and no error
 * The report is read from the cell's outputs: the text/plain of the report
 * that diagnose() displays in tslab, or the text of report.toText() printed
 * on stdout (display: false). Both start with "tfjs-doctor: <model name>" and
 * list one line per finding:
 *   - WARNING <title>[ [layer <name>]] (<id>, checklist <section>)
 * Every report the cell shows must keep the promise.
 */
import { FINDING_IDS, type Severity } from '../../src/types';

export interface ExpectCell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }[];
}

export type Expectation = { kind: 'clean' } | { kind: 'ids'; ids: string[] };

export interface ReportFinding {
  severity: Severity;
  id: string;
}

const SEVERITIES: Record<string, Severity> = { ERROR: 'error', WARNING: 'warning', INFO: 'info' };
const FINDING_LINE = /^- (ERROR|WARNING|INFO) .*\(([a-z0-9-]+), checklist [^()]*\)$/;
const REPORT_START = /^tfjs-doctor: /;
/** The verdict, the first line after the title that is not blank (verdictText in src/render/text.ts): tells a report from any other "tfjs-doctor: " line. */
const VERDICT = /^(No problems found in \d+ checks?\b|\d+ (errors?|warnings?)\b)/;

function text(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join('');
  return typeof value === 'string' ? value : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The cell's expectation, undefined when it has none; throws on a malformed one (a typo must not pass silently). */
export function cellExpectation(cell: ExpectCell): Expectation | undefined {
  const doctor = cell.metadata?.tfjs_doctor;
  if (doctor === undefined) return undefined;
  const expect = isRecord(doctor) ? doctor.expect : undefined;
  if (expect === 'clean') return { kind: 'clean' };
  if (Array.isArray(expect) && expect.length > 0 && expect.every((id) => typeof id === 'string')) {
    const unknown = expect.filter((id) => !(FINDING_IDS as readonly string[]).includes(id));
    if (unknown.length > 0) throw new Error(`unknown finding id(s) ${unknown.join(', ')} in "tfjs_doctor": {"expect": ...} (ids are listed in FINDING_IDS, src/types.ts)`);
    return { kind: 'ids', ids: expect };
  }
  throw new Error(`"tfjs_doctor" metadata must be {"expect": "clean"} or {"expect": ["finding-id", ...]}, got ${JSON.stringify(doctor)}`);
}

/** The text blocks of the cell's outputs that can hold a report: display text/plain and stdout. */
function outputTexts(cell: ExpectCell): string[] {
  const displayed = (cell.outputs ?? [])
    .filter((o) => o.output_type === 'display_data' || o.output_type === 'execute_result')
    .map((o) => text(o.data?.['text/plain']));
  const stdout = (cell.outputs ?? [])
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => text(o.text))
    .join('');
  return [...displayed, stdout];
}

/** The findings of every report the cell shows, one array per report, in order. */
export function reportsInCell(cell: ExpectCell): ReportFinding[][] {
  const reports: ReportFinding[][] = [];
  for (const block of outputTexts(cell)) {
    let current: ReportFinding[] | undefined;
    const lines = block.split('\n');
    for (const [i, line] of lines.entries()) {
      if (REPORT_START.test(line)) {
        const verdict = lines.slice(i + 1).find((next) => next.trim() !== '') ?? '';
        current = VERDICT.test(verdict) ? [] : undefined;
        if (current) reports.push(current);
      }
      const match = FINDING_LINE.exec(line.trimEnd());
      if (current && match) current.push({ severity: SEVERITIES[match[1]], id: match[2] });
    }
  }
  return reports;
}

/** Why the cell breaks its promise, or undefined when it keeps it. */
export function expectationFailure(expectation: Expectation, reports: readonly ReportFinding[][]): string | undefined {
  if (reports.length === 0) {
    return 'the cell has an expectation but shows no report in its outputs (display the report with diagnose(), or print report.toText() when display is false)';
  }
  const problems = reports.flatMap((findings, index) => {
    const where = reports.length > 1 ? `report ${index + 1} of ${reports.length}` : 'the report';
    const serious = findings.filter((f) => f.severity !== 'info');
    const shown = findings.length ? findings.map((f) => `${f.id} (${f.severity})`).join(', ') : 'no findings';
    if (expectation.kind === 'clean') {
      return serious.length === 0 ? [] : [`${where} should be clean (no warning, no error) but shows: ${shown}`];
    }
    const missing = expectation.ids.filter((id) => !serious.some((f) => f.id === id));
    return missing.length === 0 ? [] : [`${where} should show ${missing.join(', ')} at warning or error severity; it shows: ${shown}`];
  });
  return problems.length ? problems.join('\n') : undefined;
}

/** True for a cell tagged "solution" whose source JupyterLab shows collapsed. */
export function isHiddenSolution(cell: ExpectCell): boolean {
  const tags = cell.metadata?.tags;
  const jupyter = cell.metadata?.jupyter;
  return Array.isArray(tags) && tags.includes('solution') && isRecord(jupyter) && jupyter.source_hidden === true;
}

/** True for a cell tagged "solution" (hidden or not). */
export function isSolution(cell: ExpectCell): boolean {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) && tags.includes('solution');
}

/** The first line of a cell's source, to name it in messages. */
export function firstLine(cell: ExpectCell): string {
  return text(cell.source).split('\n')[0].slice(0, 80);
}
