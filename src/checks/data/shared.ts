/** Small helpers the data checks share: class of each probe row, label text, batched prediction. */
import * as tf from '@tensorflow/tfjs';
import type { CheckContext } from '../base';
import { rowClass, variance, type GroupStats } from '../../data/stats';
import { labelSteps } from '../../context/infer';
import { predictPacked } from '../../model/packing';

/** Class index of each row of a label tensor (sparse value or argmax), NaN for non-integers. */
export function classesOf(y: tf.Tensor): number[] {
  const width = y.size / Math.max(y.shape[0], 1);
  const values = y.dataSync();
  return Array.from({ length: y.shape[0] }, (_, r) => rowClass(values, r * width, width));
}

/** Label vectors per sample: T for per-timestep labels of a sequence output, else 1. */
export function labelStepsOf(ctx: CheckContext): number {
  return labelSteps(ctx.profile.train.labelShape, ctx.facts.outputShape);
}

export function isClassification(ctx: CheckContext): boolean {
  return ctx.info.task.value === 'multiclass' || ctx.info.task.value === 'binary';
}

export function className(ctx: CheckContext, index: number): string {
  return ctx.info.classNames?.[index] ?? String(index);
}

/** Model outputs for the first `rows` probe rows, predicted in batches in inference mode. */
export function predictRows(ctx: CheckContext, x: tf.Tensor, rows: number): tf.Tensor {
  return tf.tidy(() => {
    const input = rows < x.shape[0] ? tf.slice(x, 0, rows) : x;
    return predictPacked(ctx.model, input, Math.max(ctx.info.batchSize, 64));
  });
}

export interface GroupSummary {
  name: string;
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Per-group statistics in plain numbers, skipping groups that saw no finite value. */
export function summarize(stats: GroupStats, names: readonly string[]): GroupSummary[] {
  const out: GroupSummary[] = [];
  for (let g = 0; g < stats.count.length; g++) {
    if (stats.count[g] === 0) continue;
    out.push({ name: names[g] ?? `feature ${g}`, count: stats.count[g], mean: stats.mean[g], std: Math.sqrt(variance(stats, g)), min: stats.min[g], max: stats.max[g] });
  }
  return out;
}

/**
 * Runs a computation of the loss on real labels; when the loss itself rejects
 * them (labels the shape checks already report as labels-invalid), returns the
 * reason to skip with instead of failing the check.
 */
export function lossOrSkip<T>(compute: () => T): { value: T } | { skipped: string } {
  try {
    return { value: compute() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!/shape/i.test(message)) throw error;
    return { skipped: `the loss rejects these labels (${message}); see labels-invalid` };
  }
}
