/**
 * Identity for wasm without a copy.
 *
 * tfjs-backend-wasm 4.22 copies the whole tensor for Identity (tf.clone,
 * tf.layers' pass-throughs, every gradient that flows unchanged); the cpu
 * backend shares the data and counts a reference, as wasm's own Reshape does.
 * No wasm kernel writes into its inputs, so sharing is safe. A small CNN's
 * step made three full copies of its first activation; watch() snapshots the
 * weights with tf.clone before every step. Strings go to the original kernel.
 *
 * A Cast to the dtype the tensor already has is the same identity, and
 * wasm's Cast copies it too: every ReLU gradient (dy * cast(step(x))) made
 * one copy of its layer's activation (0.1 to 0.2 ms a layer in a small CNN).
 */
import type * as tf from '@tensorflow/tfjs';
import { input } from './attrs';

const KERNEL = 'Identity';

interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

/** A tensor with the same data as `x`, one more reference counted on it. */
function share(backend: RefCounting, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
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
      return share(backend, x);
    },
  };
}

export function sharingCast(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x', 'Cast');
      if (attrs?.dtype !== x.dtype || x.dtype === 'string' || x.dtype === 'complex64' || !isRefCounting(backend)) return run({ inputs, backend, attrs });
      return share(backend, x);
    },
  };
}
