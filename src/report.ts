/**
 * The Diagnosis object diagnose() returns: the plain data plus ways to show it.
 * Rendering lives in src/render; this class only decides when to call it.
 *
 * Nothing is drawn until the report is shown or asked for: diagnose() with
 * `display: false` builds no HTML. `toHTML()` stays synchronous (drawing in
 * Node is synchronous, see src/render/vega.ts) and memoizes its page.
 */
import type { Measurements } from './measurements';
import type { CheckRun, DiagnosisData, Finding } from './types';
import { displayReport, reportToHTML, reportToText } from './render';

/** The report as HTML; a rendering failure must not cost the user the diagnosis itself. */
export function renderHTML(data: DiagnosisData): string {
  try {
    return reportToHTML(data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `<p>tfjs-doctor could not render this report as HTML (${reason}); use report.toText() or report.toJSON().</p>`;
  }
}

/** The result of diagnose(): plain data plus ways to show it. */
export interface Diagnosis extends DiagnosisData {
  /** Displays the report in the notebook (tslab); resolves when it is sent. */
  show(): Promise<void>;
  /** A standalone HTML page of the report, drawn on the first call (synchronous; later calls return the same page). */
  toHTML(): string;
  /** A plain-text report. */
  toText(): string;
  /** The plain data (findings, checks, measurements, context). */
  toJSON(): DiagnosisData;
}

export class DiagnosisReport implements Diagnosis {
  readonly findings: Finding[];
  readonly checks: CheckRun[];
  readonly measurements: Measurements;
  readonly context: DiagnosisData['context'];
  readonly triage: DiagnosisData['triage'];
  #html: string | undefined;

  constructor(data: DiagnosisData) {
    this.findings = data.findings;
    this.triage = data.triage;
    this.checks = data.checks;
    this.measurements = data.measurements;
    this.context = data.context;
  }

  toJSON(): DiagnosisData {
    return { findings: this.findings, checks: this.checks, measurements: this.measurements, context: this.context, triage: this.triage };
  }

  show(): Promise<void> {
    return displayReport(this.toJSON(), () => this.toHTML());
  }

  toHTML(): string {
    this.#html ??= renderHTML(this.toJSON());
    return this.#html;
  }

  toText(): string {
    return reportToText(this.toJSON());
  }
}
