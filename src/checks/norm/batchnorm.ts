/**
 * Batch normalization (CHECKLIST T7, T8): the moving statistics inference
 * uses against the statistics of the data the model receives, batches too
 * small for batch statistics, and batch normalization placed after the output
 * activation. Reads the model through taps; judges losses on a clone.
 *
 * 1. statistics: per batch-norm layer and channel, moving mean/variance vs the
 *    mean/variance of the probe rows (the chart beside the findings);
 * 2. mismatch: only when it costs something: the loss in inference mode (moving
 *    statistics) against the loss with each layer settled on the batch itself
 *    (what training mode sees). A fresh model is near chance both ways and is
 *    never blamed for statistics it has not collected yet;
 * 3. small batches: the scatter of per-batch statistics at the user's batch size.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckResult } from '../base';
import type { Finding } from '../../types';
import type { BatchNormMeasurement } from '../../measurements';
import { listLayers } from '../../model/layers';
import { forwardOutput } from '../../model/loss';
import { settleBatchNorm } from '../../model/batch-norm';
import { batchNormStats, type BatchNoise, type BatchNormLayerStats } from '../../model/batch-norm-stats';
import { normMessages, type StatsMismatchCause } from '../../messages/norm';
import { margin } from '../strength';
import { nameList } from '../network/batch';

const SETTINGS = {
  /** Probe rows the statistics and losses are measured on. */
  rows: 128,
  /**
   * The model has learned something with batch statistics: their loss is at most
   * this share of the chance level (an untrained model sits near 1).
   */
  learnedShare: 0.5,
  /**
   * Inference mode costs at least this share of the chance level over the
   * batch-statistics loss (0.35 nats for 4 classes), and at least doubles it:
   * the moving statistics undo a large part of what the model learned.
   */
  excessShare: 0.25,
  /** Without a chance level: the inference loss is this many times the batch-stats loss. */
  lossRatio: 3,
  /** A layer's statistics are off: moving mean this many batch stds away, or variance off by this factor. */
  meanShift: 1,
  varianceRatio: 4,
  /** "Batch size below ~8 gives noisy statistics": judged only below this. */
  smallBatch: 8,
  /**
   * Noise of the batch mean in channel stds, and of ln(batch variance), above
   * which training normalizes with statistics that move with the batch: a
   * dense layer's batch mean of B independent rows moves by 1/sqrt(B) (0.71 at
   * 2, 0.35 at 8), a conv layer's pools many positions and moves far less.
   */
  meanNoise: 0.3,
  logVarianceNoise: 0.5,
  /**
   * Batches of 1 or 2 (training one sample at a time normalizes each by its own
   * statistics): the bar is lower, since a conv layer's statistics pool positions
   * and scatter less (0.26-0.40 at batch 1 across initializations of one CNN), while
   * batch norm at batch 2 already costs ~10 points of ImageNet error against batch 32
   * (Wu & He, "Group Normalization", 2018, figure 1).
   */
  tinyBatch: 2,
  tinyMeanNoise: 0.2,
  tinyLogVarianceNoise: 0.35,
};

/** RMS over channels of the moving mean's distance from the batch mean, in batch stds, and of |ln(variance ratio)|. */
export function statsGap(stats: BatchNormLayerStats): { meanShift: number; logVarianceRatio: number } {
  const n = stats.batchMean.length;
  let shift = 0;
  let ratio = 0;
  for (let c = 0; c < n; c++) {
    const batchVar = stats.batchVariance[c] + stats.epsilon;
    shift += (stats.movingMean[c] - stats.batchMean[c]) ** 2 / batchVar;
    ratio += Math.log((stats.movingVariance[c] + stats.epsilon) / batchVar) ** 2;
  }
  return { meanShift: Math.sqrt(shift / Math.max(1, n)), logVarianceRatio: Math.sqrt(ratio / Math.max(1, n)) };
}

/** The batch size training uses: the dataset's batches, or options.batchSize for tensors. */
function trainingBatchSize(ctx: CheckContext): number {
  const { purity, rows } = ctx.profile.train;
  if (ctx.profile.source === 'dataset' && purity.batches > 0) return Math.max(1, Math.round(rows / purity.batches));
  return ctx.info.batchSize;
}

