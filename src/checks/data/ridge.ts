/**
 * Ridge regression on standardized inputs, solved exactly (normal equations,
 * Cholesky): the linear baseline of the label-relation check. It finds linear
 * links that nearest neighbours miss in many dimensions.
 */
import * as tf from '@tensorflow/tfjs';

/** Above this many features the F x F solve costs more than the check is worth; k-NN covers images. */
export const RIDGE_MAX_FEATURES = 512;
/** Penalty relative to the number of fitting rows: enough to keep the solve stable when rows < features. */
const LAMBDA_PER_ROW = 0.01;

/** Solves A w = b in place for symmetric positive definite A (n x n, row-major), columns of b at once. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number, k: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let p = 0; p < j; p++) sum -= l[i * n + p] * l[j * n + p];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * n + j];
    }
  }
  const w = new Float64Array(b);
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
 * Fits ridge regression of `targets` (rows x k) on standardized `fitX` and
 * predicts for `testX`; returns predictions as rows x k.
 */
export function ridgePredict(fitX: tf.Tensor2D, targets: number[][], testX: tf.Tensor2D): number[][] {
  const n = fitX.shape[1];
  const k = targets[0]?.length ?? 1;
  const means = Array.from({ length: k }, (_, c) => targets.reduce((s, row) => s + row[c], 0) / targets.length);
  const [gram, cross] = tf.tidy(() => {
    const y = tf.tensor2d(targets.map((row) => row.map((v, c) => v - means[c])));
    return [tf.matMul(fitX, fitX, true, false).dataSync(), tf.matMul(fitX, y, true, false).dataSync()];
  });
  const a = Float64Array.from(gram);
  const lambda = LAMBDA_PER_ROW * fitX.shape[0];
  for (let i = 0; i < n; i++) a[i * n + i] += lambda;
  const w = choleskySolve(a, Float64Array.from(cross), n, k);
  const predicted = tf.tidy(() => tf.matMul(testX, tf.tensor2d(Float32Array.from(w), [n, k])).arraySync() as number[][]);
  return predicted.map((row) => row.map((v, c) => v + means[c]));
}
