/**
 * S3: overfit a tiny batch. A healthy model and training setup drive the loss
 * on a handful of samples to near zero within a short step budget; when it
 * cannot, either the setup (optimizer, learning rate) or the model/code is
 * wrong. A reference optimizer run separates the two, only on failure.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding, Task } from '../../types';
import { finiteOrNull, type CurvePoint } from '../../measurements';
import { disposeOptimizer, evaluate, trainStep, trainableVariables, type Evaluation } from '../../model/train';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck, NetworkContext } from './context';
import { hasBatchNorm, settleBatchNorm } from '../../model/batch-norm';
import { FINITE_INPUTS, NON_FINITE_SKIP, checkLossRuns, nonFiniteSeen, headBatch, type FiniteInputs } from './batch';
import { activationStats, tapModel } from '../../model/taps';
import type { LayerActivation } from '../../measurements';
import { dyingUnits } from './dying';
import { ACTIVATION_PROBE_SAMPLES } from './activations';
import { lossTrend, unmoved, type Trend, type TrendPoint } from './trend';
import { repeatableTraining } from '../../verify/shared-before';

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
   * A run that ends above target is "slow, not broken" when the fitted line of
   * log(loss) over the second half of the run reaches the target within this
   * many more budgets. Small sigmoid/tanh nets at 1e-3 memorize 16 samples in
   * 150-500 steps: slow, but nothing to fix.
   */
  slowBudgets: 4,
  /**
   * A "too slow" run (beyond slowBudgets) is still reported as slow, not broken,
   * when the same fitted line reaches the target within a typical run (~1000
   * steps: the quick probe's 100 and 9 more budgets): y = x^4 scaled to [0, 1]
   * can take 600 steps, depending on the initial draw. The run still counts as
   * too slow for the reference run and the dead units (a layer killed by a high
   * rate learns slowly too).
   */
  typicalRunBudgets: 9,
  /**
   * ...and when the run has already beaten the chance level or cut its loss
   * tenfold: raw 0-255 pixels fall a little from far above chance and still
   * fail; a regression with tiny targets falls by decades from far above them.
   */
  slowFall: 0.1,
  /** A regression plateau (see onPlateau) at most 10% under the chance level gets up to two more budgets of steps. */
  plateauBelowChance: 0.9,
  plateauExtensions: 2,
  /**
   * A loss that has not moved at all over the last 6 evaluations (25 steps):
   * every value within float32 rounding (a relative spread of 1e-6) of the
   * others. No gradient reaches it (units saturated: a GRU on raw features sits
   * at 0.4135275 from step 55 to 300, under RMSProp and Adam 1e-2 alike), and
   * a plateau no gradient reaches does not break: no more budgets. A plateau
   * that breaks still moves (y = x^4: ~1% per 100 steps, 0.25% over 25).
   */
  frozenEvaluations: 6,
  frozenSpread: 1e-6,
  /** The reference's last 3 evaluations (10 steps) at the loss the user's run froze at: the same floor (see settledLike). */
  floorEvaluations: 3,
  /**
   * The user's run stops before its budget once its loss is frozen and its
   * trend flat (see frozenFlat), from this many steps: the verification's
   * probe "as set up" (65 / 200 steps) is read off these steps (verify/shared-before.ts).
   */
  frozenStopAfter: { quick: 65, thorough: 200 },
  /**
   * A curve whose fall speeds up (see speedingUp) gets more budgets, up to this
   * many in all: a small net at Adam 1e-2 can leave a plateau late (y = x^4:
   * 16 points memorized after 250-600 steps, depending on the initial draw) or fall
   * linearly toward targets far from 0 (y = 2x - 1: 300 steps). A broken setup's
   * curve slows down or stays flat and is judged at the usual budget.
   */
  maxBudgets: 6,
  /** "Stuck at chance": a flat curve within 10% of the chance level. */
  atChance: 0.1,
  /**
   * The reference run stops after this share of its budget when it sits where
   * the user's failed run ended: flat at chance, or flat above it (see
   * settledLike). Adam at 1e-2 that has not moved the loss in its second 20
   * steps, on a model whose own run did not move it in 100, is not going to
   * memorize the batch in 40 more; those steps would only cost.
   */
  referenceSettledAfter: 0.5,
};

/** How a probe run ended: memorized, on its way (slow), or broken in one of four ways. */
export type OverfitVerdict = 'fit' | 'slow' | 'too-slow' | 'flat' | 'rising' | 'chance' | 'diverged';