/** Loss of the model as given (moving statistics) and of a clone settled on the batch (batch statistics), inference mode, dropout off for settling. */
async function modeLosses(ctx: CheckContext, x: tf.Tensor, y: tf.Tensor): Promise<{ inference: number; batchStats: number }> {
  const inference = tf.tidy(() => ctx.loss(y, forwardOutput(ctx.model, x, false)));
  const clone = await ctx.cloneModel();
  try {
    settleBatchNorm(clone, x, { dropout: 'off' });
    const settled = tf.tidy(() => ctx.loss(y, forwardOutput(clone, x, false)));
    const [a, b] = await Promise.all([inference.data(), settled.data()]);
    settled.dispose();
    return { inference: a[0], batchStats: b[0] };
  } finally {
    inference.dispose();
    clone.dispose();
  }
}

function mismatchCause(stats: BatchNormLayerStats): StatsMismatchCause {
  if (stats.momentum >= 1) return 'frozen-momentum';
  return stats.atInit ? 'never-updated' : 'shifted';
}

/** The first layer whose moving statistics are clearly off, by its mean shift or variance ratio. */
function offLayer(layers: BatchNormLayerStats[]): { stats: BatchNormLayerStats; meanShift: number; varianceRatio: number } | undefined {
  for (const stats of layers) {
    const gap = statsGap(stats);
    if (gap.meanShift > SETTINGS.meanShift || gap.logVarianceRatio > Math.log(SETTINGS.varianceRatio)) {
      return { stats, meanShift: gap.meanShift, varianceRatio: Math.exp(gap.logVarianceRatio) };
    }
  }
  return undefined;
}

function mismatch(ctx: CheckContext, layers: BatchNormLayerStats[], losses: { inference: number; batchStats: number }): Finding | undefined {
  const off = offLayer(layers);
  if (!off || !Number.isFinite(losses.batchStats)) return undefined;
  const inference = Number.isFinite(losses.inference) ? losses.inference : Number.POSITIVE_INFINITY;
  const chance = ctx.chance?.loss;
  let costly: boolean;
  let strength: number;
  if (chance !== undefined && chance > 0) {
    const excessShare = (inference - losses.batchStats) / chance;
    costly = losses.batchStats <= SETTINGS.learnedShare * chance && excessShare >= SETTINGS.excessShare && inference >= 2 * losses.batchStats;
    strength = margin(Math.max(excessShare, 1e-9), SETTINGS.excessShare, 1);
  } else {
    costly = losses.batchStats > 0 && inference >= SETTINGS.lossRatio * losses.batchStats;
    strength = margin(Math.max(inference / Math.max(losses.batchStats, 1e-9), 1e-9), SETTINGS.lossRatio, 2);
  }
  if (!costly) return undefined;
  return normMessages.batchNormStatsMismatch({
    layer: off.stats.layer,
    layers: nameList(layers.map((l) => l.layer)),
    meanShift: off.meanShift,
    varianceRatio: off.varianceRatio,
    inferenceLoss: losses.inference,
    batchStatsLoss: losses.batchStats,
    chanceLoss: chance ?? null,
    momentum: off.stats.momentum,
    cause: mismatchCause(off.stats),
    strength,
  });
}

function smallBatch(ctx: CheckContext, batchSize: number, noise: BatchNoise[]): Finding | undefined {
  if (batchSize >= SETTINGS.smallBatch) return undefined;
  const tiny = batchSize <= SETTINGS.tinyBatch;
  const bar = { mean: tiny ? SETTINGS.tinyMeanNoise : SETTINGS.meanNoise, logVariance: tiny ? SETTINGS.tinyLogVarianceNoise : SETTINGS.logVarianceNoise };
  const noisy = noise.filter((n) => n.meanNoise > bar.mean || n.logVarianceNoise > bar.logVariance);
  if (noisy.length === 0) return undefined;
  const worst = noisy.reduce((a, b) => (b.meanNoise / bar.mean > a.meanNoise / bar.mean ? b : a));
  const layer = ctx.model.layers.find((l) => l.name === worst.layer);
  const inputRank = layer && !Array.isArray(layer.input) ? layer.input.shape.length : 2;
  return normMessages.batchNormSmallBatch({
    layer: worst.layer, batchSize, meanNoise: worst.meanNoise, logVarianceNoise: worst.logVarianceNoise, batches: worst.batches,
    dense: inputRank === 2,
    strength: Math.max(margin(worst.meanNoise, bar.mean, 0.5), margin(worst.logVarianceNoise, bar.logVariance, 0.5)),
  });
}

