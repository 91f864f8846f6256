/**
 * The wasm backend's matmul rate: a 1024x1024 by 1024x1024 product, the same
 * operands every time (so XNNPACK's packed weights are reused, as its best
 * case). The yardstick the training steps are measured against.
 */
import * as tf from '@tensorflow/tfjs';

const SIZE = 1024;

/** Median GFLOP/s of `reps` products, after one warm-up. */
export function matmulPeakGflops(reps: number): number {
  const a = tf.randomNormal([SIZE, SIZE]);
  const b = tf.randomNormal([SIZE, SIZE]);
  const rates: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    const ms = performance.now() - start;
    c.dispose();
    if (i > 0) rates.push((2 * SIZE ** 3) / (ms * 1e6));
  }
  tf.dispose([a, b]);
  return median(rates);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
