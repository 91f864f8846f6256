/**
 * Run-log events -> MLflow REST operations (pure). One place decides how a
 * tfjs-doctor run looks in MLflow:
 *   - parameters: optimizer, learning rate, loss, model facts, data shapes and
 *     fingerprint, and the user's own params;
 *   - metrics: epoch metrics under their Keras names (`loss`, `val_loss`, step =
 *     epoch), step metrics as `batch_<name>` (step = batches so far);
 *   - tags: `tfjs_doctor.finding.<id>` = severity, `tfjs_doctor.fix_first`, the
 *     run id, the source notebook; notes become the run's description
 *     (`mlflow.note.content`);
 *   - artifacts: each diagnosis' report HTML and JSON;
 *   - the end event sets the run's status.
 * Metric timestamps are the events' own, so sending an event twice stores it once
 * (MLflow keys a metric by run, key, step, timestamp and value).
 */
import { readNumber, type ParamValue, type RunEvent, type RunStatus, type StartEvent } from './format';

export interface MlflowMetric { key: string; value: number | string; timestamp: number; step: number }
export interface MlflowKeyValue { key: string; value: string }

export type MlflowOperation =
  | { kind: 'create'; name: string; startTime: number; tags: MlflowKeyValue[] }
  | { kind: 'batch'; metrics: MlflowMetric[]; params: MlflowKeyValue[]; tags: MlflowKeyValue[] }
  | { kind: 'artifact'; file: string; contentType: string }
  | { kind: 'end'; status: 'FINISHED' | 'FAILED' | 'KILLED'; endTime: number };

/** MLflow's limits per log-batch request. */
export const MLFLOW_LIMITS = { metrics: 1000, params: 100, tags: 100, paramValue: 6000, tagValue: 8000 } as const;

const STATUS: Record<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'> = { finished: 'FINISHED', failed: 'FAILED', killed: 'KILLED' };

/** MLflow keys allow letters, digits, _ - . / and spaces. */
export function mlflowKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_\-./ ]/g, '_');
}

function kv(key: string, value: ParamValue | undefined, limit: number): MlflowKeyValue[] {
  if (value === undefined) return [];
  return [{ key: mlflowKey(key), value: String(value).slice(0, limit) }];
}

function startParams(event: StartEvent): MlflowKeyValue[] {
  const p = (key: string, value: ParamValue | undefined) => kv(key, value, MLFLOW_LIMITS.paramValue);
  return [
    ...p('optimizer', event.optimizer?.name),
    ...p('learning_rate', event.optimizer?.learningRate),
    ...p('loss', event.optimizer?.loss),
    ...p('model.name', event.model.name),
    ...p('model.architecture_sha256', event.model.architectureHash),
    ...p('model.initial_weights_sha256', event.model.weightsHash),
    ...p('model.parameters', event.model.parameterCount),
    ...p('model.layers', event.model.layers.map((l) => `${l.className}${l.outputShape}`).join(' > ')),
    ...p('data.x_shape', event.data && `[${event.data.xShape.join(', ')}]`),
    ...p('data.y_shape', event.data && `[${event.data.yShape.join(', ')}]`),
    ...p('data.fingerprint', event.data?.fingerprint),
    ...Object.entries(event.params).flatMap(([key, value]) => p(key, value)),
  ];
}

/** The operations one event becomes (notes need every note so far: MLflow's description is one text). */
export function operationsFor(event: RunEvent, notesSoFar: readonly string[]): MlflowOperation[] {
  const tag = (key: string, value: string) => kv(key, value, MLFLOW_LIMITS.tagValue);
  switch (event.type) {
    case 'start':
      return [
        {
          kind: 'create', name: event.name, startTime: event.t,
          tags: [...tag('mlflow.source.name', event.source), ...tag('tfjs_doctor.run_id', event.run)],
        },
        { kind: 'batch', metrics: [], params: startParams(event), tags: [] },
      ];
    case 'params':
      return [{ kind: 'batch', metrics: [], params: Object.entries(event.params).flatMap(([k, v]) => kv(k, v, MLFLOW_LIMITS.paramValue)), tags: [] }];
    case 'metrics': {
      const prefix = event.scope === 'batch' ? 'batch_' : '';
      const metrics = Object.entries(event.values).map(([key, value]) => ({
        key: mlflowKey(prefix + key), value: typeof value === 'number' ? value : String(readNumber(value)), timestamp: event.t, step: event.step,
      }));
      return [{ kind: 'batch', metrics, params: [], tags: [] }];
    }
    case 'diagnosis': {
      const tags = [
        ...event.findings.flatMap((f) => tag(`tfjs_doctor.finding.${f.id}`, f.severity)),
        ...tag('tfjs_doctor.findings', event.findings.map((f) => f.id).join(', ') || 'none'),
        ...(event.fixFirst ? tag('tfjs_doctor.fix_first', event.fixFirst) : []),
      ];
      const counts = { errors: 0, warnings: 0 };
      for (const f of event.findings) {
        if (f.severity === 'error') counts.errors += 1;
        if (f.severity === 'warning') counts.warnings += 1;
      }
      const metrics = [
        { key: 'diagnosis.errors', value: counts.errors, timestamp: event.t, step: event.index },
        { key: 'diagnosis.warnings', value: counts.warnings, timestamp: event.t, step: event.index },
      ];
      return [
        { kind: 'batch', metrics, params: [], tags },
        ...(event.report ? [{ kind: 'artifact' as const, file: event.report, contentType: 'text/html' }] : []),
        { kind: 'artifact', file: event.json, contentType: 'application/json' },
      ];
    }
    case 'note':
      return [{ kind: 'batch', metrics: [], params: [], tags: tag('mlflow.note.content', [...notesSoFar, event.text].join('\n\n')) }];
    case 'end':
      return [{ kind: 'end', status: STATUS[event.status], endTime: event.t }];
  }
}

/** Splits a batch so each request stays within MLflow's limits. */
export function splitBatch(op: Extract<MlflowOperation, { kind: 'batch' }>): Extract<MlflowOperation, { kind: 'batch' }>[] {
  const parts: Extract<MlflowOperation, { kind: 'batch' }>[] = [];
  const { metrics, params, tags } = op;
  const count = Math.max(
    Math.ceil(metrics.length / MLFLOW_LIMITS.metrics), Math.ceil(params.length / MLFLOW_LIMITS.params), Math.ceil(tags.length / MLFLOW_LIMITS.tags), 1,
  );
  for (let i = 0; i < count; i += 1) {
    parts.push({
      kind: 'batch',
      metrics: metrics.slice(i * MLFLOW_LIMITS.metrics, (i + 1) * MLFLOW_LIMITS.metrics),
      params: params.slice(i * MLFLOW_LIMITS.params, (i + 1) * MLFLOW_LIMITS.params),
      tags: tags.slice(i * MLFLOW_LIMITS.tags, (i + 1) * MLFLOW_LIMITS.tags),
    });
  }
  return parts;
}
