/**
 * The training loss as a function returning the mean loss over a batch:
 * the compiled one (exactly what model.fit minimizes) or options.loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossFunction } from '../checks/base';
import { inputError } from '../data/errors';

type PerSample = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

function sparseCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.shape.length - 1];
    const indices = tf.cast(tf.floor(tf.reshape(yTrue, [-1])), 'int32') as tf.Tensor1D;
    const oneHot = tf.reshape(tf.oneHot(indices, classes), yPred.shape);
    return tf.metrics.categoricalCrossentropy(oneHot, yPred);
  });
}

/** Loss names accepted as options.loss, with the canonical name shown in reports. */
const NAMED_LOSSES: Record<string, { name: string; fn: PerSample }> = {
  categoricalCrossentropy: { name: 'categoricalCrossentropy', fn: tf.metrics.categoricalCrossentropy },
  sparseCategoricalCrossentropy: { name: 'sparseCategoricalCrossentropy', fn: sparseCategoricalCrossentropy },
  binaryCrossentropy: { name: 'binaryCrossentropy', fn: tf.metrics.binaryCrossentropy },
  meanSquaredError: { name: 'meanSquaredError', fn: tf.metrics.meanSquaredError },
  mse: { name: 'meanSquaredError', fn: tf.metrics.meanSquaredError },
  MSE: { name: 'meanSquaredError', fn: tf.metrics.meanSquaredError },
  meanAbsoluteError: { name: 'meanAbsoluteError', fn: tf.metrics.meanAbsoluteError },
  mae: { name: 'meanAbsoluteError', fn: tf.metrics.meanAbsoluteError },
  MAE: { name: 'meanAbsoluteError', fn: tf.metrics.meanAbsoluteError },
};

export interface ResolvedLoss {
  name: string;
  fn: LossFunction;
  /** Loss of each row (shape [n]) when the loss is a known one; per-row views fall back to fn otherwise. */
  perRow?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}

function meanOf(perSample: PerSample): LossFunction {
  return (yTrue, yPred) => tf.tidy(() => tf.mean(perSample(yTrue, yPred)) as tf.Scalar);
}

function canonicalName(name: string): string {
  return NAMED_LOSSES[name]?.name ?? name;
}

function compiledLossFunctions(model: tf.LayersModel): PerSample[] | undefined {
  if (model.lossFunctions?.length) return model.lossFunctions as PerSample[];
  // A Sequential keeps its compiled state on a private inner LayersModel.
  const inner: unknown = Reflect.get(model, 'model');
  return inner instanceof tf.LayersModel && inner.lossFunctions?.length ? (inner.lossFunctions as PerSample[]) : undefined;
}

/**
 * The loss of `model` (compiled) or of `optionLoss`, which wins when given.
 * Throws a DiagnoseInputError when neither exists or the name is unknown.
 */
export function resolveLoss(model: tf.LayersModel, optionLoss: string | LossFunction | undefined): ResolvedLoss {
  if (typeof optionLoss === 'function') {
    return { name: optionLoss.name || 'custom loss', fn: meanOf(optionLoss) };
  }
  if (typeof optionLoss === 'string') {
    const known = NAMED_LOSSES[optionLoss];
    if (!known) throw inputError('lossUnknown', optionLoss, Object.keys(NAMED_LOSSES));
    return { name: known.name, fn: meanOf(known.fn), perRow: known.fn };
  }
  return compiledLoss(model, 0);
}

/**
 * The compiled loss of output `index`: model.loss is one loss for every output,
 * an array in model.outputs order, or an object keyed by output name.
 */
export function compiledLoss(model: tf.LayersModel, index: number): ResolvedLoss {
  const compiled = compiledLossFunctions(model);
  if (!compiled || compiled.length === 0 || model.loss === undefined) throw inputError('modelNotCompiled');
  const loss: unknown = model.loss;
  const raw = Array.isArray(loss) ? loss[index]
    : typeof loss === 'object' && loss !== null ? (loss as Record<string, unknown>)[model.outputNames[index]] : loss;
  const name = typeof raw === 'string' ? canonicalName(raw) : typeof raw === 'function' ? raw.name || 'custom loss' : 'custom loss';
  return { name, fn: meanOf(compiled[index] as PerSample), perRow: NAMED_LOSSES[name]?.fn };
}
