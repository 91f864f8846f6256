/**
 * Sum for wasm over leading axes, as one SIMD column sum.
 *
 * Every bias gradient is a sum over all axes but the last (dy [n, h, w, c]
 * to [c]); tfjs-backend-wasm 4.22 first transposes the reduced axes to the
 * end (a full copy), then sums: 0.65 ms for a [32, 26, 26, 16] conv output.
 * Reading the tensor as [rows, cols] and summing its rows in place
 * (wasm-module/conv-grad.wat, sumRows) takes about 0.03. Other reductions,
 * other dtypes, and backends where the module cannot run go to the original
 * kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { input } from './attrs';
import { heapBackend } from './heap';
import { exportedFunction, heapAddress, wasmModule } from '../wasm-module/loader';

const KERNEL = 'Sum';

/** How many leading axes `axis` reduces when it is exactly a prefix of `shape`'s axes (not all of them); 0 otherwise. */
export function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  const prefix = axes.every((a, i) => a === i);
  return prefix && axes.length < shape.length ? axes.length : 0;
}

export function leadingAxesSum(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x', KERNEL);
      const axis: unknown = attrs?.axis;
      const axes = typeof axis === 'number' || (Array.isArray(axis) && axis.every((a) => typeof a === 'number')) ? axis : undefined;
      const reduced = x.dtype === 'float32' && axes !== undefined ? leadingAxes(axes, x.shape) : 0;
      const exports = reduced > 0 ? wasmModule(backend, 'conv-grad') : undefined;
      if (exports === undefined) return run({ inputs, backend, attrs });
      const rows = x.shape.slice(0, reduced).reduce((a, b) => a * b, 1);
      const kept = x.shape.slice(reduced);
      const outShape = attrs?.keepDims === true ? [...x.shape.slice(0, reduced).map(() => 1), ...kept] : kept;
      const heap = heapBackend(backend, KERNEL);
      const out = heap.makeOutput(outShape, 'float32');
      exportedFunction(exports, 'sumRows')(heapAddress(heap, x), heapAddress(heap, out), rows, kept.reduce((a, b) => a * b, 1));
      return out;
    },
  };
}
