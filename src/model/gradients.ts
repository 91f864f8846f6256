/**
 * Per-weight gradients of the training loss for one batch, summarised on the
 * backend and read back in one transfer. Optionally applies one real optimizer
 * step (on a clone) to measure update-to-weight ratios.
 *
 * Cost: one forward + backward pass (the price of one training step), one
 * `data()` call; no per-element work in JavaScript.
 */
import * as tf from '@tensorflow/tfjs';
import { finiteOrNull, type WeightGradient } from '../measurements';
import { trainableWeights } from './layers';
import { forwardLoss, type LossFunction } from './loss';

export interface GradientOptions {
  /** Run layers in training mode (dropout on, batch statistics). Defaults to true, as in model.fit. */
  training?: boolean;
}

export interface StepOptions extends GradientOptions {
  /**
   * When given, apply one real step of this optimizer to `model` after measuring
   * (so `model` must be a clone) and fill in `updateRatio`.
   */
  optimizer?: tf.Optimizer;
}

export interface GradientStep {
  /** Training loss of the batch (regularization included); null when not finite. */
  loss: number | null;
  weights: WeightGradient[];
}

const DEFAULTS = { training: true };

/** Statistics computed per weight, in this order, as one row of the transfer. */
const STAT_COUNT = 7;

/**
 * Gradient statistics for every trainable weight, grouped by layer in model
 * order. Leaves the model as it was: weights untouched and, when layers run in
 * training mode, batch-norm moving statistics restored.
 */
export async function weightGradientStats(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  loss: LossFunction,
  options: GradientOptions = {},
): Promise<WeightGradient[]> {
  return (await measureGradientStep(model, x, y, loss, options)).weights;
}

/** The loss and per-weight gradient statistics of one batch; with `optimizer`, also one real step. */
export async function measureGradientStep(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  loss: LossFunction,
  options: StepOptions = {},
): Promise<GradientStep> {
  const training = options.training ?? DEFAULTS.training;
  const targets = trainableWeights(model);
  if (targets.length === 0) return { loss: await lossOnly(model, x, y, loss, training), weights: [] };

  const frozen = options.optimizer ? [] : snapshotNonTrainable(model);
  const variables = targets.map((target) => target.variable);
  const before = options.optimizer ? variables.map((variable) => variable.clone()) : [];
  const { value, grads } = tf.variableGrads(() => forwardLoss(model, x, y, loss, training), variables);
  restore(frozen);
  if (options.optimizer) options.optimizer.applyGradients(grads);

  const packed = tf.tidy(() => {
    const rows = targets.map(({ variable }, i) => {
      const gradient = grads[variable.name];
      const weight = before[i] ?? variable;
      const absGradient = gradient.abs();
      const finite = tf.isFinite(gradient).cast('float32').sum();
      const updateNorm = before[i] ? variable.sub(before[i]).norm() : tf.scalar(Number.NaN);
      return tf.stack([
        gradient.norm(),
        weight.norm(),
        absGradient.mean(),
        absGradient.max(),
        gradient.equal(0).cast('float32').mean(),
        tf.scalar(gradient.size).sub(finite),
        updateNorm,
      ]);
    });
    return tf.concat([value.reshape([1]), ...rows]);
  });
  const numbers = await packed.data();
  tf.dispose([packed, value, ...Object.values(grads), ...before]);

  const weights = targets.map(({ layer, weight }, i): WeightGradient => {
    const [gradNorm, weightNorm, meanAbsGrad, maxAbsGrad, zeroFraction, nonFiniteCount, updateNorm] =
      Array.from(numbers.subarray(1 + i * STAT_COUNT, 1 + (i + 1) * STAT_COUNT));
    return {
      layer: layer.name,
      layerIndex: layer.index,
      weight: weight.name,
      shape: weight.shape,
      gradNorm: finiteOrNull(gradNorm),
      weightNorm: finiteOrNull(weightNorm),
      meanAbsGrad: finiteOrNull(meanAbsGrad),
      maxAbsGrad: finiteOrNull(maxAbsGrad),
      updateRatio: weightNorm > 0 ? finiteOrNull(updateNorm / weightNorm) : null,
      zeroFraction: finiteOrNull(zeroFraction),
      nonFiniteCount,
    };
  });
  return { loss: finiteOrNull(numbers[0]), weights };
}

async function lossOnly(
  model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, loss: LossFunction, training: boolean,
): Promise<number | null> {
  const frozen = snapshotNonTrainable(model);
  const value = tf.tidy(() => forwardLoss(model, x, y, loss, training));
  restore(frozen);
  const [number] = await value.data();
  value.dispose();
  return finiteOrNull(number);
}

interface Snapshot {
  weight: tf.LayerVariable;
  value: tf.Tensor;
}

/** Copies of the non-trainable weights (batch-norm moving statistics) that a training-mode pass updates. */
function snapshotNonTrainable(model: tf.LayersModel): Snapshot[] {
  return model.nonTrainableWeights.map((weight) => ({ weight, value: weight.read().clone() }));
}

function restore(snapshots: Snapshot[]): void {
  for (const { weight, value } of snapshots) {
    weight.write(value);
    value.dispose();
  }
}
