/**
 * `show(x)`: the public way to display something tfjs-doctor made, in a tslab
 * cell (outside a notebook: text on stdout, the report's HTML in a file).
 * - a Diagnosis (or its toJSON() data): the full report;
 * - a Vega-Lite spec (e.g. from the chart builders): one chart, with `summary`
 *   as its text form.
 */
import type { DiagnosisData } from '../types';
import { displayReport, displayWidget } from './index';
import type { VegaLiteSpec } from './vega';

const VIEW_KEYS = ['mark', 'layer', 'hconcat', 'vconcat', 'concat', 'facet', 'repeat'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDiagnosis(value: Record<string, unknown>): value is Record<string, unknown> & DiagnosisData {
  return Array.isArray(value.findings) && Array.isArray(value.checks) && isRecord(value.measurements) && isRecord(value.context);
}

function isSpec(value: Record<string, unknown>): value is VegaLiteSpec {
  return typeof value.$schema === 'string' || VIEW_KEYS.some((key) => key in value);
}

export async function show(target: DiagnosisData | VegaLiteSpec, summary?: string): Promise<void> {
  if (isRecord(target) && isDiagnosis(target)) {
    // The plain data only (a Diagnosis also carries methods); triage keeps the verdict's "fix first".
    const { findings, checks, measurements, context, triage } = target;
    return displayReport({ findings, checks, measurements, context, triage });
  }
  if (isRecord(target) && isSpec(target)) return displayWidget(target, summary ?? 'A tfjs-doctor chart.');
  throw new TypeError(
    'show(target): target must be the result of diagnose() or a Vega-Lite spec (an object with $schema or mark); ' +
      `got ${target === null ? 'null' : Array.isArray(target) ? 'an array' : typeof target}.`,
  );
}