/** Batch normalization after the softmax/sigmoid output layer: nothing with weights follows it. */
function afterOutput(ctx: CheckContext): Finding | undefined {
  const layers = listLayers(ctx.model);
  const lastWeighted = [...layers].reverse().find((l) => l.className !== 'BatchNormalization' && l.weights.some((w) => w.trainable));
  if (!lastWeighted || (lastWeighted.family !== 'softmax' && lastWeighted.family !== 'sigmoid')) return undefined;
  const norm = layers.find((l) => l.index > lastWeighted.index && l.className === 'BatchNormalization');
  return norm && normMessages.batchNormAfterOutput({ layer: norm.name, after: lastWeighted.name, activation: lastWeighted.activation });
}

function measurement(layers: BatchNormLayerStats[], noise: BatchNoise[], batchSize: number): BatchNormMeasurement {
  return {
    batchSize,
    layers: layers.map((l) => {
      const gap = statsGap(l);
      const n = noise.find((entry) => entry.layer === l.layer);
      return {
        layer: l.layer, layerIndex: l.layerIndex, momentum: l.momentum, atInit: l.atInit,
        meanShift: gap.meanShift, varianceRatio: Math.exp(gap.logVarianceRatio),
        meanNoise: n?.meanNoise ?? null, logVarianceNoise: n?.logVarianceNoise ?? null,
        channels: l.batchMean.map((_, c) => ({
          channel: c, movingMean: l.movingMean[c], batchMean: l.batchMean[c], movingVariance: l.movingVariance[c], batchVariance: l.batchVariance[c],
        })),
      };
    }),
  };
}

export const batchNormCheck: Check = {
  id: 'batch-norm',
  checklist: ['T7', 'T8'],
  findings: ['batchnorm-stats-mismatch', 'batchnorm-small-batch', 'batchnorm-placement'],
  explains: {
    'batchnorm-stats-mismatch': ['loss-above-chance', 'train-eval-gap', 'overfit-failed', 'split-shift'],
    // The range test and the probes run at the user's batch size: batch statistics
    // that jump from batch to batch make the loss jump too, so the rate looks too
    // high at that batch size (seen: Adam 5e-3 at batch 1 diverging from 1e-3 in the
    // range test, while the same model trains at 5e-3 with batches of 32).
    'batchnorm-small-batch': ['train-eval-gap', 'lr-too-high', 'loss-diverging'],
    'batchnorm-placement': ['loss-above-chance', 'loss-output-mismatch', 'output-range-mismatch'],
  },
  async run(ctx: CheckContext): Promise<CheckResult> {
    if (!ctx.model.layers.some((l) => l.getClassName() === 'BatchNormalization')) return { findings: [], skipped: 'no batch-normalization layer' };
    if (ctx.model.inputs.length !== 1 || ctx.model.outputs.length !== 1) {
      return { findings: [], skipped: `the model has ${ctx.model.inputs.length} inputs and ${ctx.model.outputs.length} outputs; batch-norm probes support one of each` };
    }
    const rows = Math.min(SETTINGS.rows, ctx.train.x.shape[0]);
    const x = ctx.train.x.slice(0, rows);
    const y = ctx.train.y.slice(0, rows);
    try {
      const batchSize = trainingBatchSize(ctx);
      const { layers, noise } = await batchNormStats(ctx.model, x, batchSize < SETTINGS.smallBatch ? batchSize : undefined);
      if (layers.length === 0) return { findings: [], skipped: 'no batch-normalization layer could be tapped (shared, or normalizing an axis other than the last)' };
      const losses = await modeLosses(ctx, x, y);
      const findings = [afterOutput(ctx), mismatch(ctx, layers, losses), smallBatch(ctx, batchSize, noise)].filter((f): f is Finding => f !== undefined);
      const worst = layers.map(statsGap).reduce((a, b) => (b.meanShift > a.meanShift ? b : a));
      return {
        findings,
        measurements: { batchNorm: measurement(layers, noise, batchSize) },
        note: `${layers.length} batch-norm layers; largest moving-vs-batch mean shift ${worst.meanShift.toFixed(2)} batch stds; ` +
          `loss ${losses.inference.toFixed(3)} with moving statistics vs ${losses.batchStats.toFixed(3)} with batch statistics`,
      };
    } finally {
      tf.dispose([x, y]);
    }
  },
};
