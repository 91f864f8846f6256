/**
 * The run log's on-disk format, version 1 (documented in README.md, "Run log").
 *
 *   <dir>/<run id>/events.jsonl   one JSON object a line, append-only
 *   <dir>/<run id>/report-<n>.html, diagnosis-<n>.json   artifacts of diagnose()
 *   <dir>/<run id>/mlflow.json    how far the run was sent to MLflow (when it is)
 *
 * Every line carries `v` (format version), `type`, `run` (the run id) and `t`
 * (ms since the epoch). Non-finite numbers travel as the strings "NaN",
 * "Infinity" and "-Infinity" (JSON has no such numbers; MLflow's REST API
 * reads these strings too). A line is written by one write() on a file opened
 * for appending, so two writers never interleave inside a line.
 */
import type { FindingId, Severity } from '../types';

export const RUN_LOG_VERSION = 1;

export type ParamValue = string | number | boolean;
/** A metric value as stored: a finite number, or one of the non-finite strings. */
export type StoredNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface LayerRecord {
  name: string;
  className: string;
  outputShape: string;
  params: number;
}

export interface ModelRecord {
  name: string;
  /** sha256 of the architecture with layer names left out (two builds of one architecture hash alike). */
  architectureHash: string;
  /** sha256 of every weight's bytes, in order, when the run started. */
  weightsHash: string;
  parameterCount: number;
  layers: LayerRecord[];
}

export interface OptimizerRecord {
  name: string;
  learningRate?: number;
  loss?: string;
}

export interface DataRecord {
  xShape: number[];
  yShape: number[];
  /** sha256 over the values (all, or an even stride of rows for very large data). */
  fingerprint: string;
  rowsHashed: number;
}

export interface FindingRecord {
  id: FindingId;
  severity: Severity;
  title: string;
  layer?: string;
  evidence: Record<string, number | string | boolean>;
}

interface Base {
  v: typeof RUN_LOG_VERSION;
  run: string;
  t: number;
}

export interface StartEvent extends Base {
  type: 'start';
  name: string;
  /** The notebook (Jupyter's JPY_SESSION_NAME) or script that recorded the run. */
  source: string;
  model: ModelRecord;
  optimizer?: OptimizerRecord;
  data?: DataRecord;
  params: Record<string, ParamValue>;
}

export interface ParamsEvent extends Base {
  type: 'params';
  params: Record<string, ParamValue>;
}

/** Metrics of one training step (`scope: 'batch'`, step = batches so far) or one epoch (step = epoch). */
export interface MetricsEvent extends Base {
  type: 'metrics';
  scope: 'batch' | 'epoch';
  step: number;
  epoch?: number;
  values: Record<string, StoredNumber>;
}

export interface DiagnosisEvent extends Base {
  type: 'diagnosis';
  /** 1 for the run's first diagnose(), 2 for the next, ... */
  index: number;
  findings: FindingRecord[];
  fixFirst?: FindingId;
  /** Artifact file names inside the run folder. */
  report?: string;
  json: string;
}

export interface NoteEvent extends Base {
  type: 'note';
  text: string;
}

export type RunStatus = 'finished' | 'failed' | 'killed';

export interface EndEvent extends Base {
  type: 'end';
  status: RunStatus;
}

export type RunEvent = StartEvent | ParamsEvent | MetricsEvent | DiagnosisEvent | NoteEvent | EndEvent;

export const EVENT_TYPES: readonly RunEvent['type'][] = ['start', 'params', 'metrics', 'diagnosis', 'note', 'end'];

export function storeNumber(value: number): StoredNumber {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

export function readNumber(value: StoredNumber): number {
  return typeof value === 'number' ? value : Number(value);
}

/** One event as one line (with its newline). */
export function eventLine(event: RunEvent): string {
  return `${JSON.stringify(event)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is wrong with a parsed line, or undefined when it is a v1 event (the checks are shallow on purpose). */
export function eventProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  if (value.v !== RUN_LOG_VERSION) return `unknown format version ${JSON.stringify(value.v)}`;
  if (typeof value.run !== 'string' || typeof value.t !== 'number') return 'no run id or time';
  if (!EVENT_TYPES.includes(value.type as RunEvent['type'])) return `unknown event type ${JSON.stringify(value.type)}`;
  if (value.type === 'metrics' && (!isRecord(value.values) || typeof value.step !== 'number')) return 'metrics without values or step';
  if (value.type === 'start' && (!isRecord(value.model) || typeof value.name !== 'string')) return 'start without model or name';
  return undefined;
}
