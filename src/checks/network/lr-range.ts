/**
 * T5: the learning-rate range test on a clone with the user's optimizer, and
 * the configured learning rate judged against it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import { analyzeSweep, lrSweep, setLearningRate } from '../../model/lr-sweep';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck, NetworkContext } from './context';
import { NON_FINITE_SKIP, nonFiniteSeen, trainingBatchSize, withClone, withOptimizer } from './batch';
import { FINITE_INPUTS, type FiniteInputs } from './batch';

const SETTINGS = {
  /**
   * 1e-5 (or a tenth of the configured rate, if lower) to 10 (or 10x the
   * configured rate, if higher), 6 steps per decade: below 1e-5 a short sweep
   * moves nothing for common optimizers, and those steps would be pure cost.
   */
  minLr: 1e-5,
  maxLr: 10,
  stepsPerDecade: { quick: 6, thorough: 17 },
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
  /**
   * Good rates sit ~10x below the minimum-loss rate, but a short sweep keeps
   * learning as the rate grows, which pushes its minimum up: Adam 1e-3 on a
   * small healthy tabular net measures 1000x below it. 10,000x below is too
   * low for any setup; the overfit probe's "stalled" verdict covers the rest.
   */
  tooLowBelowMin: 1e-4,
  /**
   * The minimum of a curve that never really fell (a network that cannot learn
   * at any rate, e.g. vanishing gradients) is noise. Learning means a descent
   * of 5% AND a minimum 5% under the chance loss: a network that ignores its
   * input still falls from its initial loss to chance by learning the output
   * bias (10-deep sigmoids: 3-7%), while SGD on a healthy MLP in this short
   * sweep gets 8-16% and ends ~10% under chance. Otherwise only outright
   * divergence at the configured rate is reported.
   */
  minDescent: 0.05,
  underChance: 0.95,
  /**
   * The user's optimizer left the tiny-batch loss above 95% of where it began
   * in 100 steps while a reference Adam 1e-2 memorized the batch: too slow to be a model
   * problem (SGD 0.01 on a healthy MLP reaches ~40%).
   */
  stalledFraction: 0.95,
  /**
   * A model whose loss already starts below half the chance level has been
   * trained: a range test from there finds its minimum at tiny rates (any real
   * step leaves the optimum it sits near), so "past the minimum" says nothing
   * about the rate that trained it. Only outright divergence is judged then.
   */
  trainedBelowChance: 0.5,
};

type Sweep = ReturnType<typeof analyzeSweep>;

/** What the overfit probe (run just before) saw with the user's optimizer, when a reference optimizer did fit. */
type OverfitVerdict = 'went-up' | 'stalled' | 'none';

function overfitVerdict(ctx: NetworkContext<'overfit'>): OverfitVerdict {
  const probe = ctx.inputs.overfit;
  if (probe.succeeded || probe.referenceSucceeded !== true) return 'none';
  const initial = probe.initialLoss ?? Number.NaN;
  const final = probe.finalLoss ?? Number.POSITIVE_INFINITY;
  if (probe.diverged === true || final > initial) return 'went-up';
  return final > THRESHOLDS.stalledFraction * initial ? 'stalled' : 'none';
}

/** Whether the model starts far below the chance level, i.e. was trained before this diagnosis. */
function alreadyTrained(ctx: NetworkContext<'initialLoss'>): boolean {
  const initial = ctx.inputs.initialLoss;
  const chance = ctx.info.chanceLoss;
  return typeof initial === 'number' && chance !== undefined && chance > 0 && initial < THRESHOLDS.trainedBelowChance * chance;
}

function sweepLearned(sweep: Sweep, chance: number | undefined): boolean {
  return sweep.descent >= THRESHOLDS.minDescent &&
    (chance === undefined || (sweep.minLoss !== null && sweep.minLoss < THRESHOLDS.underChance * chance));
}

