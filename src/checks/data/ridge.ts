/**
 * Ridge regression on standardized inputs, solved exactly (normal equations,
 * Cholesky): the linear baseline of the label-relation check. It finds linear
 * links that nearest neighbours miss in many dimensions. The factorization
 * depends on the inputs only, so one solver answers for many target sets
 * (the observed labels and their permutations) at the cost of one.
 * Transposes are explicit: the wasm matMul with a transpose flag is far slower.
 */
import * as tf from '@tensorflow/tfjs';
import { readTidy, readTidy2D } from './read';

/** Above this many features the F x F solve costs more than the check is worth; k-NN covers images. */
export const RIDGE_MAX_FEATURES = 512;
/** Penalty relative to the number of fitting rows: enough to keep the solve stable when rows < features. */
const LAMBDA_PER_ROW = 0.01;

/** Cholesky factor L (lower, row-major) of symmetric positive definite A (n x n). */
function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let p = 0; p < j; p++) sum -= l[i * n + p] * l[j * n + p];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * n + j];
    }
  }
  return l;
}

/** Solves L L^T w = b for the k columns of b (n x k, row-major), in place. */
function choleskySolve(l: Float64Array, b: Float64Array, n: number, k: number): Float64Array {
  const w = b;
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      let sum = w[i * k + c];
      for (let p = 0; p < i; p++) sum -= l[i * n + p] * w[p * k + c];
      w[i * k + c] = sum / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = w[i * k + c];
      for (let p = i + 1; p < n; p++) sum -= l[p * n + i] * w[p * k + c];
      w[i * k + c] = sum / l[i * n + i];
    }
  }
  return w;
}

/**
 * Fits ridge regression on standardized `fitX` once; the returned function
 * takes targets (fit rows x k) and predicts them for `testX` (test rows x k).
 */
export function ridgeSolver(fitX: tf.Tensor2D, testX: tf.Tensor2D): (targets: number[][]) => number[][] {
  const n = fitX.shape[1];
  const a = Float64Array.from(readTidy(() => tf.matMul(tf.transpose(fitX), fitX)));
  const lambda = LAMBDA_PER_ROW * fitX.shape[0];
  for (let i = 0; i < n; i++) a[i * n + i] += lambda;
  const l = cholesky(a, n);
  return (targets) => {
    const k = targets[0]?.length ?? 1;
    const means = Array.from({ length: k }, (_, c) => targets.reduce((s, row) => s + row[c], 0) / targets.length);
    const cross = readTidy(() => {
      const y = tf.tensor2d(targets.map((row) => row.map((v, c) => v - means[c])), [targets.length, k]);
      return tf.matMul(tf.transpose(fitX), y);
    });
    const w = choleskySolve(l, Float64Array.from(cross), n, k);
    const predicted = readTidy2D(() => tf.matMul(testX, tf.tensor2d(Float32Array.from(w), [n, k])));
    return predicted.map((row) => row.map((v, c) => v + means[c]));
  };
}
