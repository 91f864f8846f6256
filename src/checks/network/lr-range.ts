/**
 * T5: the learning-rate range test on a clone with the user's optimizer, and
 * the configured learning rate judged against it.
 */
import * as tf from '@tensorflow/tfjs';
import { analyzeSweep, lrSweep, setLearningRate } from '../../model/lr-sweep';
import type { NetworkCheck, NetworkContext } from './context';
import { finiteOrNull } from '../../measurements';
import { disposeOptimizer, trainStep, trainableVariables } from '../../model/train';
import { FINITE_INPUTS, NON_FINITE_SKIP, checkLossRuns, headBatch, nonFiniteSeen, trainingBatchSize, withClone, withOptimizer, type FiniteInputs } from './batch';
import { THRESHOLDS as VERDICT, lossAt, lrVerdict, sweepSaysTooHigh, type OverfitVerdict, type RateProbe, type SweepReading } from './lr-verdict';
import { evidenceNumber, margin } from '../strength';
import type { Finding } from '../../types';

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
  /**
   * The rate probe: 30 steps on 16 samples at your rate and at a tenth of it
   * (a healthy MLP at a good rate drops its tiny-batch loss by half in 30
   * steps), the final loss averaged over the last 5 steps against batch noise.
   */
  probeSteps: 30,
  /** Updates above a tenth of the weights per step (100x the 1e-3 rule of thumb) are worth the probe even when one step helped. */
  probeUpdateRatio: 0.1,
  probeTail: 5,
  probeSamples: 16,
};

const THRESHOLDS = {
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
   * about the rate that trained it. Only outright divergence is judged then,
   * and divergence means losing what it learned (the loss back above the
   * chance level, or NaN), not 3x its minimum: a converged MNIST MLP's batches
   * differ 2-3x in loss (0.037 to 0.11 at rates 1e-5..5e-5, where the weights
   * barely move), so 3x a near-zero minimum is batch noise: it called Adam 1e-3
   * "past the point where it blows up" (from 4.85e-5) after 2 of 40 seeded fits,
   * and in about 2 of 5 full test runs.
   */
  trainedBelowChance: 0.5,
};

type Sweep = ReturnType<typeof analyzeSweep>;

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

function readSweep(sweep: Sweep, configured: number | null, learned: boolean, trained: boolean): SweepReading {
  const valid = sweep.points.filter((p) => p.smoothed !== null);
  return {
    minLossLr: sweep.minLossLr,
    minLoss: sweep.minLoss,
    startLoss: valid[0]?.smoothed ?? null,
    lossAtConfigured: configured === null ? null : lossAt(sweep.points, configured),
    divergenceLr: sweep.divergenceLr,
    lastLr: sweep.points[sweep.points.length - 1]?.lr ?? null,
    // A band read off a flat curve would be noise drawn as advice; from a trained model it would only say "stay where you are".
    band: learned && !trained ? sweep.suggested : null,
    learned,
    trained,
  };
}

/**
 * Symptoms that a too-high rate produces (exploding gradients, updates far
 * above 1e-3 of the weights) without the range test saying so: worth two
 * short runs to tell the rate from the model.
 */
function rateSymptoms(ctx: NetworkContext<'gradientStep'>): boolean {
  const reported = ctx.inputs.gradientStep.rateSymptoms === true;
  // Also what gradient-flow measured without reporting it (one step that happened to help): updates above 0.1 of the weights.
  const ratios = ctx.inputs.gradientStep.weights
    .filter((w) => w.shape.length >= 2 && w.updateRatio !== null)
    .map((w) => w.updateRatio ?? 0)
    .sort((a, b) => a - b);
  const median = ratios.length > 0 ? ratios[Math.floor(ratios.length / 2)] : 0;
  return reported || median > SETTINGS.probeUpdateRatio;
}

/** Mean training loss of the last few steps of `steps` steps at `lr` with the user's optimizer, on a fresh clone. */
async function lossAfter(ctx: NetworkContext<never>, lr: number, x: tf.Tensor, y: tf.Tensor): Promise<{ initial: number; final: number }> {
  return withClone(ctx, (clone) =>
    withOptimizer(ctx, async (optimizer) => {
      setLearningRate(optimizer, lr);
      const variables = trainableVariables(clone);
      const losses: number[] = [];
      for (let step = 0; step < SETTINGS.probeSteps; step++) {
        const value = await trainStep(clone, optimizer, variables, x, y, ctx.loss);
        losses.push(value);
        if (!Number.isFinite(value)) return { initial: losses[0], final: Number.NaN };
      }
      const tail = losses.slice(-SETTINGS.probeTail);
      return { initial: losses[0], final: tail.reduce((a, b) => a + b, 0) / tail.length };
    }),
  );
}

/**
 * The run at your rate, read off the overfit probe's run when it is the same
 * run: a fresh clone and a fresh optimizer at that very rate, on the same rows,
 * training the same way every time (see CheckOutputs.overfit.trainingLosses),
 * for at least the probe's steps or until it diverged. Undefined otherwise.
 */