interface ProbeRun {
  points: CurvePoint[];
  steps: number;
  initial: Evaluation;
  final: Evaluation;
  /** The loss to reach: `target`, else a fraction of the initial loss. */
  goal: number;
  succeeded: boolean;
  diverged: boolean;
  /** The trend of the inference-mode curve (the one the chart draws), over its second half. */
  trend: Trend | null;
  verdict: OverfitVerdict;
  /** Activation health of the trained clone, when asked for. */
  activations?: LayerActivation[];
}

/** Memorized: every training label right (CHECKLIST S3: ~100% train accuracy), or, without accuracy, loss at target. */
function succeeded(result: Evaluation, target: number): boolean {
  if (!Number.isFinite(result.loss)) return false;
  return result.accuracy === null ? result.loss <= target : result.accuracy >= 1;
}

function verdictOf(run: Omit<ProbeRun, 'verdict'>, chance: number | undefined, budget: number): OverfitVerdict {
  if (run.succeeded) return 'fit';
  if (run.diverged || !Number.isFinite(run.final.loss)) return 'diverged';
  const { trend } = run;
  if (trend === null || trend.direction === 'flat') {
    return chance !== undefined && Math.abs(run.final.loss - chance) <= SETTINGS.atChance * chance ? 'chance' : 'flat';
  }
  if (trend.direction === 'rising') return 'rising';
  return fellEnough(run, chance) && reachesGoalWithin(trend, SETTINGS.slowBudgets * budget) ? 'slow' : 'too-slow';
}

/** The run has already beaten the chance level or cut its loss tenfold (see SETTINGS.slowFall). */
function fellEnough(run: Pick<ProbeRun, 'initial' | 'final'>, chance: number | undefined): boolean {
  return (chance !== undefined && run.final.loss < chance) || run.final.loss <= SETTINGS.slowFall * run.initial.loss;
}

/** The fitted line of the falling trend reaches the goal within `steps` more steps. */
function reachesGoalWithin(trend: Trend, steps: number): boolean {
  return trend.stepsToGoal !== null && trend.stepsToGoal <= steps;
}

/** A too-slow run that still gets there within a typical run (see typicalRunBudgets): reported as slow. */
function withinTypicalRun(run: ProbeRun, chance: number | undefined, budget: number): boolean {
  return run.verdict === 'too-slow' && run.trend !== null && fellEnough(run, chance) && reachesGoalWithin(run.trend, SETTINGS.typicalRunBudgets * budget);
}

/** A run that neither memorized nor is on its way: the only one whose dead units are worth a finding. */
function failedVerdict(verdict: OverfitVerdict): boolean {
  return verdict !== 'fit' && verdict !== 'slow';
}

/**
 * Flat, but well below the chance level, on a regression task: the model
 * learned part of the mapping and sits on a plateau, which smooth regression
 * targets often leave suddenly (y = x^4 on 16 points: flat from step 50 to 140,
 * memorized by 245). Broken models stay at chance; these get more steps before
 * any verdict. A classifier flat below chance has settled at the floor its
 * set-up allows (a softmax over multi-hot labels: 1.37 against a chance level
 * of 3.14, moving 0.2% per 100 steps): two more budgets there only cost; a
 * classifier that is still leaving a plateau gets them from speedingUp.
 */
function onPlateau(points: readonly CurvePoint[], goal: number, loss: number, chance: number | undefined, task: Task): boolean {
  if (task !== 'regression') return false;
  const trend = lossTrend(evaluations(points), goal);
  return trend !== null && trend.direction === 'flat' && chance !== undefined && loss < SETTINGS.plateauBelowChance * chance;
}

/**
 * The loss has not moved over the last SETTINGS.frozenEvaluations evaluations:
 * their spread is within float32 rounding of their size (see SETTINGS.frozenSpread).
 */
export function frozen(points: readonly CurvePoint[]): boolean {
  const last = evaluations(points).slice(-SETTINGS.frozenEvaluations).map((p) => p.loss);
  return last.length === SETTINGS.frozenEvaluations && unmoved(last, SETTINGS.frozenSpread);
}

/**
 * The loss fell over the last half budget, and faster (on a log scale) than
 * over the half budget before it: the run is leaving a plateau or closing in,
 * and a verdict now would judge it by its slowest part.
 */
export function speedingUp(points: readonly CurvePoint[], budget: number): boolean {
  const evals = evaluations(points);
  const last = evals[evals.length - 1];
  if (!last || !(last.loss > 0)) return false;
  const at = (step: number) => [...evals].reverse().find((p) => p.step <= step);
  const mid = at(last.step - budget / 2);
  const start = at(last.step - budget);
  if (!mid || !start || start === mid || !(mid.loss > 0) || !(start.loss > 0)) return false;
  const recent = Math.log(mid.loss / last.loss);
  const before = Math.log(start.loss / mid.loss);
  return recent > 0 && recent > before;
}

