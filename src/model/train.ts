/**
 * Training steps for probes, on clones only: the same loss model.fit
 * minimizes, with an optimizer the caller owns. Each step reads back one scalar.
 */
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../types';
import { forwardLoss, forwardOutput, type LossFunction } from './loss';
import { trainableWeights } from './layers';

/**
 * Disposes an optimizer and everything it holds. tfjs 4.22's MomentumOptimizer
 * overrides dispose() without disposing the learning-rate scalar its SGD base
 * keeps, so every momentum optimizer leaks one tensor unless we free it here.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const rate: unknown = Reflect.get(optimizer, 'c');
  if (rate instanceof tf.Tensor && !rate.isDisposed) rate.dispose();
}

/** The trainable variables of a model, for optimizer.minimize. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return trainableWeights(model).map((target) => target.variable);
}

/** One optimizer step on `model` (a clone); returns the batch loss before the step (NaN when not finite). */
export async function trainStep(
  model: tf.LayersModel, optimizer: tf.Optimizer, variables: tf.Variable[],
  x: tf.Tensor, y: tf.Tensor, loss: LossFunction,
): Promise<number> {
  const cost = optimizer.minimize(() => forwardLoss(model, x, y, loss, true), true, variables);
  if (!cost) return Number.NaN;
  const [value] = await cost.data();
  cost.dispose();
  return value;
}

/** Fraction of correct predictions as a scalar tensor, or null when the task has no classes. */
export function accuracyOf(yTrue: tf.Tensor, yPred: tf.Tensor, task: Task): tf.Scalar | null {
  if (task === 'regression') return null;
  if (task === 'multiclass') {
    const predicted = yPred.rank > 1 ? yPred.argMax(-1) : yPred.round();
    const actual = yTrue.shape.length === yPred.shape.length && yTrue.shape[yTrue.rank - 1] === yPred.shape[yPred.rank - 1] && yPred.rank > 1
      ? yTrue.argMax(-1)
      : yTrue.reshape(predicted.shape).round();
    return predicted.toInt().equal(actual.toInt()).toFloat().mean() as tf.Scalar;
  }
  // binary / multilabel: probabilities split at 0.5, logits at 0.
  const probabilities = tf.logicalAnd(yPred.min().greaterEqual(0), yPred.max().lessEqual(1));
  const threshold = tf.where(probabilities, tf.scalar(0.5), tf.scalar(0));
  const predicted = yPred.greater(threshold);
  const actual = yTrue.reshape(yPred.shape).greater(0.5);
  return predicted.equal(actual).toFloat().mean() as tf.Scalar;
}

export interface Evaluation {
  loss: number;
  accuracy: number | null;
  /** Mean data loss with layers in training mode (dropout on, batch statistics), over a few passes. */
  trainingModeLoss?: number;
}

/**
 * Data loss and accuracy in inference mode, and optionally the data loss in
 * training mode, in one transfer. Training-mode passes update batch-norm
 * moving statistics: call on clones.
 */
export async function evaluate(
  model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, loss: LossFunction, task: Task, trainingModePasses = 0,
): Promise<Evaluation> {
  const packed = tf.tidy(() => {
    const prediction = forwardOutput(model, x, false);
    const values = [loss(y, prediction), accuracyOf(y, prediction, task) ?? tf.scalar(Number.NaN)];
    const trainingLosses = Array.from({ length: trainingModePasses }, () => loss(y, forwardOutput(model, x, true)));
    values.push(trainingLosses.length > 0 ? tf.stack(trainingLosses).mean() : tf.scalar(Number.NaN));
    return tf.stack(values);
  });
  const [value, accuracy, trainingMode] = Array.from(await packed.data());
  packed.dispose();
  return {
    loss: value,
    accuracy: task === 'regression' ? null : accuracy,
    ...(trainingModePasses > 0 ? { trainingModeLoss: trainingMode } : {}),
  };
}
