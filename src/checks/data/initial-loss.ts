/**
 * The loss of the model as it is, on real batches, against the chance level
 * (CHECKLIST L1). Inference mode: dropout off, batch norm on its moving stats.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext } from '../base';
import type { LossMeasurement } from '../../measurements';
import type { Finding } from '../../types';
import { lossAboveChance, targetsUnscaled } from '../../messages/data';
import { lossOrSkip, predictRows } from './shared';

/** Probe batches: enough to see the spread between batches, few enough to be quick. */
const PROBE_BATCHES = 8;

interface Probe {
  losses: number[];
  /** Mean prediction minus mean target over the probed rows (regression targets far from 0 show here). */
  offset: number;
  targetMean: number;
  /** Spread (std over the probed rows) of one-column regression targets and of the fresh model's outputs; 0 otherwise. */
  targetStd: number;
  outputStd: number;
}

function probeLosses(ctx: CheckContext): Probe {
  const batch = ctx.info.batchSize;
  const rows = Math.min(ctx.train.x.shape[0], PROBE_BATCHES * batch);
  return tf.tidy(() => {
    const predicted = predictRows(ctx, ctx.train.x, rows);
    const losses: number[] = [];
    for (let start = 0; start < rows; start += batch) {
      const size = Math.min(batch, rows - start);
      const loss = ctx.loss(tf.slice(ctx.train.y, start, size), tf.slice(predicted, start, size));
      losses.push(loss.dataSync()[0]);
    }
    const targets = tf.slice(ctx.train.y, 0, rows);
    const targetMean = tf.mean(targets).dataSync()[0];
    const sameShape = predicted.size === targets.size;
    const offset = sameShape ? tf.mean(predicted).dataSync()[0] - targetMean : 0;
    const column = sameShape && targets.size === rows;
    const std = (t: tf.Tensor): number => Math.sqrt(tf.moments(t).variance.dataSync()[0]);
    return { losses, offset, targetMean, targetStd: column ? std(targets) : 0, outputStd: column ? std(predicted) : 0 };
  });
}

/**
 * The part of a regression loss that a constant shift of every prediction
 * would remove: (mean offset)^2 for squared error, |offset| at most for
 * absolute error. A fresh model's outputs sit near 0; targets far from 0 put
 * the whole start above chance without anything being overconfident.
 */
function offsetPart(lossName: string, offset: number): number {
  if (lossName === 'meanSquaredError') return offset * offset;
  if (lossName === 'meanAbsoluteError') return Math.abs(offset);
  return 0;
}

/** Optimizers whose step moves each parameter by about the learning rate, whatever the gradient's size. */
const NORMALIZED_STEP = new Set(['Adam', 'Adamax', 'RMSProp']);
/** A shift of the outputs that needs more steps than this is a training problem, not a detail (a typical run: ~1000 steps). */
export const SLOW_SHIFT_STEPS = 2000;

/**
 * How far one step can move the mean output at most, for a last Dense layer
 * under an optimizer with normalized steps: each weight moves about lr, so the
 * output moves at most lr * (1 + sum of |inputs of that layer|), averaged over
 * rows at the current weights. undefined when it cannot be read off.
 */
function outputStepBound(ctx: CheckContext, rows: number): number | undefined {
  const model = ctx.model;
  const last = model.layers[model.layers.length - 1];
  const lr = ctx.info.learningRate;
  if (lr === undefined || !(lr > 0) || !NORMALIZED_STEP.has(ctx.info.optimizerName ?? '')) return undefined;
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || last.getClassName() !== 'Dense' || Array.isArray(last.input)) return undefined;
  try {
    return tf.tidy(() => {
      const hidden = tf.model({ inputs: model.inputs, outputs: last.input as tf.SymbolicTensor });
      const h = hidden.predict(tf.slice(ctx.train.x, 0, Math.min(rows, ctx.train.x.shape[0]))) as tf.Tensor;
      const perRow = tf.mean(tf.sum(tf.abs(tf.reshape(h, [h.shape[0], -1])), 1)).dataSync()[0];
      const bias = last.getConfig().useBias === false ? 0 : 1;
      return Number.isFinite(perRow) ? lr * (perRow + bias) : undefined;
    });
  } catch {
    return undefined;
  }
}