/** lr-too-high / lr-too-low from the sweep, confirmed or completed by the overfit probe. */
function judge(sweep: Sweep, learned: boolean, trained: boolean, configured: number, overfit: OverfitVerdict, optimizer: string): Finding[] {
  const diverges = sweep.divergenceLr !== null && configured >= sweep.divergenceLr;
  const pastMinimum = learned && !trained && sweep.minLossLr !== null && configured > sweep.minLossLr * THRESHOLDS.tooHighAboveMin;
  const band = learned ? sweep.suggested : null;
  const evidence = {
    configuredLr: configured,
    minLossLr: sweep.minLossLr ?? Number.NaN,
    divergenceLr: sweep.divergenceLr ?? Number.NaN,
    suggestedLow: band?.[0] ?? Number.NaN,
    suggestedHigh: band?.[1] ?? Number.NaN,
    optimizer,
    overfitProbe: overfit,
  };
  if (pastMinimum || diverges || overfit === 'went-up') {
    const severe = diverges || overfit === 'went-up' ||
      (sweep.minLossLr !== null && configured >= sweep.minLossLr * THRESHOLDS.severeAboveMin);
    return [networkMessages.lrTooHigh({ ...evidence, severe })];
  }
  const farBelow = learned && !trained && sweep.minLossLr !== null && configured < sweep.minLossLr * THRESHOLDS.tooLowBelowMin;
  return farBelow || overfit === 'stalled' ? [networkMessages.lrTooLow(evidence)] : [];
}

export const lrRangeCheck: NetworkCheck<FiniteInputs | 'overfit' | 'initialLoss'> = {
  id: 'lr-range',
  checklist: ['T5'],
  findings: ['lr-too-high', 'lr-too-low'],
  needs: [...FINITE_INPUTS, 'overfit', 'initialLoss'],
  explains: {
    // At the user's rate the first steps overshoot: huge updates, then exploding gradients, NaN, dead ReLUs.
    'lr-too-high': ['overfit-failed', 'update-ratio-off', 'nonfinite-values', 'activations-dead', 'gradients-exploding'],
    'lr-too-low': ['overfit-failed', 'update-ratio-off'],
  },
  // A rate just past the curve's minimum is a tuning matter; divergence or a failed probe is not.
  strength: (f) => (f.id === 'lr-too-high' && f.evidence.severe === false ? 0.45 : undefined),
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    const configured = ctx.info.learningRate ?? null;
    const minLr = Math.min(SETTINGS.minLr, (configured ?? SETTINGS.minLr) / 10);
    const maxLr = Math.max(SETTINGS.maxLr, 10 * (configured ?? 0));
    const steps = Math.ceil(Math.log10(maxLr / minLr) * SETTINGS.stepsPerDecade[ctx.info.budget]);
    const size = trainingBatchSize(ctx);
    const count = Math.max(1, Math.min(SETTINGS.maxBatches, Math.floor(ctx.train.x.shape[0] / size)));
    const batches = Array.from({ length: count }, (_, i) => ({
      x: ctx.train.x.slice(i * size, size),
      y: ctx.train.y.slice(i * size, size),
    }));
    try {
      const result = await withClone(ctx, (clone) =>
        withOptimizer(ctx, async (optimizer) => {
          if (!setLearningRate(optimizer, minLr)) return null;
          ctx.progress('learning-rate range test');
          return lrSweep(clone, optimizer, batches, ctx.loss, {
            minLr,
            maxLr,
            steps,
            smoothing: SETTINGS.smoothing[ctx.info.budget],
            divergeFactor: SETTINGS.divergeFactor,
          });
        }),
      );
      if (result === null) return { findings: [], skipped: 'the optimizer has no learning rate this test can set' };
      const sweep = analyzeSweep(result, configured, SETTINGS.divergeFactor);
      const { minLossLr, minLoss, descent, ...lrRange } = sweep;
      const learned = sweepLearned(sweep, ctx.info.chanceLoss);
      const trained = alreadyTrained(ctx);
      const findings = configured === null ? [] : judge(sweep, learned, trained, configured, overfitVerdict(ctx), ctx.info.optimizerName ?? 'optimizer');
      return {
        findings,
        // A band or a steepest point read off a flat curve would be noise drawn as advice.
        // From a trained model the band would only say "stay where you are": not advice either.
        measurements: {
          lrRange: learned && !trained ? lrRange : { ...lrRange, suggested: null, steepestLr: null },
          extra: { 'lr-range': { descent, minLossLr, minLoss, alreadyTrained: trained } },
        },
        note: !learned
          ? 'the loss never fell clearly below its start and the chance level at any rate'
          : `${result.length} steps from ${minLr.toExponential(0)} to ${result[result.length - 1]?.lr.toExponential(1)}` +
            (trained ? '; the model was already trained, so only divergence at the configured rate is judged' : ''),
      };
    } finally {
      tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    }
  },
};
