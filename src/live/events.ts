/**
 * The stream of a watched run as plain JSON events: what the monitor emits,
 * what the history folds, what the log file stores one per line and what the
 * dashboard receives. One vocabulary for all of them, so a dashboard fed from
 * a log file in another process sees exactly what a live one sees.
 */
import type { Finding } from '../types';

/** Metric values of one batch or epoch by log name (`loss`, `acc`, `val_loss`...); null = not finite. */
export type Values = Record<string, number | null>;

export interface RunInfo {
  /** Random per watch() call: a log file holding several runs starts a new history at each new id. */
  runId: string;
  modelName: string;
  /** Layers with trainable weights, in model order (heatmap rows). */
  layers: string[];
  lossName: string;
  /** Loss of the best constant predictor, when the loss and output allow computing it. */
  chanceLoss: number | null;
  chanceReason: string | null;
  /** Total batches of the fit when known (progress bar and ETA). */
  totalSteps: number | null;
  epochs: number | null;
  /** Wall-clock start of this fit, ms since the epoch. */
  startedAt: number;
  /** Steps already seen by this watcher when this fit started (a watcher reused across fits keeps counting). */
  startStep: number;
}

/** Per-layer statistics sampled every few steps. */
export interface LayerSample {
  layer: string;
  /** L2 norm of the layer's gradient on the held batch; null when not measured. */
  gradNorm: number | null;
  /** ||weights after step - weights before|| / ||weights before|| for the real optimizer step. */
  updateRatio: number | null;
}

export type NoteKind = 'plateau' | 'stopped' | 'info';

export type LiveEvent =
  | { type: 'start'; run: RunInfo }
  | { type: 'batch'; step: number; epoch: number; batch: number; t: number; values: Values }
  | { type: 'epoch'; step: number; epoch: number; t: number; values: Values }
  | { type: 'layers'; step: number; rows: LayerSample[] }
  | { type: 'finding'; step: number; finding: Finding }
  | { type: 'note'; step: number; kind: NoteKind; text: string }
  | { type: 'end'; step: number; t: number; reason: 'completed' | 'stopped' };

export type LiveEventType = LiveEvent['type'];

const EVENT_TYPES: ReadonlySet<string> = new Set<LiveEventType>(['start', 'batch', 'epoch', 'layers', 'finding', 'note', 'end']);

/**
 * A parsed JSON value that looks like a LiveEvent, or null. Used where events
 * cross a process boundary (log files): shape checks only, the producer is trusted
 * to be tfjs-doctor, but a truncated or foreign line must not crash the reader.
 */
export function asLiveEvent(value: unknown): LiveEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) return null;
  const step = (value as { step?: unknown }).step;
  if (type !== 'start' && (typeof step !== 'number' || !Number.isFinite(step))) return null;
  if (type === 'start' && typeof (value as { run?: unknown }).run !== 'object') return null;
  return value as LiveEvent;
}