/** The inference-mode evaluations of one series, the points the chart draws for it. */
function evaluations(points: readonly CurvePoint[]): TrendPoint[] {
  return points
    .filter((p) => p.series.endsWith('(inference)') && p.loss !== null)
    .map((p) => ({ step: p.step, loss: p.loss ?? Number.NaN }));
}

async function overfit(
  ctx: NetworkContext, makeOptimizer: () => tf.Optimizer, series: string, x: tf.Tensor, y: tf.Tensor, target: number | null, budget: number,
  inspect?: (trained: tf.LayersModel) => Promise<LayerActivation[]>,
  settled?: (points: readonly CurvePoint[], steps: number, loss: number, goal: number) => boolean,
): Promise<ProbeRun> {
  const task = ctx.info.task.value;
  const clone = await ctx.cloneModel();
  const optimizer = makeOptimizer();
  try {
    const variables = trainableVariables(clone);
    const batchNorm = hasBatchNorm(clone);
    if (batchNorm) settleBatchNorm(clone, x, { dropout: 'off' });
    const initial = await evaluate(clone, x, y, ctx.loss, task);
    const goal = target ?? initial.loss * SETTINGS.lossFraction;
    const points: CurvePoint[] = [{ series: `${series} (inference)`, step: 0, loss: finiteOrNull(initial.loss), metric: initial.accuracy }];
    let latest = initial;
    let steps = 0;
    let diverged = false;
    let stopped = false;
    let limit = budget;
    for (;;) {
      while (steps < limit && !succeeded(latest, goal)) {
        const value = await trainStep(clone, optimizer, variables, x, y, ctx.loss);
        steps++;
        points.push({ series: `${series} (training)`, step: steps, loss: finiteOrNull(value) });
        if (!Number.isFinite(value)) {
          diverged = true;
          break;
        }
        if (steps % SETTINGS.evalEvery === 0 || steps === limit) {
          // Inference mode reads batch-norm moving statistics: settled, not lagging (see model/batch-norm.ts).
          if (batchNorm) settleBatchNorm(clone, x, { dropout: 'off' });
          latest = await evaluate(clone, x, y, ctx.loss, task);
          points.push({ series: `${series} (inference)`, step: steps, loss: finiteOrNull(latest.loss), metric: latest.accuracy });
          if (settled?.(points, steps, latest.loss, goal)) {
            stopped = true;
            break;
          }
        }
      }
      if (stopped || diverged || succeeded(latest, goal) || limit >= budget * SETTINGS.maxBudgets) break;
      const plateau = limit < budget * (1 + SETTINGS.plateauExtensions) && onPlateau(points, goal, latest.loss, ctx.info.chanceLoss, task) && !frozen(points);
      if (!plateau && !speedingUp(points, budget)) break;
      limit += budget;
    }
    if (batchNorm) settleBatchNorm(clone, x, { dropout: 'off' });
    const final = await evaluate(clone, x, y, ctx.loss, task, SETTINGS.trainingModePasses);
    const done = !diverged && succeeded(final, goal);
    const run = { points, steps, initial, final, goal, succeeded: done, diverged, trend: lossTrend(evaluations(points), goal) };
    const verdict = verdictOf(run, ctx.info.chanceLoss, budget);
    // Dead units are reported only for a run that failed to learn (see run()): a forward pass of the
    // activation probe through a tapped model costs a few training steps on long sequences, so skip it otherwise.
    const activations = inspect && !diverged && failedVerdict(verdict) ? await inspect(clone) : undefined;
    return { ...run, verdict, activations };
  } finally {
    disposeOptimizer(optimizer);
    clone.dispose();
  }
}

