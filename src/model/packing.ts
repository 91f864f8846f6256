/**
 * Several inputs or outputs as ONE tensor, so every probe that feeds "x" and
 * reads "the output" works unchanged on multi-input / multi-output models:
 * inputs are flattened per sample and concatenated in model.inputs order
 * ([n, D]); outputs likewise ([n, P]). A model with one input takes its input
 * as is, and a model with one output returns it as is: single-io models never
 * go through this module.
 */
import * as tf from '@tensorflow/tfjs';


/** Row shapes of the model's inputs (without the batch axis); null when one has a free dimension. */
export function inputRowShapes(model: tf.LayersModel): number[][] | null {
  const shapes = model.inputs.map((input) => input.shape.slice(1));
  return shapes.every((s) => s.every((d): d is number => typeof d === 'number')) ? (shapes as number[][]) : null;
}

/** Flattens each tensor per sample and concatenates them ([n, sum of row sizes]), as float32. */
export function packRows(parts: readonly tf.Tensor[]): tf.Tensor {
  // No cast or reshape where there is nothing to change: each is an op in every probe step (and its gradient).
  return tf.tidy(() => tf.concat(parts.map((t) => {
    const float = t.dtype === 'float32' ? t : tf.cast(t, 'float32');
    return float.rank === 2 ? float : tf.reshape(float, [t.shape[0], -1]);
  }), 1));
}

/** The inverse of packRows: column ranges of `packed` reshaped to [n, ...shape] each. */
export function unpackRows(packed: tf.Tensor, shapes: readonly number[][]): tf.Tensor[] {
  return tf.tidy(() => {
    const rows = packed.shape[0];
    const flat = packed.rank === 2 ? packed : tf.reshape(packed, [rows, -1]);
    let start = 0;
    return shapes.map((shape) => {
      const size = tf.util.sizeFromShape(shape);
      const columns = tf.slice(flat, [0, start], [rows, size]);
      const part = shape.length === 1 ? columns : tf.reshape(columns, [rows, ...shape]);
      start += size;
      return part;
    });
  });
}

/** What the model takes for packed `x`: x itself for one input, the unpacked inputs otherwise. */
export function modelInputs(model: tf.LayersModel, x: tf.Tensor): tf.Tensor | tf.Tensor[] {
  if (model.inputs.length === 1) return x;
  const shapes = inputRowShapes(model);
  if (!shapes) throw new Error(`tfjs-doctor: model "${model.name}" has an input with a free dimension; several inputs need fixed shapes`);
  return unpackRows(x, shapes);
}

/** The model's output for packed `x`: one output as is, several packed ([n, P]). Call inside a tidy or a gradient function. */
export function callModel(model: tf.LayersModel, x: tf.Tensor, training: boolean): tf.Tensor {
  const output = model.apply(modelInputs(model, x), { training });
  if (output instanceof tf.Tensor) return output;
  return packRows(output as tf.Tensor[]);
}

/** model.predict for packed `x` (batched, inference mode); several outputs are packed. */
export function predictPacked(model: tf.LayersModel, x: tf.Tensor, batchSize: number): tf.Tensor {
  return tf.tidy(() => {
    const output = model.predict(modelInputs(model, x), { batchSize });
    return Array.isArray(output) ? packRows(output) : output;
  });
}
