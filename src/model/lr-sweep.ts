/**
 * The learning-rate range test (Smith 2015; fastai's lr_find): train a clone
 * while the learning rate grows exponentially, one batch per step, and watch
 * where the smoothed loss falls fastest and where it blows up.
 */
import * as tf from '@tensorflow/tfjs';
import type { LrRangeTest } from '../measurements';
import type { LossFunction } from './loss';
import { trainStep, trainableVariables } from './train';

export interface SweepOptions {
  minLr: number;
  maxLr: number;
  steps: number;
  /** Exponential smoothing of the loss (fastai uses 0.98 over 100+ steps; fewer steps need less lag). */
  smoothing: number;
  /** Stop once the smoothed loss exceeds this multiple of its minimum... */
  divergeFactor: number;
  /** ...and this loss (0 by default): a trained model's tiny minimum tripled is batch noise, not a blow-up. */
  divergeFloor?: number;
}

/** The smoothed loss above which a sweep whose lowest smoothed loss is `best` has diverged. */
export function divergenceLevel(best: number, divergeFactor: number, divergeFloor = 0): number {
  return Math.max(divergeFactor * best, divergeFloor);
}

/** Sets the learning rate of an optimizer in place, keeping its state; false when it has none we know. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): boolean {
  // SGD and Momentum cache -lr as a tensor (setLearningRate rebuilds it); the
  // adaptive optimizers read the field each step. (instanceof cannot tell them
  // apart: tf.Optimizer's Symbol.hasInstance accepts any optimizer.)
  const setter: unknown = Reflect.get(optimizer, 'setLearningRate');
  if (typeof setter === 'function') {
    Reflect.apply(setter, optimizer, [lr]);
    return true;
  }
  if (typeof Reflect.get(optimizer, 'learningRate') !== 'number') return false;
  return Reflect.set(optimizer, 'learningRate', lr);
}

/** Runs the sweep on `model` (a clone), cycling through `batches`. */
export async function lrSweep(
  model: tf.LayersModel, optimizer: tf.Optimizer, batches: { x: tf.Tensor; y: tf.Tensor }[], loss: LossFunction, options: SweepOptions,
): Promise<LrRangeTest['points']> {
  const variables = trainableVariables(model);
  const growth = Math.pow(options.maxLr / options.minLr, 1 / Math.max(1, options.steps - 1));
  const points: LrRangeTest['points'] = [];
  let average = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let step = 0; step < options.steps; step++) {
    const lr = options.minLr * Math.pow(growth, step);
    setLearningRate(optimizer, lr);
    const batch = batches[step % batches.length];
    const value = await trainStep(model, optimizer, variables, batch.x, batch.y, loss);
    if (!Number.isFinite(value)) {
      points.push({ lr, loss: null, smoothed: null });
      break;
    }
    average = options.smoothing * average + (1 - options.smoothing) * value;
    const smoothed = average / (1 - Math.pow(options.smoothing, step + 1));
    points.push({ lr, loss: value, smoothed });
    best = Math.min(best, smoothed);
    if (step > 5 && smoothed > divergenceLevel(best, options.divergeFactor, options.divergeFloor)) break;
  }
  return points;
}

/** Steepest descent, minimum and divergence points of a sweep, and the suggested band. */
export function analyzeSweep(
  points: LrRangeTest['points'], configuredLr: number | null, divergeFactor: number, divergeFloor = 0,
): LrRangeTest & { minLossLr: number | null; minLoss: number | null; descent: number } {
  const valid = points.filter((p): p is { lr: number; loss: number; smoothed: number } => p.smoothed !== null);
  if (valid.length < 3) {
    return {
      points, configuredLr, suggested: null, steepestLr: null,
      divergenceLr: points.find((p) => p.loss === null)?.lr ?? null, minLossLr: null, minLoss: null, descent: 0,
    };
  }
  const minimum = valid.reduce((a, b) => (b.smoothed < a.smoothed ? b : a));
  const minIndex = valid.indexOf(minimum);
  // Steepest descent among the points where the curve has really started to
  // fall (10% of its total drop): in the flat start, batch noise alone makes
  // the steepest one-step slope.
  const start = valid[0].smoothed;
  const falling = (p: { smoothed: number }) => p.smoothed <= start - 0.1 * (start - minimum.smoothed);
  let steepest = minimum;
  let steepestSlope = Number.POSITIVE_INFINITY;
  for (let i = 1; i <= minIndex; i++) {
    if (!falling(valid[i])) continue;
    const slope = (valid[i].smoothed - valid[i - 1].smoothed) / Math.log(valid[i].lr / valid[i - 1].lr);
    if (slope < steepestSlope) {
      steepestSlope = slope;
      steepest = valid[i];
    }
  }
  // Searched in `points` (minIndex counts `valid` only): a null after the minimum is where it diverged.
  const diverged = points.slice(points.indexOf(minimum) + 1).find((p) => p.smoothed === null || p.smoothed > divergenceLevel(minimum.smoothed, divergeFactor, divergeFloor));
  const upper = minimum.lr / 10;
  return {
    points,
    configuredLr,
    // fastai's rule: a tenth of the minimum-loss rate as the top, one decade of band.
    suggested: [upper / 10, upper],
    steepestLr: steepest.lr,
    divergenceLr: diverged?.lr ?? null,
    minLossLr: minimum.lr,
    minLoss: minimum.smoothed,
    /** How far the smoothed loss fell from its start to its minimum, as a fraction of the start. */
    descent: 1 - minimum.smoothed / valid[0].smoothed,
  };
}
