/**
 * One recorded run: `const run = runs.record(model, { name, params, data })`.
 *
 *   record() ─► start event (model summary, architecture and weight hashes,
 *               optimizer, data fingerprint, your params)
 *   run.callback() in model.fit ─► metrics per step and per epoch
 *   run.diagnose(data) / run.addDiagnosis(report) ─► findings + report artifacts
 *   run.note(text) ─► your notes
 *   run.end() ─► end event; MLflow flushed (or what is left reported)
 *
 * Events go to the run log folder (one JSON line each, append-only) at most
 * every `flushEveryMs` and at each epoch's end; with `mlflow`, each flush is
 * also sent in the background. A failing disk or server never breaks fit.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { diagnose, type Diagnosis, type DiagnoseData, type DiagnoseOptions } from '../diagnose';
import type { DiagnosisData } from '../types';
import { runsMessages } from '../messages/runs';
import { RUN_LOG_VERSION, storeNumber, type ParamValue, type RunEvent, type RunStatus, type StoredNumber } from './format';
import { dataRecord, modelRecord, optimizerRecord } from './fingerprint';
import { MlflowSync, type MlflowOptions, type SyncStatus } from './mlflow';
import { appendEvents, newRunId, runDirectory, writeArtifact } from './store';

export interface RecordOptions {
  /** A name to tell the run apart in comparisons and in MLflow. Defaults to the run id. */
  name?: string;
  /** The run log folder. Defaults to 'runs' in the working directory (beside the notebook in tslab). */
  dir?: string;
  /** Your hyperparameters or anything else to compare runs by. Defaults to none. */
  params?: Record<string, ParamValue>;
  /** A first note (what you are trying). Defaults to none. */
  notes?: string;
  /** The training data, fingerprinted (shape and a hash of its values) so runs on other data stand out. Defaults to none. */
  data?: { x: tf.Tensor; y: tf.Tensor };
  /** Also log to an MLflow tracking server: its URL, or { trackingUri, experiment }. Defaults to none. */
  mlflow?: string | MlflowOptions;
  /** Least time between two writes of buffered step metrics, in ms. Defaults to 1000. */
  flushEveryMs?: number;
  /** How long end() waits for MLflow to take what is left, in ms. Defaults to 10000. */
  endTimeoutMs?: number;
  /** Clock in ms (tests inject one). Defaults to Date.now. */
  now?: () => number;
  /** Where the run says what it could not send. Defaults to a line on stdout. */
  log?: (line: string) => void;
}

export const RECORD_DEFAULTS = { flushEveryMs: 1000, endTimeoutMs: 10_000, retryMs: 500 } as const;

