/**
 * S3: overfit a tiny batch. A healthy model and training setup drive the loss
 * on a handful of samples to near zero within a short step budget; when it
 * cannot, either the setup (optimizer, learning rate) or the model/code is
 * wrong. A reference optimizer run separates the two, only on failure.
 */
import * as tf from '@tensorflow/tfjs';
import { finiteOrNull, type CurvePoint } from '../../measurements';
import { evaluate, trainStep, trainableVariables, type Evaluation } from '../../model/train';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck, NetworkContext } from './context';
import { NON_FINITE_SKIP, nonFiniteSeen, headBatch } from './batch';
import { FINITE_INPUTS, type FiniteInputs } from './batch';

export const OVERFIT_CHECK_ID = 'overfit-tiny-batch';

const SETTINGS = {
  /** 16 samples: more than one per class for 10 classes, few enough to memorize fast. */
  samples: 16,
  /** Adam at 1e-3 memorizes 16 MNIST digits in 25 (MLP) to 45 (CNN) steps; 100 leaves room for slower healthy setups. */
  steps: { quick: 100, thorough: 400 },
  /** The reference run only has to show that the model CAN fit (Adam 1e-2: ~5 steps for MNIST, <80 for small tabular nets). */
  referenceSteps: { quick: 80, thorough: 300 },
  /** Inference-mode evaluation (accuracy, early stop) every few steps: it costs a forward pass. */
  evalEvery: 5,
  /** Training-mode passes averaged at the end, for the train-eval comparison. */
  trainingModePasses: 3,
  /** "Near zero": this fraction of the chance loss (of the initial loss when chance is unknown). */
  lossFraction: 0.1,
  /**
   * The reference setup that tells "your optimizer settings" from "your model
   * or code": Adam at 1e-2 memorizes fast where the usual 1e-3 can take
   * hundreds of steps on small tabular nets (a slow start is not a bug).
   */
  referenceLearningRate: 1e-2,
  /**
   * A run that ends above target is "slow, not broken" when its loss is below
   * the chance level and its pace over the second half of the run would reach
   * the target within this many more budgets. Small sigmoid/tanh nets at 1e-3
   * memorize 16 samples in 150-500 steps: slow, but nothing to fix. Raw 0-255
   * pixels end far above chance, so they still fail.
   */
  slowBudgets: 4,
};

interface ProbeRun {
  points: CurvePoint[];
  steps: number;
  initial: Evaluation;
  final: Evaluation;
  /** The loss to reach: `target`, else a fraction of the initial loss. */
  goal: number;
  succeeded: boolean;
  diverged: boolean;
  /** Not there yet, but beating chance and on pace to get there (see SETTINGS.slowBudgets). */
  stillImproving: boolean;
}

/** Memorized: every training label right (CHECKLIST S3: ~100% train accuracy), or, without accuracy, loss at target. */
function succeeded(result: Evaluation, target: number): boolean {
  if (!Number.isFinite(result.loss)) return false;
  return result.accuracy === null ? result.loss <= target : result.accuracy >= 1;
}

/** Whether the inference-mode loss beats `chance` and falls fast enough to reach `goal` in a few more budgets. */
function stillImproving(points: readonly CurvePoint[], budget: number, goal: number, chance: number): boolean {
  const evaluations = points.filter((p) => p.series.endsWith('(inference)') && p.loss !== null);
  if (evaluations.length < 3) return false;
  const last = evaluations[evaluations.length - 1];
  const middle = evaluations.reduce((best, p) => (Math.abs(p.step - last.step / 2) < Math.abs(best.step - last.step / 2) ? p : best));
  if (last.loss === null || middle.loss === null || last.step <= middle.step || last.loss >= chance) return false;
  const pace = (middle.loss - last.loss) / (last.step - middle.step);
  return pace > 0 && (last.loss - goal) / pace <= SETTINGS.slowBudgets * budget;
}

