/**
 * OneHot for wasm that honours its dtype.
 *
 * tfjs-backend-wasm 4.22 labels the output with the requested dtype but always
 * writes int32 bits, so tf.oneHot(labels, n, 1, 0, 'float32') reads back as
 * denormal garbage (1 becomes 1.4e-45). This runs the original as int32 and
 * casts, which is what the default dtype already does correctly.
 */
import * as tf from '@tensorflow/tfjs';
import { runComposed } from './wasm-ops';

export function dtypeHonouringOneHot(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const requested: unknown = attrs?.dtype ?? 'int32';
      if (requested === 'int32') return run({ inputs, backend, attrs });
      if (requested !== 'float32' && requested !== 'bool') {
        throw new Error(`tfjs-doctor OneHot: attribute 'dtype' is ${JSON.stringify(requested)}; expected 'int32', 'float32' or 'bool'.`);
      }
      const dtype: 'float32' | 'bool' = requested;
      return runComposed(backend, original.backendName, (ops) => {
        const ints = run({ inputs, backend, attrs: { ...attrs, dtype: 'int32' } });
        if (Array.isArray(ints)) throw new Error('tfjs-doctor OneHot: expected one output.');
        return ops.cast(ops.adopt(ints), dtype);
      });
    },
  };
}
