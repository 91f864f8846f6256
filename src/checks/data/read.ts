/**
 * The values of a tensor computed under tf.tidy, read outside it.
 *
 * tf.tidy walks whatever its callback returns looking for tensors, key by
 * key: a typed array or nested array of a million numbers returned from it
 * costs more than the computation (seen: 280 ms in one diagnose() of a 784-input
 * MLP). So the tidy returns the tensor and the values are copied out after.
 */
import * as tf from '@tensorflow/tfjs';

export function readTidy(make: () => tf.Tensor): tf.backend_util.TypedArray {
  const tensor = tf.tidy(make);
  try {
    return tensor.dataSync();
  } finally {
    tensor.dispose();
  }
}

/** As readTidy, as nested arrays (row-major) for a 2D result. */
export function readTidy2D(make: () => tf.Tensor2D): number[][] {
  const tensor = tf.tidy(make);
  try {
    return tensor.arraySync();
  } finally {
    tensor.dispose();
  }
}
