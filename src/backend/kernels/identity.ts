/**
 * Identity for wasm without a copy.
 *
 * tfjs-backend-wasm 4.22 copies the whole tensor for Identity (tf.clone,
 * tf.layers' pass-throughs, every gradient that flows unchanged); the cpu
 * backend shares the data and counts a reference, as wasm's own Reshape does.
 * No wasm kernel writes into its inputs, so sharing is safe. A small CNN's
 * step made three full copies of its first activation; watch() snapshots the
 * weights with tf.clone before every step. Strings go to the original kernel.
 */
import type * as tf from '@tensorflow/tfjs';
import { input } from './attrs';

const KERNEL = 'Identity';

interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

function isRefCounting(backend: object): backend is RefCounting {
  return 'incRef' in backend && typeof backend.incRef === 'function';
}

export function sharingIdentity(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x', KERNEL);
      if (x.dtype === 'string' || !isRefCounting(backend)) return run({ inputs, backend, attrs });
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
