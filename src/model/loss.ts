/**
 * The training loss of a model on one batch, as model.fit computes it: the
 * compiled loss of the (single) output plus the layers' regularization terms.
 */
import * as tf from '@tensorflow/tfjs';
import { callModel } from './packing';

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** The model's output for `x`; several inputs or outputs travel packed (see packing.ts). */
export function forwardOutput(model: tf.LayersModel, x: tf.Tensor, training: boolean): tf.Tensor {
  if (model.inputs.length > 1 || model.outputs.length > 1) return callModel(model, x, training);
  const output = model.apply(x, { training });
  if (!(output instanceof tf.Tensor)) {
    throw new Error(
      `tfjs-doctor: model "${model.name}" has ${model.outputs.length} outputs; diagnose() supports single-output models.`,
    );
  }
  return output;
}

/** Data loss plus regularization for one batch. Call inside a tidy or a gradient function. */
export function forwardLoss(
  model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, loss: LossFunction, training: boolean,
): tf.Scalar {
  const dataLoss = loss(y, forwardOutput(model, x, training));
  return model.calculateLosses().reduce((total: tf.Scalar, term) => total.add(term), dataLoss);
}