export function recordedRun(ctx: NetworkContext<'overfit'>, configured: number, samples: number): { initial: number; final: number } | undefined {
  const run = ctx.inputs.overfit.trainingLosses;
  if (!run || run.samples !== samples) return undefined;
  const optimizer = ctx.makeOptimizer();
  const sameRate = Reflect.get(optimizer, 'learningRate') === configured;
  disposeOptimizer(optimizer);
  if (!sameRate) return undefined;
  const losses = run.losses.slice(0, SETTINGS.probeSteps).map((loss) => loss ?? Number.NaN);
  if (losses.some((loss) => !Number.isFinite(loss))) return { initial: losses[0], final: Number.NaN };
  if (losses.length < SETTINGS.probeSteps) return undefined;
  const tail = losses.slice(-SETTINGS.probeTail);
  return { initial: losses[0], final: tail.reduce((a, b) => a + b, 0) / tail.length };
}

/** Your rate against a tenth of it on the same samples: the direct test of "the rate is the cause". */
async function rateProbe(ctx: NetworkContext<'overfit'>, configured: number): Promise<RateProbe> {
  const batch = headBatch(ctx, SETTINGS.probeSamples);
  try {
    ctx.progress('training at your learning rate and at a tenth of it');
    const yours = recordedRun(ctx, configured, batch.size) ?? await lossAfter(ctx, configured, batch.x, batch.y);
    const lowerLr = configured / 10;
    const lower = await lossAfter(ctx, lowerLr, batch.x, batch.y);
    return { steps: SETTINGS.probeSteps, samples: batch.size, initialLoss: lower.initial, yourLoss: yours.final, lowerLr, lowerLoss: lower.final };
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

/** A rate just past the curve's minimum, the loss merely falling slower: a tuning matter, borderline evidence. */
const JUST_PAST_MINIMUM = 0.45;

/**
 * Strength of an lr-too-high that is not severe (divergence, a lost descent or
 * a rising probe are clear-cut). Borderline when the rate sits just past the
 * sweep's minimum; strong when the rate probe ended far above the loss a tenth
 * of the rate reached (a decade past its 1.5x gap is as strong as it gets), or
 * when the rate lies within a few times of where the sweep diverged.
 */
export function tooHighStrength(finding: Finding): number {
  const yours = evidenceNumber(finding, 'probeYourLoss');
  const lower = evidenceNumber(finding, 'probeLowerLoss');
  const configured = evidenceNumber(finding, 'configuredLr');
  const divergence = evidenceNumber(finding, 'divergenceLr');
  const gap = yours !== undefined && lower !== undefined && lower > 0 && yours > VERDICT.probeGap * lower ? margin(yours / lower, VERDICT.probeGap, 1) : 0;
  // A tenth of the divergence rate is "borderline" (0.3); at the divergence rate itself, full strength.
  const edge = configured !== undefined && divergence !== undefined && divergence > 0 ? margin((10 * configured) / divergence, 1, 1) : 0;
  return Math.max(JUST_PAST_MINIMUM, gap, edge);
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
  strength: (f) => (f.id === 'lr-too-high' && f.evidence.severe === false ? tooHighStrength(f) : undefined),
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
    const trained = alreadyTrained(ctx);
    const divergeFloor = trained ? ctx.info.chanceLoss ?? 0 : 0;
    try {
      checkLossRuns(ctx, batches[0].x, batches[0].y);
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
            divergeFloor,
          });
        }),
      );
      if (result === null) return { findings: [], skipped: 'the optimizer has no learning rate this test can set' };
      const sweep = analyzeSweep(result, configured, SETTINGS.divergeFactor, divergeFloor);
      const { minLossLr, minLoss, descent, ...lrRange } = sweep;
      const learned = sweepLearned(sweep, ctx.info.chanceLoss);
      const reading = readSweep(sweep, configured, learned, trained);
      const overfit = overfitVerdict(ctx);
      const optimizerName = ctx.info.optimizerName ?? 'optimizer';
      // Two short runs only when the symptoms point at the rate and neither the curve nor the overfit probe's rise said so
      // (a stalled overfit probe with huge updates is what a too-high rate looks like too: the probe tells it from a too-low one).
      const probe = configured !== null && overfit !== 'went-up' && sweepSaysTooHigh(reading, configured) === null && rateSymptoms(ctx)
        ? await rateProbe(ctx, configured)
        : null;
      const findings = configured === null ? [] : lrVerdict(reading, configured, overfit, optimizerName, probe);
      return {
        findings,
        measurements: {
          lrRange: { ...lrRange, suggested: reading.band, steepestLr: reading.band ? lrRange.steepestLr : null, minLossLr: learned ? minLossLr : null },
          extra: {
            'lr-range': {
              descent, minLossLr, minLoss, alreadyTrained: trained, lossAtConfigured: reading.lossAtConfigured,
              ...(probe ? { probeYourLoss: finiteOrNull(probe.yourLoss), probeLowerLoss: finiteOrNull(probe.lowerLoss), probeLowerLr: probe.lowerLr } : {}),
            },
          },
        },
        note: trained
          ? `${result.length} steps from ${minLr.toExponential(0)} to ${result[result.length - 1]?.lr.toExponential(1)}; the model was already ` +
            'trained (loss far below chance), so only a loss driven back above chance (or NaN) at the configured rate is judged'
          : !learned
            ? 'the loss never fell clearly below its start and the chance level at any rate, so no band is suggested'
            : `${result.length} steps from ${minLr.toExponential(0)} to ${result[result.length - 1]?.lr.toExponential(1)}`,
      };
    } finally {
      tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    }
  },
};
