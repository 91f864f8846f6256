/**
 * Sends a run's events to an MLflow tracking server through its REST API
 * (plain JSON over HTTP: experiments/get-by-name|create, runs/create,
 * runs/log-batch, runs/update, mlflow-artifacts PUT).
 *
 * The local run log is the buffer: `mlflow.json` in the run's folder records
 * how many events the server has acknowledged, so a failure (server down,
 * network gone) loses nothing: the next sync, in this process or a later one
 * (syncRuns()), sends from there. Nothing here ever throws into model.fit.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from './format';
import { operationsFor, splitBatch, type MlflowOperation } from './mlflow-map';
import { readArtifact } from './store';
import { runsMessages } from '../messages/runs';

export interface MlflowOptions {
  /** The tracking server, e.g. 'http://127.0.0.1:5000'. */
  trackingUri: string;
  /** Experiment name; created when missing. Defaults to 'tfjs-doctor'. */
  experiment?: string;
  /** Time allowed for one request, in ms. Defaults to 10000. */
  timeoutMs?: number;
}

export const MLFLOW_DEFAULTS = { experiment: 'tfjs-doctor', timeoutMs: 10_000 } as const;

export class MlflowError extends Error {
  override name = 'MlflowError';
  constructor(message: string, readonly status?: number, readonly code?: string) {
    super(message);
  }
}

/** What the server has of a run, kept in <run folder>/mlflow.json. */
export interface MlflowState {
  trackingUri: string;
  experimentId?: string;
  runId?: string;
  artifactPath?: string;
  /** Events acknowledged by the server, counted from the start of events.jsonl. */
  sent: number;
}

export const MLFLOW_STATE_FILE = 'mlflow.json';

export function readState(folder: string, trackingUri: string): MlflowState {
  const file = join(folder, MLFLOW_STATE_FILE);
  if (existsSync(file)) {
    try {
      const state = JSON.parse(readFileSync(file, 'utf8')) as MlflowState;
      if (state.trackingUri === trackingUri && typeof state.sent === 'number') return state;
    } catch {
      // A damaged state file: start over; MLflow stores re-sent metrics once.
    }
  }
  return { trackingUri, sent: 0 };
}

