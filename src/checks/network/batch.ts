/**
 * Probe batches cut from the sampled training data, and small helpers that
 * every network check shares.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckOutputs } from '../base';
import { disposeOptimizer } from '../../model/train';
import { forwardLoss } from '../../model/loss';
import type { NetworkContext } from './context';

/** The first `size` rows of the probe data (fewer when there are fewer); the caller disposes both. */
export function headBatch(ctx: NetworkContext, size: number): { x: tf.Tensor; y: tf.Tensor; size: number } {
  const rows = Math.min(size, ctx.train.x.shape[0]);
  return { x: ctx.train.x.slice(0, rows), y: ctx.train.y.slice(0, rows), size: rows };
}

/** The training batch size the user trains with, bounded by the probe data. */
export function trainingBatchSize(ctx: NetworkContext): number {
  return Math.max(1, Math.min(ctx.info.batchSize, ctx.train.x.shape[0]));
}

/** Runs `probe` on a fresh clone of the user's model and always disposes the clone. */
export async function withClone<T>(ctx: NetworkContext, probe: (clone: tf.LayersModel) => Promise<T>): Promise<T> {
  const clone = await ctx.cloneModel();
  try {
    return await probe(clone);
  } finally {
    clone.dispose();
  }
}

/** Runs `probe` with a fresh optimizer configured like the user's and always disposes it. */
export async function withOptimizer<T>(ctx: NetworkContext, probe: (optimizer: tf.Optimizer) => Promise<T>): Promise<T> {
  const optimizer = ctx.makeOptimizer();
  try {
    return await probe(optimizer);
  } finally {
    disposeOptimizer(optimizer);
  }
}

/** Names joined for a finding's detail, at most `max` of them. */
export function nameList(names: string[], max = 4): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The inputs that say whether the model computes NaN/Inf (read with nonFiniteSeen). */
export const FINITE_INPUTS = ['forwardPass', 'gradientStep'] as const;
export type FiniteInputs = (typeof FINITE_INPUTS)[number];

/** True when the forward pass or the gradient step measured NaN/Inf: training probes on such a model measure nothing. */
export function nonFiniteSeen(ctx: { inputs: Partial<Pick<CheckOutputs, (typeof FINITE_INPUTS)[number]>> }): boolean {
  return ctx.inputs.forwardPass?.nonFinite === true || ctx.inputs.gradientStep?.nonFinite === true;
}

export const NON_FINITE_SKIP = 'NaN/Infinity in the forward pass or gradients (see nonfinite-values); fix that first';

/**
 * Computes the loss once on `x`, `y` outside any gradient tape, so a loss that
 * throws (labels shaped unlike the output) throws here, where tidy frees
 * everything, and not inside a training step, where tfjs keeps the tensors it
 * saved for the backward pass.
 */
export function checkLossRuns(ctx: NetworkContext, x: tf.Tensor, y: tf.Tensor): void {
  tf.tidy(() => {
    forwardLoss(ctx.model, x, y, ctx.loss, false);
  });
}