/**
 * Regression targets spread far wider than a fresh model's outputs (prices in
 * dollars, temperatures in Kelvin x 1000): the output layer must grow its
 * weights until the outputs spread as the targets do. Under an optimizer with
 * normalized steps each weight moves about lr per step, so the outputs' spread
 * grows by at most lr * (1 + sum of |inputs of the last layer|) per step at
 * these activations (outputStepBound); more steps than a run has is a finding.
 */
function targetSpread(ctx: CheckContext, e: { targetMean: number; targetStd: number; outputStd: number }, stepBound: () => number | undefined): Finding | undefined {
  if (ctx.info.task.value !== 'regression' || !(e.targetStd > e.outputStd)) return undefined;
  const bound = stepBound();
  if (bound === undefined || !(bound > 0)) return undefined;
  const steps = (e.targetStd - e.outputStd) / bound;
  if (!(steps > SLOW_SHIFT_STEPS)) return undefined;
  return targetsUnscaled({
    targetMean: e.targetMean, targetStd: e.targetStd, outputStd: e.outputStd, perStep: bound, steps,
    optimizer: ctx.info.optimizerName ?? 'the optimizer', learningRate: ctx.info.learningRate ?? 0,
  });
}

export const initialLossCheck: Check = {
  id: 'initial-loss',
  checklist: ['L1'],
  findings: ['loss-above-chance', 'data-unnormalized'],
  // A start far from the targets (a shift the outputs need thousands of steps to close, or overconfident
  // wrong outputs) is what a tiny batch cannot get past in the probe's budget.
  explains: { 'loss-above-chance': ['overfit-failed'] },
  provides: ['initialLoss'],
  async run(ctx: CheckContext) {
    const probed = lossOrSkip(() => probeLosses(ctx));
    if ('skipped' in probed) return { findings: [], skipped: probed.skipped };
    const { losses, offset, targetMean, targetStd, outputStd } = probed.value;
    const finite = losses.filter(Number.isFinite);
    const initial = finite.length === losses.length && finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
    const chance = ctx.chance;
    if (!chance) {
      return { findings: [], outputs: { initialLoss: initial }, note: `initial loss ${initial ?? 'not finite'}; no chance level is defined for ${ctx.info.lossName}`, measurements: { extra: { 'initial-loss': { initialLoss: initial } } } };
    }
    const loss: LossMeasurement = {
      lossName: ctx.info.lossName,
      chanceLoss: chance.loss,
      chanceReason: chance.reason,
      chanceBand: chance.band,
      initialLoss: initial,
      initialLossPerBatch: finite,
    };
    const above = initial !== null && initial > chance.band[1];
    // Above the band only because the targets sit far from 0: worth knowing (set the output bias), not overconfidence.
    const shifted = above && initial - offsetPart(ctx.info.lossName, offset) <= chance.band[1];
    // A shift is harmless when training covers it quickly; with a normalized-step optimizer we can count the steps.
    // Measured once, when a shift or the targets' spread needs it (a forward pass to the last layer).
    let bound: { value: number | undefined } | undefined;
    const measuredBound = (): number | undefined => (bound ??= { value: outputStepBound(ctx, PROBE_BATCHES * ctx.info.batchSize) }).value;
    const stepBound = shifted ? measuredBound() : undefined;
    const shiftSteps = stepBound !== undefined && stepBound > 0 ? Math.abs(offset) / stepBound : undefined;
    const slow = shiftSteps !== undefined && shiftSteps > SLOW_SHIFT_STEPS
      ? { steps: shiftSteps, optimizer: ctx.info.optimizerName ?? 'the optimizer', learningRate: ctx.info.learningRate ?? 0 }
      : undefined;
    const findings = initial !== null && above
      ? [lossAboveChance({
        initialLoss: initial, chanceLoss: chance.loss, upper: chance.band[1], lossName: ctx.info.lossName, reason: chance.reason,
        ...(shifted ? { targetMean, offset, ...(slow ? { slow } : {}) } : {}),
      })]
      : [];
    const spread = targetSpread(ctx, { targetMean, targetStd, outputStd }, measuredBound);
    return { findings: spread ? [...findings, spread] : findings, measurements: { loss }, outputs: { initialLoss: initial }, note: initial === null ? 'the initial loss is not finite' : undefined };
  },
};