/** What end() and flush() report. */
export interface RunResult {
  id: string;
  /** The run's folder. */
  folder: string;
  events: number;
  /** How the MLflow copy stands, when the run logs to MLflow. */
  mlflow?: SyncStatus;
  /** Disk errors while writing the run log (training went on). */
  diskErrors: string[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

/** The notebook Jupyter runs (jupyter_server sets JPY_SESSION_NAME), else the script. */
export function runSource(): string {
  return process.env.JPY_SESSION_NAME ?? process.argv[1] ?? 'unknown';
}

function numericLogs(logs: tf.Logs | undefined): Record<string, StoredNumber> {
  const values: Record<string, StoredNumber> = {};
  for (const [key, value] of Object.entries(logs ?? {})) {
    if (key === 'batch' || key === 'size') continue;
    if (typeof value === 'number') values[key] = storeNumber(value);
  }
  return values;
}

export class Run {
  readonly id: string;
  readonly name: string;
  readonly dir: string;
  private readonly now: () => number;
  private readonly say: (line: string) => void;
  private readonly flushEveryMs: number;
  private readonly endTimeoutMs: number;
  /** Every event of the run, in order; `written` of them are on disk. */
  private readonly events: RunEvent[] = [];
  private written = 0;
  private lastFlush = 0;
  private step = 0;
  private epochsDone = 0;
  private epochBase = 0;
  private diagnoses = 0;
  private ended = false;
  private readonly diskErrors: string[] = [];
  private readonly mlflow: MlflowSync | null;
  private mlflowWork: Promise<SyncStatus> | null = null;
  private lastAttempt = -Infinity;

  constructor(model: tf.LayersModel, options: RecordOptions = {}) {
    if (!(model instanceof tf.LayersModel)) throw new TypeError(runsMessages.notAModel(describe(model)));
    if (typeof options !== 'object' || options === null) throw new TypeError(runsMessages.badOption('', 'an object', options));
    if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError(runsMessages.badOption('name', 'a string', options.name));
    if (options.dir !== undefined && typeof options.dir !== 'string') throw new TypeError(runsMessages.badOption('dir', 'a folder path', options.dir));
    if (options.data !== undefined && (!(options.data?.x instanceof tf.Tensor) || !(options.data?.y instanceof tf.Tensor))) {
      throw new TypeError(runsMessages.badOption('data', '{ x, y } with both tensors', describe(options.data)));
    }
    this.now = options.now ?? Date.now;
    this.say = options.log ?? ((line) => process.stdout.write(`${line}\n`));
    this.flushEveryMs = options.flushEveryMs ?? RECORD_DEFAULTS.flushEveryMs;
    this.endTimeoutMs = options.endTimeoutMs ?? RECORD_DEFAULTS.endTimeoutMs;
    this.dir = runDirectory(options.dir);
    const t = this.now();
    this.id = newRunId(t);
    this.name = options.name ?? this.id;
    const mlflow = typeof options.mlflow === 'string' ? { trackingUri: options.mlflow } : options.mlflow;
    this.mlflow = mlflow ? new MlflowSync(this.folder, this.id, mlflow) : null;
    this.push({
      v: RUN_LOG_VERSION, type: 'start', run: this.id, t, name: this.name, source: runSource(),
      model: modelRecord(model), optimizer: optimizerRecord(model), data: options.data && dataRecord(options.data),
      params: { ...options.params },
    });
    if (options.notes !== undefined) this.note(options.notes);
    this.flush();
  }

  get folder(): string {
    return join(this.dir, this.id);
  }

  private push(event: RunEvent): void {
    if (this.ended) throw new Error(runsMessages.ended(this.id));
    this.events.push(event);
  }

  /** Adds parameters to compare runs by (e.g. after choosing them). */
  params(values: Record<string, ParamValue>): void {
    this.push({ v: RUN_LOG_VERSION, type: 'params', run: this.id, t: this.now(), params: { ...values } });
    this.flush();
  }

  /** Attaches your own words to the run (shown in comparisons; MLflow's run description). */
  note(text: string): void {
    this.push({ v: RUN_LOG_VERSION, type: 'note', run: this.id, t: this.now(), text: String(text) });
    this.flush();
  }

  /** Metrics of one step of a custom training loop (step = steps so far unless given). */
  log(values: Record<string, number>, step?: number): void {
    const stored = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, storeNumber(v)]));
    this.push({ v: RUN_LOG_VERSION, type: 'metrics', run: this.id, t: this.now(), scope: 'batch', step: step ?? this.step, values: stored });
    this.step = (step ?? this.step) + 1;
    this.maybeFlush();
  }

  /** A tfjs callback for model.fit / fitDataset: step and epoch metrics. Several fits continue the same step and epoch count. */
  callback(): tf.CustomCallback {
    return new tf.CustomCallback({
      onTrainBegin: () => {
        this.epochBase = this.epochsDone;
      },
      onBatchEnd: (_batch, logs) => {
        this.push({ v: RUN_LOG_VERSION, type: 'metrics', run: this.id, t: this.now(), scope: 'batch', step: this.step, epoch: this.epochsDone, values: numericLogs(logs) });
        this.step += 1;
        this.maybeFlush();
      },
      onEpochEnd: (epoch, logs) => {
        const index = this.epochBase + epoch;
        this.push({ v: RUN_LOG_VERSION, type: 'metrics', run: this.id, t: this.now(), scope: 'epoch', step: index, epoch: index, values: numericLogs(logs) });
        this.epochsDone = index + 1;
        this.flush();
      },
    });
  }

  /** Runs diagnose() on the run's model and records its findings and report. */
  async diagnose(model: tf.LayersModel, data: DiagnoseData, options?: DiagnoseOptions): Promise<Diagnosis> {
    const report = await diagnose(model, data, options);
    await this.addDiagnosis(report);
    return report;
  }

  /** Records a diagnosis: findings (ids, severities, evidence), what to fix first, the report and its JSON as artifacts. */
  async addDiagnosis(report: DiagnosisData & { toHTML?: () => string | Promise<string> }): Promise<void> {
    this.diagnoses += 1;
    const index = this.diagnoses;
    const data: DiagnosisData = { findings: report.findings, checks: report.checks, measurements: report.measurements, context: report.context, triage: report.triage };
    const json = this.safeWrite(`diagnosis-${index}.json`, JSON.stringify(data));
    const html = typeof report.toHTML === 'function' ? await report.toHTML() : undefined;
    const page = html === undefined ? undefined : this.safeWrite(`report-${index}.html`, html);
    this.push({
      v: RUN_LOG_VERSION, type: 'diagnosis', run: this.id, t: this.now(), index,
      findings: report.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title, layer: f.layer, evidence: f.evidence })),
      fixFirst: report.triage?.first, report: page, json: json ?? `diagnosis-${index}.json`,
    });
    this.flush();
  }

  private safeWrite(name: string, content: string): string | undefined {
    try {
      return writeArtifact(this.dir, this.id, name, content);
    } catch (error) {
      this.diskErrors.push(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  private maybeFlush(): void {
    if (this.now() - this.lastFlush >= this.flushEveryMs) this.flush();
  }

  /** Writes buffered events to the run log now and starts sending them to MLflow (not awaited: see settle()). */
  flush(): void {
    this.lastFlush = this.now();
    try {
      appendEvents(this.dir, this.id, this.events.slice(this.written));
      this.written = this.events.length;
    } catch (error) {
      // A full disk or a removed folder must not stop training; the events stay in memory for the next flush.
      this.diskErrors.push(error instanceof Error ? error.message : String(error));
    }
    this.startSync();
  }

  private startSync(): void {
    if (!this.mlflow) return;
    // While the server fails, try at most every retryMs (each flush would otherwise try again).
    if (this.mlflowWork && this.now() - this.lastAttempt < RECORD_DEFAULTS.retryMs) return;
    this.lastAttempt = this.now();
    this.mlflowWork = this.mlflow.sync(this.events.slice(0, this.written));
  }

  /** Waits for the MLflow copy to catch up, retrying until `timeoutMs`; never throws. */
  async settle(timeoutMs = this.endTimeoutMs): Promise<RunResult> {
    const deadline = performance.now() + timeoutMs;
    if (this.mlflow) {
      let status = await this.mlflow.sync(this.events.slice(0, this.written));
      while (status.pending > 0 && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, RECORD_DEFAULTS.retryMs));
        status = await this.mlflow.sync(this.events.slice(0, this.written));
      }
    }
    return this.result();
  }

  result(): RunResult {
    return {
      id: this.id, folder: this.folder, events: this.events.length,
      mlflow: this.mlflow?.status(this.written), diskErrors: [...this.diskErrors],
    };
  }

  /** Ends the run: writes the end event, gives MLflow up to endTimeoutMs, and says what could not be sent. */
  async end(status: RunStatus = 'finished'): Promise<RunResult> {
    if (this.ended) return this.result();
    this.push({ v: RUN_LOG_VERSION, type: 'end', run: this.id, t: this.now(), status });
    this.ended = true;
    this.flush();
    const result = await this.settle();
    if (result.mlflow && result.mlflow.pending > 0) {
      this.say(runsMessages.pending(this.id, result.mlflow.pending, result.mlflow.error, this.folder));
    }
    return result;
  }
}

export function record(model: tf.LayersModel, options?: RecordOptions): Run {
  return new Run(model, options);
}
