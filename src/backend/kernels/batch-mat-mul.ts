/**
 * BatchMatMul for wasm that always reaches XNNPACK.
 *
 * tfjs-backend-wasm 4.22 sends a matmul to XNNPACK only when neither side is
 * transposed and both batches are 1; anything else runs a scalar triple loop,
 * 20 to 40x slower. Every gradient of a dense layer is a transposed matmul
 * (dW = xᵀ·dy, dx = dy·Wᵀ), so that loop was most of an MLP's training step.
 * Here the transposes are done first by the (fast) wasm Transpose, and a
 * batch of `a` against a single `b` becomes one tall matmul. Other batched
 * cases go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { input } from './attrs';
import { runComposed } from './wasm-ops';

const KERNEL = 'BatchMatMul';

function batchOf(shape: number[]): number {
  return shape.slice(0, -2).reduce((a, b) => a * b, 1);
}

/** The last two axes swapped, on a [batch, rows, cols] view. */
function swapLast(shape: number[]): { batch: number; rows: number; cols: number } {
  return { batch: batchOf(shape), rows: shape[shape.length - 2], cols: shape[shape.length - 1] };
}

export function fastBatchMatMul(original: tf.KernelConfig): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = input(inputs, 'a', KERNEL);
      const b = input(inputs, 'b', KERNEL);
      const transposeA = attrs?.transposeA === true;
      const transposeB = attrs?.transposeB === true;
      const plain = !transposeA && !transposeB && batchOf(a.shape) === 1;
      if (plain || batchOf(b.shape) !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
        return run({ inputs, backend, attrs });
      }
      const left = swapLast(a.shape);
      const right = swapLast(b.shape);
      const m = transposeA ? left.cols : left.rows;
      const k = transposeA ? left.rows : left.cols;
      const n = transposeB ? right.rows : right.cols;
      const outShape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
      return runComposed(backend, original.backendName, (ops) => {
        const a3 = ops.reshape(a, [left.batch, left.rows, left.cols]);
        const rowsA = transposeA ? ops.transpose(a3, [0, 2, 1]) : a3;
        const b2 = ops.reshape(b, [1, right.rows, right.cols]);
        const colsB = transposeB ? ops.transpose(b2, [0, 2, 1]) : b2;
        const tall = ops.reshape(rowsA, [1, left.batch * m, k]);
        const product = ops.matMul(tall, colsB);
        return ops.reshape(product, outShape);
      });
    },
  };
}
