/**
 * A run's events folded into one record (pure), and the run log read back:
 * `runs.read()` lists every run with its settings, curves and findings.
 */
import { join } from 'node:path';
import { readNumber, type DiagnosisEvent, type ParamValue, type RunEvent, type RunStatus, type StartEvent } from './format';
import { MlflowSync, type MlflowOptions, type SyncStatus } from './mlflow';
import { listRunIds, readRunEvents, runDirectory, type ReadProblem } from './store';

export interface MetricPoint {
  step: number;
  epoch?: number;
  value: number;
}

export interface RunRecord {
  id: string;
  name: string;
  source: string;
  started: number;
  ended?: number;
  status: RunStatus | 'running';
  start: StartEvent;
  params: Record<string, ParamValue>;
  notes: string[];
  /** Per metric name: its step series and its epoch series. */
  steps: Record<string, MetricPoint[]>;
  epochs: Record<string, MetricPoint[]>;
  diagnoses: DiagnosisEvent[];
  /** Lines of this run's log that could not be read (reported, skipped). */
  problems: ReadProblem[];
}

function append(into: Record<string, MetricPoint[]>, values: Record<string, number | string>, step: number, epoch: number | undefined): void {
  for (const [key, value] of Object.entries(values)) {
    (into[key] ??= []).push({ step, epoch, value: readNumber(value as number) });
  }
}

/** Folds one run's events (in file order) into a record; undefined without a start event. */
export function foldRun(id: string, events: readonly RunEvent[], problems: ReadProblem[] = []): RunRecord | undefined {
  const start = events.find((e): e is StartEvent => e.type === 'start');
  if (!start) return undefined;
  const record: RunRecord = {
    id, name: start.name, source: start.source, started: start.t, status: 'running', start,
    params: { ...start.params }, notes: [], steps: {}, epochs: {}, diagnoses: [], problems,
  };
  for (const event of events) {
    switch (event.type) {
      case 'params':
        Object.assign(record.params, event.params);
        break;
      case 'note':
        record.notes.push(event.text);
        break;
      case 'metrics':
        append(event.scope === 'epoch' ? record.epochs : record.steps, event.values, event.step, event.epoch);
        break;
      case 'diagnosis':
        record.diagnoses.push(event);
        break;
      case 'end':
        record.status = event.status;
        record.ended = event.t;
        break;
      default:
        break;
    }
  }
  return record;
}

export interface ReadResult {
  runs: RunRecord[];
  /** Unreadable lines across the log, each reported once (file and line). */
  problems: ReadProblem[];
}

/** Every run in the folder, oldest first. Bad lines are skipped and listed, never fatal. */
export function readRuns(dir?: string): ReadResult {
  const folder = runDirectory(dir);
  const runs: RunRecord[] = [];
  const problems: ReadProblem[] = [];
  for (const id of listRunIds(folder)) {
    const read = readRunEvents(folder, id);
    problems.push(...read.problems);
    const record = foldRun(id, read.events, read.problems);
    if (record) runs.push(record);
  }
  return { runs, problems };
}

/**
 * Sends every run of the log that MLflow has not fully received (after a
 * server outage, or runs recorded without mlflow). Reads from disk, so it works
 * from a new process too.
 */
export async function syncRuns(options: { dir?: string; mlflow: string | MlflowOptions; ids?: readonly string[] }): Promise<Record<string, SyncStatus>> {
  const folder = runDirectory(options.dir);
  const mlflow = typeof options.mlflow === 'string' ? { trackingUri: options.mlflow } : options.mlflow;
  const result: Record<string, SyncStatus> = {};
  for (const id of options.ids ?? listRunIds(folder)) {
    const { events } = readRunEvents(folder, id);
    result[id] = await new MlflowSync(join(folder, id), id, mlflow).sync(events);
  }
  return result;
}
