/**
 * T5: the learning-rate range test on a clone with the user's optimizer, and
 * the configured learning rate judged against it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import { analyzeSweep, lrSweep, setLearningRate } from '../../model/lr-sweep';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck } from './context';
import { NON_FINITE_SKIP, nonFiniteSeen, trainingBatchSize, withClone, withOptimizer } from './batch';

const SETTINGS = {
  /**
   * 1e-6..10 (or 10x the configured rate, if higher) at ~4.5 steps per decade:
   * below 1e-6 a short sweep moves nothing, and those steps would be pure cost.
   */
  minLr: 1e-6,
  maxLr: 10,
  stepsPerDecade: { quick: 4.5, thorough: 17 },
  /** Lag of ~3 steps (under a decade) at 0.75: smooths batch noise without shifting the minimum much. */
  smoothing: { quick: 0.75, thorough: 0.95 },
  /** fastai stops at 4x; a clipped cross-entropy tops out near 7x chance, so 3x is what divergence looks like here. */
  divergeFactor: 3,
  /** At most this many distinct batches are cut from the probe data and cycled. */
  maxBatches: 8,
};

const THRESHOLDS = {
  /**
   * A short sweep finds its minimum late (small rates barely move the loss in a
   * few steps), so the minimum-loss rate is an upper bound: a configured rate
   * above it is already past the bottom of the curve.
   */
  tooHighAboveMin: 1,
  /**
   * 10x past the minimum (or past the divergence point) the loss is climbing
   * steeply: an error, not a tuning matter. fastai's rule takes min / 10 as the
   * highest good rate, so this is 100x above it.
   */
  severeAboveMin: 10,
  /** Good rates sit ~10x below the minimum-loss rate; 1000x below learns ~100x slower than it could. */
  tooLowBelowMin: 1e-3,
};

export const lrRangeCheck: NetworkCheck = {
  id: 'lr-range',
  checklist: ['T5'],
  findings: ['lr-too-high', 'lr-too-low'],
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    const configured = ctx.info.learningRate ?? null;
    const maxLr = Math.max(SETTINGS.maxLr, 10 * (configured ?? 0));
    const steps = Math.ceil(Math.log10(maxLr / SETTINGS.minLr) * SETTINGS.stepsPerDecade[ctx.info.budget]);
    const size = trainingBatchSize(ctx);
    const count = Math.max(1, Math.min(SETTINGS.maxBatches, Math.floor(ctx.train.x.shape[0] / size)));
    const batches = Array.from({ length: count }, (_, i) => ({
      x: ctx.train.x.slice(i * size, size),
      y: ctx.train.y.slice(i * size, size),
    }));
    try {
      const result = await withClone(ctx, (clone) =>
        withOptimizer(ctx, async (optimizer) => {
          if (!setLearningRate(optimizer, SETTINGS.minLr)) return null;
          ctx.progress('learning-rate range test');
          return lrSweep(clone, optimizer, batches, ctx.loss, {
            minLr: SETTINGS.minLr,
            maxLr,
            steps,
            smoothing: SETTINGS.smoothing[ctx.info.budget],
            divergeFactor: SETTINGS.divergeFactor,
          });
        }),
      );
      if (result === null) return { findings: [], skipped: 'the optimizer has no learning rate this test can set' };
      const { minLossLr, ...lrRange } = analyzeSweep(result, configured, SETTINGS.divergeFactor);
      const findings: Finding[] = [];
      if (configured !== null && minLossLr !== null && lrRange.suggested) {
        const evidence = {
          configuredLr: configured,
          minLossLr,
          divergenceLr: lrRange.divergenceLr ?? Number.NaN,
          suggestedLow: lrRange.suggested[0],
          suggestedHigh: lrRange.suggested[1],
          optimizer: ctx.info.optimizerName ?? 'optimizer',
        };
        const severe = configured >= minLossLr * THRESHOLDS.severeAboveMin ||
          (lrRange.divergenceLr !== null && configured >= lrRange.divergenceLr);
        if (configured > minLossLr * THRESHOLDS.tooHighAboveMin) findings.push(networkMessages.lrTooHigh({ ...evidence, severe }));
        else if (configured < minLossLr * THRESHOLDS.tooLowBelowMin) findings.push(networkMessages.lrTooLow(evidence));
      }
      return {
        findings,
        measurements: { lrRange },
        note: `${result.length} steps from ${SETTINGS.minLr} to ${result[result.length - 1]?.lr.toExponential(1)}`,
      };
    } finally {
      tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    }
  },
};