export const overfitCheck: NetworkCheck<FiniteInputs> = {
  id: OVERFIT_CHECK_ID,
  checklist: ['S3'],
  findings: ['overfit-failed', 'activations-dead'],
  needs: FINITE_INPUTS,
  provides: ['overfit'],
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    if (trainableVariables(ctx.model).length === 0) return { findings: [], skipped: 'the model has no trainable weights' };
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      checkLossRuns(ctx, batch.x, batch.y);
      const chance = ctx.info.chanceLoss;
      const target = chance !== undefined && chance > 0 ? chance * SETTINGS.lossFraction : null;
      ctx.progress(`overfitting ${batch.size} samples`);
      const atInit = ctx.inputs.forwardPass.layers;
      const inspect = atInit ? (trained: tf.LayersModel) => tappedStats(ctx, trained) : undefined;
      const user = await overfit(
        ctx, () => ctx.makeOptimizer(), 'your optimizer', batch.x, batch.y, target, SETTINGS.steps[ctx.info.budget], inspect,
        frozenFlat(SETTINGS.frozenStopAfter[ctx.info.budget]),
      );
      let reference: ProbeRun | null = null;
      if (!user.succeeded && user.verdict !== 'slow') {
        const referenceBudget = SETTINGS.referenceSteps[ctx.info.budget];
        // Your optimizer IS the reference (Adam 1e-2 as tf.train.adam makes it): its run already answered, over more steps.
        if (isReferenceOptimizer(ctx)) reference = user;
        else {
          ctx.progress('overfitting again with a reference optimizer');
          reference = await overfit(
            ctx, () => tf.train.adam(SETTINGS.referenceLearningRate), 'reference Adam 1e-2', batch.x, batch.y, target, referenceBudget,
            undefined, settledLike({ verdict: user.verdict, finalLoss: user.final.loss, frozen: frozen(user.points) }, chance, referenceBudget),
          );
        }
      }
      const points = [...user.points, ...(reference && reference !== user ? reference.points : [])];
      // Slow and the reference on its way tell the same story from the run that shows it.
      const judged = user.verdict !== 'slow' && reference?.verdict === 'slow' ? reference : user;
      const judgedBudget = judged === user ? SETTINGS.steps[ctx.info.budget] : SETTINGS.referenceSteps[ctx.info.budget];
      const stillImproving = judged.verdict === 'slow' || withinTypicalRun(judged, chance, judgedBudget);
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
            verdict: user.verdict,
            referenceVerdict: reference?.verdict ?? null,
            stepsToGoal: user.trend?.stepsToGoal ?? null,
            ...Object.fromEntries((user.activations ?? []).filter((l) => l.deadFraction !== null).map((l) => [`${l.layer}.deadAfter`, l.deadFraction])),
          },
        },
      };
      // Units that die while the probe still memorizes cost nothing visible (a tiny batch needs few units);
      // dying is reported when the run that killed them also failed to learn.
      const failed = failedVerdict(user.verdict);
      const dying = atInit && user.activations && failed
        ? dyingUnits(atInit, user.activations, {
          steps: user.steps, learningRate: ctx.info.learningRate ?? Number.NaN, optimizer: ctx.info.optimizerName ?? 'optimizer', units: unitsOf(ctx.model),
        })
        : null;
      const findings = [...(user.succeeded ? [] : [overfitFinding(batch.size, judged, user, reference, stillImproving)]), ...(dying ? [dying] : [])];
      const outcome = {
        succeeded: user.succeeded, diverged: user.diverged, initialLoss: finiteOrNull(user.initial.loss), finalLoss: finiteOrNull(user.final.loss),
        steps: user.steps, referenceSucceeded: reference?.succeeded ?? null,
        ...(repeatableTraining(ctx.model)
          ? { trainingLosses: { samples: batch.size, losses: user.points.filter((p) => p.series === 'your optimizer (training)').map((p) => p.loss) } }
          : {}),
      };
      return { findings, measurements, outputs: { overfit: outcome }, note: `${user.succeeded ? 'fit' : 'did not fit'} ${batch.size} samples in ${user.steps} steps` };
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  },
};

/**
 * True when the user's optimizer is the reference one: Adam at 1e-2 with
 * tf.train.adam's other settings. Its run is then the reference run, step for
 * step (same clone, same batch): running it again would repeat it.
 */
export function isReferenceOptimizer(ctx: NetworkContext): boolean {
  if (ctx.info.optimizerName !== 'Adam') return false;
  const mine = ctx.makeOptimizer();
  const reference = tf.train.adam(SETTINGS.referenceLearningRate);
  try {
    const a = mine.getConfig();
    const b = reference.getConfig();
    return ['learningRate', 'beta1', 'beta2', 'epsilon'].every((key) => a[key] === b[key]);
  } finally {
    disposeOptimizer(mine);
    disposeOptimizer(reference);
  }
}

/** Where a loss sits against the chance level: within SETTINGS.atChance of it, above or below. */
function sideOfChance(loss: number, chance: number): 'chance' | 'above' | 'below' {
  if (Math.abs(loss - chance) <= SETTINGS.atChance * chance) return 'chance';
  return loss > chance ? 'above' : 'below';
}

/** A stop rule of a probe run: true when it may stop after `steps` steps. */
type StopRule = (points: readonly CurvePoint[], steps: number, loss: number, goal: number) => boolean;