async function overfit(
  ctx: NetworkContext, makeOptimizer: () => tf.Optimizer, series: string, x: tf.Tensor, y: tf.Tensor, target: number | null, budget: number,
): Promise<ProbeRun> {
  const task = ctx.info.task.value;
  const clone = await ctx.cloneModel();
  const optimizer = makeOptimizer();
  try {
    const variables = trainableVariables(clone);
    const initial = await evaluate(clone, x, y, ctx.loss, task);
    const goal = target ?? initial.loss * SETTINGS.lossFraction;
    const points: CurvePoint[] = [{ series: `${series} (inference)`, step: 0, loss: finiteOrNull(initial.loss), metric: initial.accuracy }];
    let latest = initial;
    let steps = 0;
    let diverged = false;
    while (steps < budget && !succeeded(latest, goal)) {
      const value = await trainStep(clone, optimizer, variables, x, y, ctx.loss);
      steps++;
      points.push({ series: `${series} (training)`, step: steps, loss: finiteOrNull(value) });
      if (!Number.isFinite(value)) {
        diverged = true;
        break;
      }
      if (steps % SETTINGS.evalEvery === 0 || steps === budget) {
        latest = await evaluate(clone, x, y, ctx.loss, task);
        points.push({ series: `${series} (inference)`, step: steps, loss: finiteOrNull(latest.loss), metric: latest.accuracy });
      }
    }
    const final = await evaluate(clone, x, y, ctx.loss, task, SETTINGS.trainingModePasses);
    const done = !diverged && succeeded(final, goal);
    const chance = ctx.info.chanceLoss ?? initial.loss;
    return { points, steps, initial, final, goal, succeeded: done, diverged, stillImproving: !done && !diverged && stillImproving(points, budget, goal, chance) };
  } finally {
    optimizer.dispose();
    clone.dispose();
  }
}

export const overfitCheck: NetworkCheck<FiniteInputs> = {
  id: OVERFIT_CHECK_ID,
  checklist: ['S3'],
  findings: ['overfit-failed'],
  needs: FINITE_INPUTS,
  provides: ['overfit'],
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    if (trainableVariables(ctx.model).length === 0) return { findings: [], skipped: 'the model has no trainable weights' };
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      const chance = ctx.info.chanceLoss;
      const target = chance !== undefined && chance > 0 ? chance * SETTINGS.lossFraction : null;
      ctx.progress(`overfitting ${batch.size} samples`);
      const user = await overfit(ctx, () => ctx.makeOptimizer(), 'your optimizer', batch.x, batch.y, target, SETTINGS.steps[ctx.info.budget]);
      let reference: ProbeRun | null = null;
      if (!user.succeeded) {
        ctx.progress('overfitting again with a reference optimizer');
        reference = await overfit(
          ctx, () => tf.train.adam(SETTINGS.referenceLearningRate), 'reference Adam 1e-2', batch.x, batch.y, target,
          SETTINGS.referenceSteps[ctx.info.budget],
        );
      }
      const points = [...user.points, ...(reference?.points ?? [])];
      const stillImproving = user.stillImproving || (reference?.stillImproving ?? false);
      const measurements = {
        curves: { chanceLoss: chance ?? null, initialLoss: finiteOrNull(user.initial.loss), points, ...(user.initial.accuracy !== null ? { metricName: 'accuracy' } : {}) },
        extra: {
          [OVERFIT_CHECK_ID]: {
            samples: batch.size,
            steps: user.steps,
            succeeded: user.succeeded,
            diverged: user.diverged,
            initialLoss: finiteOrNull(user.initial.loss),
            finalLoss: finiteOrNull(user.final.loss),
            finalAccuracy: user.final.accuracy,
            trainingModeLoss: finiteOrNull(user.final.trainingModeLoss ?? Number.NaN),
            referenceSucceeded: reference?.succeeded ?? null,
            stillImproving,
          },
        },
      };
      const findings = user.succeeded
        ? []
        : [networkMessages.overfitFailed({
          samples: batch.size,
          steps: user.steps,
          initialLoss: user.initial.loss,
          finalLoss: user.final.loss,
          accuracy: user.final.accuracy ?? Number.NaN,
          target: user.goal,
          diverged: user.diverged,
          referenceSucceeded: reference?.succeeded ?? false,
          referenceSteps: reference?.steps ?? 0,
          stillImproving,
        })];
      const outcome = {
        succeeded: user.succeeded, diverged: user.diverged, initialLoss: finiteOrNull(user.initial.loss), finalLoss: finiteOrNull(user.final.loss),
        steps: user.steps, referenceSucceeded: reference?.succeeded ?? null,
      };
      return { findings, measurements, outputs: { overfit: outcome }, note: `${user.succeeded ? 'fit' : 'did not fit'} ${batch.size} samples in ${user.steps} steps` };
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  },
};
