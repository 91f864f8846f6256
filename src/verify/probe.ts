/**
 * The short training probe a fix is judged by: a few dozen optimizer steps on
 * a handful of samples (the overfit-a-tiny-batch idea), on a clone, recording
 * the training curve and the inference-mode loss and accuracy at both ends.
 */
import type * as tf from '@tensorflow/tfjs';
import { finiteOrNull, type CurvePoint } from '../measurements';
import { evaluate, trainStep, trainableVariables, type Evaluation } from '../model/train';
import type { Task } from '../types';
import type { FixSetup } from './fixes';
import { unmoved } from '../checks/network/trend';
import type { ProbeSummary } from './types';

export interface ProbeBatch {
  x: tf.Tensor;
  y: tf.Tensor;
  task: Task;
  steps: number;
  /** The loss to reach without accuracy (a tenth of chance); null: a tenth of the initial loss. */
  target: number | null;
}

/**
 * A run whose training loss has not moved over its last 16 steps (every value
 * within float32 rounding, a relative spread of 1e-6, of the others) stops
 * there: no gradient reaches the loss, so the steps left would end at the same
 * loss (a saturated GRU on raw features at a lowered rate: 0.4843944 from step
 * 26 of 65). Training-mode noise (dropout) never looks frozen.
 */
export const FROZEN = { steps: 16, spread: 1e-6 };

/** True when the last FROZEN.steps training losses of `points` lie within FROZEN.spread of each other. */
export function frozenTail(points: readonly CurvePoint[]): boolean {
  const last = points.slice(1).slice(-FROZEN.steps).map((p) => p.loss ?? Number.NaN);
  return last.length === FROZEN.steps && unmoved(last, FROZEN.spread);
}

/** Memorized: every label right (classification), else the loss at its target. */
function fits(result: Evaluation, target: number): boolean {
  if (!Number.isFinite(result.loss)) return false;
  return result.accuracy === null ? result.loss <= target : result.accuracy >= 1;
}

/** Runs the probe for one setup; `series` names its curve. Disposes everything it makes. */
export async function runProbe(setup: FixSetup, batch: ProbeBatch, random: () => number, series: string): Promise<{ summary: ProbeSummary; points: CurvePoint[] }> {
  const model = await setup.model(random);
  const optimizer = setup.optimizer();
  const x = setup.inputs(batch.x);
  try {
    const variables = trainableVariables(model);
    const initial = await evaluate(model, x, batch.y, setup.loss, batch.task);
    const target = batch.target ?? initial.loss * 0.1;
    const points: CurvePoint[] = [{ series, step: 0, loss: finiteOrNull(initial.loss) }];
    let latest = initial;
    for (let step = 1; step <= batch.steps && variables.length > 0; step++) {
      const value = await trainStep(model, optimizer, variables, x, batch.y, setup.loss);
      points.push({ series, step, loss: finiteOrNull(value) });
      if (!Number.isFinite(value) || frozenTail(points)) break;
      if (step % 8 === 0 || step === batch.steps) {
        latest = await evaluate(model, x, batch.y, setup.loss, batch.task);
        if (fits(latest, target)) break;
      }
    }
    const final = await evaluate(model, x, batch.y, setup.loss, batch.task);
    return {
      summary: { initialLoss: finiteOrNull(initial.loss), finalLoss: finiteOrNull(final.loss), finalAccuracy: final.accuracy, fit: fits(final, target) },
      points,
    };
  } finally {
    x.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
