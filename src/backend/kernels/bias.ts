/**
 * A layer's bias add and bias gradient on wasm, as SIMD loops over rows
 * (wasm-module/conv-kernels.wat) where tfjs-backend-wasm 4.22 is slow:
 *
 * - Sum over leading axes (every bias gradient: dy [n, h, w, c] to [c]):
 *   wasm first transposes the reduced axes to the end (a full copy), then
 *   sums: 0.65 ms for a [32, 26, 26, 16] conv output. Here the tensor is read
 *   as [rows, cols] and its rows summed in place (sumRows): about 0.03.
 * - Add of a row to every row (a bias, [c] onto [n, h, w, c]): wasm's
 *   broadcasting add walks indices one element at a time: 0.44 ms for the
 *   same tensor; addRows about 0.1.
 *
 * Other reductions and broadcasts, other dtypes, and backends where the
 * module cannot run go to the original kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { input } from './attrs';
import { heapBackend } from './heap';
import { convKernels } from './conv-module';
import { heapAddress } from '../wasm-module/loader';

/**
 * How many leading axes `axis` reduces when it names a prefix of `shape`'s
 * axes in order (not all of them); 0 otherwise. In another order the
 * original kernel adds in another order too: sumRows adds in the original's
 * order, so gives its very bits.
 */
export function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = tf.util.parseAxisParam(axis, shape);
  const prefix = axes.every((a, i) => a === i);
  return prefix && axes.length < shape.length ? axes.length : 0;
}

/** Whether `small` broadcasts onto `big` as a row repeated over leading axes: its shape, leading 1s dropped, ends `big`'s. */
export function isRowOf(small: number[], big: number[]): boolean {
  const first = small.findIndex((d) => d !== 1);
  const row = first < 0 ? [] : small.slice(first);
  if (small.length > big.length || row.length === 0 || tf.util.sizeFromShape(row) === tf.util.sizeFromShape(big)) return false;
  const tail = big.slice(big.length - row.length);
  return row.every((d, i) => d === tail[i]);
}

export function leadingAxesSum(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x', 'Sum');
      const axis: unknown = attrs?.axis;
      const axes = typeof axis === 'number' || (Array.isArray(axis) && axis.every((a) => typeof a === 'number')) ? axis : undefined;
      const reduced = x.dtype === 'float32' && axes !== undefined ? leadingAxes(axes, x.shape) : 0;
      const kernels = reduced > 0 ? convKernels(backend) : undefined;
      if (kernels === undefined) return run({ inputs, backend, attrs });
      const kept = x.shape.slice(reduced);
      const outShape = attrs?.keepDims === true ? [...x.shape.slice(0, reduced).map(() => 1), ...kept] : kept;
      const heap = heapBackend(backend, 'Sum');
      const out = heap.makeOutput(outShape, 'float32');
      kernels.sumRows(heapAddress(heap, x), heapAddress(heap, out), tf.util.sizeFromShape(x.shape.slice(0, reduced)), tf.util.sizeFromShape(kept));
      return out;
    },
  };
}

export function rowBroadcastAdd(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = input(inputs, 'a', 'Add');
      const b = input(inputs, 'b', 'Add');
      const floats = a.dtype === 'float32' && b.dtype === 'float32';
      // Float addition commutes exactly, so the row may be either input.
      const [big, row] = floats && isRowOf(b.shape, a.shape) ? [a, b] : floats && isRowOf(a.shape, b.shape) ? [b, a] : [];
      const kernels = big !== undefined ? convKernels(backend) : undefined;
      if (big === undefined || row === undefined || kernels === undefined) return run({ inputs, backend, attrs });
      const heap = heapBackend(backend, 'Add');
      const out = heap.makeOutput(big.shape, 'float32');
      const cols = tf.util.sizeFromShape(row.shape);
      kernels.addRows(heapAddress(heap, big), heapAddress(heap, row), heapAddress(heap, out), tf.util.sizeFromShape(big.shape) / cols, cols);
      return out;
    },
  };
}
