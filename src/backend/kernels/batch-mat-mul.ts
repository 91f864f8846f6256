/**
 * BatchMatMul for wasm that always reaches XNNPACK.
 *
 * tfjs-backend-wasm 4.22 sends a matmul to XNNPACK only when neither side is
 * transposed and both batches are 1; anything else runs a scalar triple loop,
 * 20 to 40x slower. Every gradient of a dense layer is a transposed matmul
 * (dW = xᵀ·dy, dx = dy·Wᵀ), so that loop was most of an MLP's training step.
 * Here the transposes are done first by the (fast) wasm Transpose, and a
 * batch of `a` against a single `b` becomes one tall matmul. Other batched
 * cases go to the original kernel. A product whose right side is much wider
 * than its left packs the left side instead (PACK_A).
 */
import * as tf from '@tensorflow/tfjs';
import { input } from './attrs';
import { runComposed } from './wasm-ops';

const KERNEL = 'BatchMatMul';

/**
 * XNNPACK packs the right-hand side of every product anew (its operator cache
 * is keyed by tensor, and training makes new tensors each step); packing a
 * [K, N] matrix much wider than the left side is dearer than transposing both
 * sides and the result (a 784x256 layer at batch 64: 3.0 against 2.4 ms CPU;
 * at batch 16 with 512 units: 3.8 against 1.3).
 */
const PACK_A = { widerThan: 4, minElements: 65536 };

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
      if (batchOf(b.shape) !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
        return run({ inputs, backend, attrs });
      }
      const left = swapLast(a.shape);
      const right = swapLast(b.shape);
      const m = left.batch * (transposeA ? left.cols : left.rows);
      const k = transposeA ? left.rows : left.cols;
      const n = transposeB ? right.rows : right.cols;
      const packAInstead = n >= PACK_A.widerThan * m && k * n >= PACK_A.minElements;
      if (!transposeA && !transposeB && left.batch === 1 && !packAInstead) return run({ inputs, backend, attrs });
      const outShape = [...tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m / left.batch, n];
      return runComposed(backend, original.backendName, (ops) => {
        const a3 = ops.reshape(a, [left.batch, left.rows, left.cols]);
        const rowsA = transposeA ? ops.transpose(a3, [0, 2, 1]) : a3;
        const b2 = ops.reshape(b, [1, right.rows, right.cols]);
        const tall = ops.reshape(rowsA, [1, m, k]);
        if (packAInstead) {
          // (a·b)ᵀ = bᵀ·aᵀ: XNNPACK packs aᵀ, the smaller side.
          const rowsB = transposeB ? b2 : ops.transpose(b2, [0, 2, 1]);
          const product = ops.matMul(rowsB, ops.transpose(tall, [0, 2, 1]));
          return ops.reshape(ops.transpose(product, [0, 2, 1]), outShape);
        }
        const colsB = transposeB ? ops.transpose(b2, [0, 2, 1]) : b2;
        return ops.reshape(ops.matMul(tall, colsB), outShape);
      });
    },
  };
}
