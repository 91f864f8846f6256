/**
 * Sum for wasm without a transpose when it reduces every axis but the last.
 *
 * That is a bias gradient: dy summed over batch, height and width (over the
 * batch for a dense layer). tfjs-backend-wasm 4.22 transposes x so the
 * reduced axes come last, then adds each row: for a first conv layer's
 * [32, 26, 26, 16] dy, 0.7 ms CPU of which most is the transpose. tfjs-doctor's
 * wasm module (../wasm-module/sum-rows.wat) adds the rows of x in place,
 * four channels at a time, in the same order and precision (the same bits),
 * in about 0.08 ms. Every other Sum, or when the module cannot run, goes to
 * the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { input } from './attrs';
import { isHeapBackend } from './heap';
import { exportedFunction, heapAddress, wasmModule } from '../wasm-module/loader';

const KERNEL = 'Sum';
/** The wasm module (src/backend/wasm-module/sum-rows.wat). */
export const SUM_ROWS_MODULE = 'sum-rows';

/**
 * Whether `axis` names the axes before the last, in order (negative allowed).
 * In another order the original kernel adds in another order too.
 */
function allButLast(axis: unknown, shape: number[]): boolean {
  const rank = shape.length;
  if (rank < 2 || !(typeof axis === 'number' || (Array.isArray(axis) && axis.every((a) => typeof a === 'number')))) return false;
  const axes = tf.util.parseAxisParam(axis, shape);
  return axes.length === rank - 1 && axes.every((a, i) => a === i);
}

export function leadingAxesSum(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x', KERNEL);
      if (x.dtype !== 'float32' || !allButLast(attrs?.axis, x.shape) || !isHeapBackend(backend)) return run({ inputs, backend, attrs });
      const kernels = wasmModule(backend, SUM_ROWS_MODULE);
      if (kernels === undefined) return run({ inputs, backend, attrs });
      const c = x.shape[x.shape.length - 1];
      const shape = attrs?.keepDims === true ? [...x.shape.slice(0, -1).map(() => 1), c] : [c];
      const out = backend.makeOutput(shape, 'float32');
      exportedFunction(kernels, 'sumRows')(heapAddress(backend, x), heapAddress(backend, out), tf.util.sizeFromShape(x.shape) / Math.max(c, 1), c);
      return out;
    },
  };
}