/**
 * The user's run may stop from `after` steps on once its loss is frozen (see
 * frozen()) and the trend its verdict is read from is flat: the steps left
 * would end at the same loss, judged flat (or at chance) all the same.
 */
export function frozenFlat(after: number): StopRule {
  return (points, steps, _loss, goal) => steps >= after && frozen(points) && lossTrend(evaluations(points), goal)?.direction === 'flat';
}

/**
 * When the reference run may stop early (see SETTINGS.referenceSettledAfter),
 * its curve flat:
 * - the user's run ended flat at chance, or flat above it, and the reference is
 *   flat on the same side. A flat curve below chance is a plateau that may
 *   still break (see onPlateau): it runs on;
 * - or the user's run ended frozen (see frozen()) and the reference's last
 *   SETTINGS.floorEvaluations evaluations sit at that very loss (within float32
 *   rounding): two optimizers on the same floor, which no gradient leaves (a
 *   saturated GRU on raw features: 0.4843945 under RMSProp from step 20,
 *   0.4843944/5 under Adam 1e-2 from step 25).
 * Undefined (never stop early) for any other verdict of the user's run, or
 * without a chance level and a frozen user run.
 */
export function settledLike(
  user: { verdict: OverfitVerdict; finalLoss: number; frozen?: boolean }, chance: number | undefined, budget: number,
): StopRule | undefined {
  if ((user.verdict !== 'chance' && user.verdict !== 'flat') || !Number.isFinite(user.finalLoss)) return undefined;
  const side = chance !== undefined && chance > 0 ? sideOfChance(user.finalLoss, chance) : undefined;
  const sameSide: StopRule | undefined = chance !== undefined && side !== undefined && side !== 'below'
    ? (_points, _steps, loss) => Number.isFinite(loss) && sideOfChance(loss, chance) === side
    : undefined;
  const floor = user.finalLoss;
  const sameFloor: StopRule | undefined = user.frozen === true
    ? (points) => {
      const last = evaluations(points).slice(-SETTINGS.floorEvaluations);
      return last.length === SETTINGS.floorEvaluations && last.every((p) => Math.abs(p.loss - floor) <= SETTINGS.frozenSpread * Math.abs(floor));
    }
    : undefined;
  if (!sameSide && !sameFloor) return undefined;
  return (points, steps, loss, goal) => {
    if (steps < SETTINGS.referenceSettledAfter * budget) return false;
    if (!(sameSide?.(points, steps, loss, goal) ?? false) && !(sameFloor?.(points, steps, loss, goal) ?? false)) return false;
    const trend = lossTrend(evaluations(points), goal);
    return trend !== null && trend.direction === 'flat';
  };
}

/** The finding for a run that did not fit, worded from the run the verdict rests on. */
/** overfit-failed from the run that tells the story (`judged`: the user's, or the reference's when only it is on its way). */
function overfitFinding(samples: number, judged: ProbeRun, user: ProbeRun, reference: ProbeRun | null, slow: boolean): Finding {
  return networkMessages.overfitFailed({
    samples,
    steps: judged.steps,
    initialLoss: judged.initial.loss,
    finalLoss: judged.final.loss,
    accuracy: judged.final.accuracy ?? Number.NaN,
    target: judged.goal,
    diverged: judged.diverged,
    referenceSucceeded: reference?.succeeded ?? false,
    referenceSteps: reference?.steps ?? 0,
    stillImproving: slow,
    verdict: judged.verdict,
    run: judged === user ? 'your optimizer' : 'reference Adam 1e-2',
    trendFromStep: judged.trend?.from.step ?? Number.NaN,
    trendFromLoss: judged.trend?.from.loss ?? Number.NaN,
    trendToStep: judged.trend?.to.step ?? Number.NaN,
    trendToLoss: judged.trend?.to.loss ?? Number.NaN,
    stepsToGoal: judged.trend?.stepsToGoal ?? Number.NaN,
  });
}

/** Activation health of a trained clone on the samples the activations check read at initialization. */
async function tappedStats(ctx: NetworkContext, trained: tf.LayersModel): Promise<LayerActivation[]> {
  const probe = headBatch(ctx, ACTIVATION_PROBE_SAMPLES);
  try {
    return await activationStats(tapModel(trained), probe.x);
  } finally {
    tf.dispose([probe.x, probe.y]);
  }
}

function unitsOf(model: tf.LayersModel): Map<string, number> {
  const taps = tapModel(model);
  return new Map(taps.model.outputs.map((output, i) => [taps.layers[i].name, output.shape[output.shape.length - 1] ?? 0]));
}
