/**
 * Custom layers users write that break training in ways only a probe sees.
 * Registered for serialization (diagnose() clones models through JSON).
 */
import * as tf from '@tensorflow/tfjs';

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** "Normalizes" each feature by the batch statistics of... the wrong axis: mixes samples (a transpose across the batch). */
export class BatchSwap extends tf.layers.Layer {
  static className = 'TrustBenchBatchSwap';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const input = single(inputs);
    const [batch, width] = input.shape as number[];
    return tf.tidy(() => input.reshape([batch, 2, width / 2]).transpose([1, 0, 2]).reshape([batch, width]));
  }
}

/** x^2 with a hand-written gradient that forgets the factor 2. */
export class SquareWrongGrad extends tf.layers.Layer {
  static className = 'TrustBenchSquareWrongGrad';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const square = tf.customGrad((x, save) => {
      const t = x as tf.Tensor;
      if (typeof save === 'function') save([t]);
      return { value: t.square(), gradFunc: (dy, saved) => dy.mul(saved[0]) };
    });
    return square(single(inputs));
  }
}

/** log(x): NaN for the negative values a linear layer produces. */
export class Log extends tf.layers.Layer {
  static className = 'TrustBenchLog';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.log(single(inputs));
  }
}

/** A "masking" layer that multiplies its input by zero: the model cannot see the data. */
export class ZeroMask extends tf.layers.Layer {
  static className = 'TrustBenchZeroMask';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(single(inputs), 0);
  }
}

tf.serialization.registerClass(BatchSwap);
tf.serialization.registerClass(SquareWrongGrad);
tf.serialization.registerClass(Log);
tf.serialization.registerClass(ZeroMask);
