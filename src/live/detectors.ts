/**
 * Pure detectors over the history of a run: each takes the numbers seen so
 * far and returns what it found (or null). They run on downsampled history,
 * about once a second, never per batch.
 */
import type { Finding } from '../types';
import type { EpochRow } from './history';
import type { SeriesPoint } from './series';
import * as messages from './messages';

export interface DivergenceOptions {
  /** Points needed before judging. */
  minPoints: number;
  /** Smoothed loss must exceed this multiple of its best value. */
  factor: number;
  /** Exponential smoothing weight of a new point. */
  smoothing: number;
  /** Consecutive smoothed points that must be above the threshold. */
  sustained: number;
}

export const DIVERGENCE_DEFAULTS: DivergenceOptions = { minPoints: 20, factor: 2, smoothing: 0.1, sustained: 3 };

/** Exponential moving average of the finite points (non-finite ones are skipped). */
export function smooth(points: readonly SeriesPoint[], weight: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let ema: number | null = null;
  for (const { step, value } of points) {
    if (value === null || !Number.isFinite(value)) continue;
    ema = ema === null ? value : ema + weight * (value - ema);
    out.push({ step, value: ema });
  }
  return out;
}

/** loss-diverging when the smoothed loss rose far above its best and above its start, for several points. */
export function detectDivergence(
  loss: readonly SeriesPoint[],
  learningRate: number | null,
  options: DivergenceOptions = DIVERGENCE_DEFAULTS,
): Finding | null {
  const smoothed = smooth(loss, options.smoothing);
  if (smoothed.length < options.minPoints) return null;
  // The first smoothed points are the first raw ones, barely averaged: the
  // start and the low are both read after a short warm-up, so the low is never
  // above the start and the message never compares two different baselines.
  const warmup = Math.min(5, smoothed.length);
  const start = smoothed[warmup - 1];
  const startLoss = start.value as number;
  let best = start;
  for (const point of smoothed.slice(warmup - 1)) if ((point.value as number) < (best.value as number)) best = point;
  const bestLoss = best.value as number;
  const recent = smoothed.slice(-options.sustained);
  const above = (p: SeriesPoint) => (p.value as number) > options.factor * bestLoss && (p.value as number) > startLoss;
  if (!recent.every(above) || recent[0].step <= best.step) return null;
  const last = smoothed[smoothed.length - 1];
  return messages.divergence({
    step: last.step,
    loss: last.value as number,
    bestLoss,
    bestStep: best.step,
    startLoss,
    startStep: start.step,
    learningRate,
  });
}

export interface GapOptions {
  /** Validation loss must have risen this fraction above its best. */
  rise: number;
  /** Training loss must have fallen this fraction below its value at the best validation epoch. */
  trainDrop: number;
  /** Epochs since the best validation loss. */
  patience: number;
}

export const GAP_DEFAULTS: GapOptions = { rise: 0.1, trainDrop: 0.05, patience: 2 };

/** val-loss-rising when validation loss rises for `patience` epochs while training loss keeps falling. */
export function detectWideningGap(epochs: readonly EpochRow[], options: GapOptions = GAP_DEFAULTS): Finding | null {
  const rows = epochs.filter((row) => isFiniteValue(row.values.loss) && isFiniteValue(row.values.val_loss));
  if (rows.length < options.patience + 1) return null;
  let bestIndex = 0;
  rows.forEach((row, i) => {
    if ((row.values.val_loss as number) < (rows[bestIndex].values.val_loss as number)) bestIndex = i;
  });
  const best = rows[bestIndex];
  const last = rows[rows.length - 1];
  const validationLoss = last.values.val_loss as number;
  const trainLoss = last.values.loss as number;
  const bestValidationLoss = best.values.val_loss as number;
  const trainLossAtBest = best.values.loss as number;
  const widening =
    rows.length - 1 - bestIndex >= options.patience &&
    validationLoss > bestValidationLoss * (1 + options.rise) &&
    trainLoss < trainLossAtBest * (1 - options.trainDrop);
  if (!widening) return null;
  return messages.wideningGap({
    epoch: last.epoch,
    step: last.step,
    trainLoss,
    validationLoss,
    bestValidationLoss,
    bestEpoch: best.epoch,
    trainLossAtBest,
  });
}

export interface PlateauOptions {
  /** Fewest batches seen before a plateau can be called. */
  minSteps: number;
  /** Relative improvement below which the window counts as flat. */
  threshold: number;
}

export const PLATEAU_DEFAULTS: PlateauOptions = { minSteps: 300, threshold: 0.005 };

/**
 * A plateau: the mean of the last quarter of the curve is within `threshold`
 * (relative) of the mean of the quarter before it. Returned as a note, not a
 * finding: a flat loss is expected at the end of a good run.
 */
export function detectPlateau(
  series: string,
  points: readonly SeriesPoint[],
  options: PlateauOptions = PLATEAU_DEFAULTS,
): messages.Plateau | null {
  const finite = points.filter((p) => isFiniteValue(p.value));
  if (finite.length < 8 || finite[finite.length - 1].step < options.minSteps) return null;
  const quarter = Math.floor(finite.length / 4);
  const previous = finite.slice(-2 * quarter, -quarter);
  const latest = finite.slice(-quarter);
  const before = mean(previous.map((p) => p.value as number));
  const now = mean(latest.map((p) => p.value as number));
  if (before <= 0) return null;
  const improvement = (before - now) / before;
  if (Math.abs(improvement) >= options.threshold) return null;
  return { series, fromStep: previous[0].step, toStep: latest[latest.length - 1].step, improvement, value: now };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function isFiniteValue(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
