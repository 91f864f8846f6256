/**
 * T2, T3 and T6 (backward half): one real training step on a clone, with the
 * user's optimizer and learning rate, measures per-layer gradients and the
 * update-to-weight ratio. Cost: one training step.
 */
import type { Finding } from '../../types';
import type { WeightGradient } from '../../measurements';
import { measureGradientStep } from '../../model/gradients';
import { networkMessages } from '../../messages/network';
import { evidenceMargin } from '../strength';
import type { NetworkCheck, NetworkContext } from './context';
import { headBatch, nameList, nonFiniteSeen, trainingBatchSize, withClone, withOptimizer } from './batch';

const THRESHOLDS = {
  /**
   * Relative gradient ||g||/||w|| of a layer this many times below the
   * strongest layer's: healthy MLP/CNN layers sit within ~10x of each other;
   * a 10-deep sigmoid stack's first layer is ~1e-7 of its last.
   */
  vanishingRatio: 1e-3,
  /**
   * Below float32 resolution: an update lr*g smaller than ~1e-7 of the weight
   * is rounded away, whatever the other layers do.
   */
  float32Noise: 1e-7,
  /**
   * ||g||/||w|| above 10: one SGD step at lr 0.1 would replace the weights.
   * Healthy nets measure 0.05-0.5 at init (small regression nets the most).
   */
  explodingRelative: 10,
  /** Healthy update/weight ratio per step (Karpathy's rule of thumb). */
  targetUpdate: 1e-3,
  /**
   * 100x either side of 1e-3. Adam's first step moves every weight by ~lr, so
   * Adam at its default 1e-3 measures ~1e-2: inside, as it should be.
   */
  updateFactor: 100,
};

/** Kernels (rank >= 2, non-zero): biases start at zero and have no meaningful ratio. */
function kernelsOf(weights: WeightGradient[]): WeightGradient[] {
  return weights.filter((w) => w.shape.length >= 2 && (w.weightNorm ?? 0) > 0 && w.gradNorm !== null);
}

function relative(w: WeightGradient): number {
  return (w.gradNorm ?? 0) / (w.weightNorm ?? 1);
}

function findVanishing(kernels: WeightGradient[]): Finding | null {
  const live = kernels.filter((w) => (w.gradNorm ?? 0) > 0);
  if (live.length < 2) return null;
  const strongest = live.reduce((a, b) => (relative(b) > relative(a) ? b : a));
  const first = live.find(
    (w) => relative(w) < THRESHOLDS.float32Noise || relative(w) < relative(strongest) * THRESHOLDS.vanishingRatio,
  );
  if (!first) return null;
  return networkMessages.gradientsVanishing({
    layer: first.layer,
    relativeGradient: relative(first),
    strongestLayer: strongest.layer,
    strongest: relative(strongest),
    ratio: relative(first) / relative(strongest),
  });
}

function findExploding(kernels: WeightGradient[]): Finding | null {
  const first = kernels.find((w) => relative(w) > THRESHOLDS.explodingRelative);
  if (!first) return null;
  const last = kernels[kernels.length - 1];
  return networkMessages.gradientsExploding({
    layer: first.layer,
    relativeGradient: relative(first),
    growth: relative(last) > 0 ? relative(kernels[0]) / relative(last) : 1,
  });
}

function findZero(weights: WeightGradient[]): Finding | null {
  const zero = weights.filter((w) => w.gradNorm === 0);
  if (zero.length === 0) return null;
  return networkMessages.gradientsZero({
    layer: zero[0].layer,
    weight: zero[0].weight,
    zeroWeights: zero.length,
    trainableWeights: weights.length,
    layers: nameList([...new Set(zero.map((w) => w.layer))]),
  });
}

