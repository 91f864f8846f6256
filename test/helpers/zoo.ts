/**
 * Healthy setups of the kinds the tfjs examples build, small and on generated
 * learnable data: a batch-normalized CNN with dropout, token classifiers with
 * an Embedding and an LSTM or GRU, a GRU regression with a mean-absolute-error
 * loss, and a regression whose targets have a tiny variance.
 */
import * as tf from '@tensorflow/tfjs';

/** Deterministic uniform [0, 1) numbers (a linear congruential generator). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** conv-BN-ReLU, pool, conv-ReLU-BN, pool, dropout 0.5, dense 64, dropout 0.5, softmax 10; Adam 1e-3. */
export function batchNormDropoutCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Token ids (float32, as the examples pass them) of length 20 from a vocabulary of 50; label 1 when token 3 is planted, 0 when token 4 is. */
export function tokenData(count: number, seed = 1): { x: tf.Tensor; y: tf.Tensor } {
  const random = lcg(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    const row = Array.from({ length: 20 }, () => 5 + Math.floor(random() * 45));
    for (let k = 0; k < 4; k++) row[Math.floor(random() * 20)] = label === 1 ? 3 : 4;
    rows.push(row);
    labels.push(label);
  }
  return { x: tf.tensor2d(rows), y: tf.tensor2d(labels, [count, 1]) };
}

/** Embedding(50, 16) -> LSTM or GRU(16) -> sigmoid; Adam 1e-3, binary cross-entropy (the sentiment example, small). */
export function tokenClassifier(cell: 'lstm' | 'gru'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: 50, outputDim: 16, inputLength: 20 }));
  model.add(cell === 'lstm' ? tf.layers.lstm({ units: 16 }) : tf.layers.gru({ units: 16 }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Sequences [count, 10, 3] of an AR(1) signal, noise and a sine; target: mean of the last 3 signal values + half the last noise value. */
export function sequenceRegressionData(count: number, seed = 2): { x: tf.Tensor; y: tf.Tensor } {
  const random = lcg(seed);
  const rows: number[][][] = [];
  const targets: number[] = [];
  for (let i = 0; i < count; i++) {
    let value = 0;
    const row: number[][] = [];
    for (let t = 0; t < 10; t++) {
      value = 0.8 * value + (random() * 2 - 1);
      row.push([value, random() * 2 - 1, Math.sin(t + i)]);
    }
    rows.push(row);
    targets.push((row[9][0] + row[8][0] + row[7][0]) / 3 + 0.5 * row[9][1]);
  }
  return { x: tf.tensor3d(rows), y: tf.tensor2d(targets, [count, 1]) };
}

/** GRU(16) -> dense 1, RMSProp 1e-3, mean absolute error (the jena-weather example, small). */
export function gruRegression(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.gru({ units: 16, inputShape: [10, 3] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.rmsprop(1e-3), loss: 'meanAbsoluteError' });
  return model;
}