function writeState(folder: string, state: MlflowState): void {
  writeFileSync(join(folder, MLFLOW_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export class MlflowClient {
  private readonly base: string;
  constructor(trackingUri: string, private readonly timeoutMs: number) {
    let url: URL;
    try {
      url = new URL(trackingUri);
    } catch {
      throw new MlflowError(runsMessages.badTrackingUri(trackingUri));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MlflowError(runsMessages.badTrackingUri(trackingUri));
    this.base = url.href.replace(/\/+$/, '');
  }

  async request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, contentType = 'application/json'): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': contentType },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error));
      throw new MlflowError(runsMessages.unreachable(this.base, cause));
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = {};
    }
    if (!response.ok) {
      const code = typeof json.error_code === 'string' ? json.error_code : undefined;
      const message = typeof json.message === 'string' ? json.message : text.slice(0, 200);
      throw new MlflowError(runsMessages.serverSaid(response.status, message), response.status, code);
    }
    return json;
  }

  async experimentId(name: string): Promise<string> {
    try {
      const found = await this.request('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
      return String((found.experiment as { experiment_id: string }).experiment_id);
    } catch (error) {
      if (!(error instanceof MlflowError) || error.code !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    }
    const created = await this.request('POST', '/api/2.0/mlflow/experiments/create', { name });
    return String(created.experiment_id);
  }
}

/** How a sync went: how much is on the server, how much waits, and the last failure. */
export interface SyncStatus {
  sent: number;
  pending: number;
  runId?: string;
  experimentId?: string;
  error?: string;
}

/**
 * Sends the events of one run from where the server left off. Consecutive
 * metrics events travel together (one log-batch per 1000 values).
 */
export class MlflowSync {
  private readonly client: MlflowClient;
  private readonly experiment: string;
  private state: MlflowState;
  private running: Promise<SyncStatus> | null = null;
  private lastError: string | undefined;

  constructor(private readonly folder: string, private readonly localRunId: string, options: MlflowOptions) {
    this.client = new MlflowClient(options.trackingUri, options.timeoutMs ?? MLFLOW_DEFAULTS.timeoutMs);
    this.experiment = options.experiment ?? MLFLOW_DEFAULTS.experiment;
    this.state = readState(folder, options.trackingUri);
  }

  status(total: number): SyncStatus {
    return { sent: this.state.sent, pending: Math.max(0, total - this.state.sent), runId: this.state.runId, experimentId: this.state.experimentId, error: this.lastError };
  }

  /** Sends what is not on the server yet; one sync at a time (a call during a sync waits for it, then runs). */
  sync(events: readonly RunEvent[]): Promise<SyncStatus> {
    const previous = this.running ?? Promise.resolve(this.status(events.length));
    const next = previous.then(() => this.sendFrom(events));
    this.running = next;
    return next;
  }

  private async sendFrom(events: readonly RunEvent[]): Promise<SyncStatus> {
    try {
      const notes = events.slice(0, this.state.sent).flatMap((e) => (e.type === 'note' ? [e.text] : []));
      while (this.state.sent < events.length) {
        const first = events[this.state.sent];
        // Consecutive metrics events go out together.
        let end = this.state.sent + 1;
        if (first.type === 'metrics') {
          let values = Object.keys(first.values).length;
          while (end < events.length && events[end].type === 'metrics' && values < 1000) {
            values += Object.keys((events[end] as Extract<RunEvent, { type: 'metrics' }>).values).length;
            end += 1;
          }
        }
        const slice = events.slice(this.state.sent, end);
        const operations = slice.flatMap((event) => {
          const ops = operationsFor(event, notes);
          if (event.type === 'note') notes.push(event.text);
          return ops;
        });
        await this.apply(mergeBatches(operations));
        this.state = { ...this.state, sent: end };
        writeState(this.folder, this.state);
      }
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
    return this.status(events.length);
  }

  private async apply(operations: readonly MlflowOperation[]): Promise<void> {
    for (const op of operations) {
      if (op.kind === 'create') {
        if (this.state.runId) continue;
        const experimentId = this.state.experimentId ?? (await this.client.experimentId(this.experiment));
        this.state = { ...this.state, experimentId };
        const created = await this.client.request('POST', '/api/2.0/mlflow/runs/create', {
          experiment_id: experimentId, run_name: op.name, start_time: op.startTime, tags: op.tags,
        });
        const info = (created.run as { info: { run_id: string; artifact_uri: string } }).info;
        this.state = { ...this.state, runId: info.run_id, artifactPath: info.artifact_uri.replace(/^mlflow-artifacts:\/?/, '') };
        writeState(this.folder, this.state);
        continue;
      }
      const runId = this.state.runId;
      if (!runId) throw new MlflowError(runsMessages.noMlflowRun(this.localRunId));
      if (op.kind === 'batch') {
        for (const part of splitBatch(op)) {
          if (part.metrics.length + part.params.length + part.tags.length === 0) continue;
          await this.client.request('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics: part.metrics, params: part.params, tags: part.tags });
        }
      } else if (op.kind === 'artifact') {
        const content = readArtifact(this.folder, '', op.file);
        await this.client.request('PUT', `/api/2.0/mlflow-artifacts/artifacts/${this.state.artifactPath}/${encodeURIComponent(op.file)}`, content, op.contentType);
      } else {
        await this.client.request('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: op.status, end_time: op.endTime });
      }
    }
  }
}

/** One entry per key, the last one given (MLflow refuses a key twice in one request). */
function lastByKey<T extends { key: string }>(entries: readonly T[]): T[] {
  return [...new Map(entries.map((entry) => [entry.key, entry])).values()];
}

/** Adjacent log-batch operations become one (fewer round trips); order is kept. */
function mergeBatches(operations: readonly MlflowOperation[]): MlflowOperation[] {
  const merged: MlflowOperation[] = [];
  for (const op of operations) {
    const last = merged[merged.length - 1];
    if (op.kind === 'batch' && last?.kind === 'batch') {
      merged[merged.length - 1] = {
        kind: 'batch',
        metrics: [...last.metrics, ...op.metrics],
        params: lastByKey([...last.params, ...op.params]),
        tags: lastByKey([...last.tags, ...op.tags]),
      };
    } else {
      merged.push(op);
    }
  }
  return merged;
}