function findUpdateRatio(kernels: WeightGradient[], ctx: NetworkContext): Finding | null {
  const ratios = kernels.filter((w) => w.updateRatio !== null && (w.gradNorm ?? 0) > 0);
  if (ratios.length === 0) return null;
  const sorted = [...ratios].sort((a, b) => (a.updateRatio ?? 0) - (b.updateRatio ?? 0));
  const median = sorted[Math.floor(sorted.length / 2)].updateRatio ?? 0;
  const high = median > THRESHOLDS.targetUpdate * THRESHOLDS.updateFactor;
  const low = median < THRESHOLDS.targetUpdate / THRESHOLDS.updateFactor;
  if (!high && !low) return null;
  return networkMessages.updateRatioOff({
    median,
    factor: high ? median / THRESHOLDS.targetUpdate : THRESHOLDS.targetUpdate / median,
    direction: high ? 'high' : 'low',
    learningRate: ctx.info.learningRate ?? Number.NaN,
    optimizer: ctx.info.optimizerName ?? 'optimizer',
    worstLayer: (high ? sorted[sorted.length - 1] : sorted[0]).layer,
  });
}

function findNonFinite(loss: number | null, weights: WeightGradient[]): Finding | null {
  if (loss === null) return networkMessages.nonfiniteValues({ where: 'loss', count: 1 });
  const first = weights.find((w) => (w.nonFiniteCount ?? 0) > 0);
  return first ? networkMessages.nonfiniteValues({ where: 'gradient', layer: first.layer, count: first.nonFiniteCount ?? 0 }) : null;
}

export const gradientFlowCheck: NetworkCheck<'forwardPass'> = {
  id: 'gradient-flow',
  checklist: ['T2', 'T3', 'T6'],
  findings: ['gradients-vanishing', 'gradients-exploding', 'gradients-zero', 'update-ratio-off', 'nonfinite-values'],
  needs: ['forwardPass'],
  provides: ['gradientStep'],
  explains: {
    'gradients-vanishing': ['overfit-failed', 'input-ignored'],
    'gradients-exploding': ['nonfinite-values', 'overfit-failed'],
    'nonfinite-values': ['overfit-failed', 'loss-above-chance'],
  },
  strength: (f) =>
    f.id === 'gradients-exploding' ? evidenceMargin(f, 'relativeGradient', THRESHOLDS.explodingRelative, 2)
      : f.id === 'update-ratio-off' ? evidenceMargin(f, 'factor', THRESHOLDS.updateFactor, 2)
        : undefined,
  async run(ctx) {
    const batch = headBatch(ctx, trainingBatchSize(ctx));
    try {
      const step = await withClone(ctx, (clone) =>
        withOptimizer(ctx, (optimizer) => measureGradientStep(clone, batch.x, batch.y, ctx.loss, { optimizer })),
      );
      const gradientStep = { nonFinite: findNonFinite(step.loss, step.weights) !== null, weights: step.weights };
      if (step.weights.length === 0) return { findings: [], skipped: 'the model has no trainable weights', outputs: { gradientStep } };
      const measurements = {
        gradients: { weights: step.weights, optimizerName: ctx.info.optimizerName, learningRate: ctx.info.learningRate },
      };
      const nanSeen = nonFiniteSeen(ctx);
      const nonFinite = nanSeen ? null : findNonFinite(step.loss, step.weights);
      if (nanSeen || nonFinite) {
        return { findings: nonFinite ? [nonFinite] : [], measurements, outputs: { gradientStep }, note: 'non-finite values: gradient statistics are meaningless' };
      }
      const kernels = kernelsOf(step.weights);
      const exploding = findExploding(kernels);
      // Exploding activations inflate the last layers' gradients most: a "vanishing" ratio then misleads.
      const findings = [
        findZero(step.weights),
        exploding ?? findVanishing(kernels),
        findUpdateRatio(kernels, ctx),
      ].filter((f): f is Finding => f !== null);
      return { findings, measurements, outputs: { gradientStep }, note: `one ${ctx.info.optimizerName ?? 'optimizer'} step on ${batch.size} samples` };
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  },
};
