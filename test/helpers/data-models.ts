/**
 * Fixtures for the data-trust tests: standardized MNIST (flat and as images),
 * a small CNN, token sequences for an embedding model, next-character text,
 * and regression targets at any scale. Every fixture is seeded.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../src/context/random';
import { gaussian, mnistArrays, regressionArrays, type Arrays } from './models';

/** MNIST pixels standardized with one global mean and std (what most tutorials do): border pixels stay constant. */
export function standardizedMnist(perClass: number): Arrays {
  const { x, labels } = mnistArrays(perClass);
  const flat = x.flat();
  const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
  const std = Math.sqrt(flat.reduce((a, b) => a + (b - mean) ** 2, 0) / flat.length);
  return { x: x.map((row) => row.map((v) => (v - mean) / std)), labels };
}

/** MNIST standardized per pixel (each column to mean 0, std 1; constant pixels to 0). */
export function perPixelStandardizedMnist(perClass: number): Arrays {
  const { x, labels } = mnistArrays(perClass);
  const mean = new Array<number>(784).fill(0);
  const sq = new Array<number>(784).fill(0);
  x.forEach((row) => row.forEach((v, j) => { mean[j] += v / x.length; }));
  x.forEach((row) => row.forEach((v, j) => { sq[j] += (v - mean[j]) ** 2 / x.length; }));
  return { x: x.map((row) => row.map((v, j) => (sq[j] > 0 ? (v - mean[j]) / Math.sqrt(sq[j]) : 0))), labels };
}

/** The small CNN of the tfjs MNIST example at tiny size: conv 3x3x8, maxpool, flatten, dense 10 softmax. */
export function mnistCnn(seed = 1): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Regression rows (standardized features) with targets y * scale + offset and extra noise of `noise` std (before scaling). */
export function scaledRegression(rows: number, scale: number, offset = 0, noise = 0, seed = 11): Arrays {
  const { x, labels } = regressionArrays(rows, 5, seed);
  const normal = gaussian(seededRandom(seed + 1));
  return { x, labels: labels.map((v) => (v + noise * normal()) * scale + offset) };
}

/**
 * Sentiment-like token sequences as the tfjs examples pass them (float ids, 0 = padding):
 * 40 positions, vocabulary 200; the label is 1 when "positive" ids (10..29)
 * outnumber "negative" ones (30..49).
 */
export function tokenReviews(rows: number, seed = 4): Arrays {
  const random = seededRandom(seed);
  const x: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    const length = 10 + Math.floor(random() * 30);
    const row = new Array<number>(40).fill(0);
    let score = 0;
    for (let t = 0; t < length; t++) {
      const id = 1 + Math.floor(random() * 199);
      row[t] = id;
      if (id >= 10 && id < 30) score++;
      if (id >= 30 && id < 50) score--;
    }
    x.push(row);
    labels.push(score > 0 ? 1 : score < 0 ? 0 : Math.round(random()));
  }
  return { x, labels };
}

/** Embedding -> average pooling -> sigmoid: the sentiment example at tiny size. */
export function sentimentModel(seed = 2): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.embedding({ inputDim: 200, outputDim: 8, inputLength: 40, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) }),
    tf.layers.globalAveragePooling1d(),
    tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** English-like text: words drawn with Zipf frequencies from a fixed list, joined by spaces. */
const WORDS = ['the', 'of', 'and', 'to', 'in', 'a', 'is', 'that', 'for', 'it', 'as', 'was', 'with', 'be', 'by', 'on', 'not', 'he', 'this', 'are',
  'or', 'his', 'from', 'at', 'which', 'but', 'have', 'an', 'had', 'they', 'you', 'were', 'their', 'one', 'all', 'we', 'can', 'her', 'has', 'there',
  'been', 'if', 'more', 'when', 'will', 'would', 'who', 'so', 'no', 'quiet', 'jazz', 'box', 'vex', 'zoo', 'quick', 'fjord', 'waltz'];

/**
 * Next-character windows over Zipf-distributed English words, as the tfjs
 * text-generation (LSTM) example builds them: x [n, window, charset] one-hot,
 * y [n, charset] one-hot of the character that follows.
 */
export function nextCharacterData(rows: number, window = 10, seed = 6): { x: number[][][]; y: number[][]; charset: string[] } {
  const random = seededRandom(seed);
  const weights = WORDS.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const word = (): string => {
    let u = random() * total;
    for (let i = 0; i < WORDS.length; i++) if ((u -= weights[i]) <= 0) return WORDS[i];
    return WORDS[0];
  };
  let text = '';
  while (text.length < rows + window + 1) text += `${word()} `;
  const charset = [...new Set(text)].sort();
  const hot = (c: string): number[] => charset.map((k) => (k === c ? 1 : 0));
  const x = Array.from({ length: rows }, (_, i) => Array.from(text.slice(i, i + window), hot));
  const y = Array.from({ length: rows }, (_, i) => hot(text[i + window]));
  return { x, y, charset };
}

/** LSTM over one-hot characters -> softmax over the charset (the text-generation example at tiny size). */
export function charModel(window: number, charset: number, seed = 3): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.lstm({ inputShape: [window, charset], units: 16, kernelInitializer: tf.initializers.glorotUniform({ seed }), recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1, gain: 1 }) }),
    tf.layers.dense({ units: charset, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
  ] });
  model.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

/** Characters of the addition example: digits, '+', and the padding space. */
const ADDITION_CHARS = '0123456789+ ';

/**
 * The tfjs addition-rnn example at small size: "a+b" questions (a, b < 100)
 * padded to 5 characters, one-hot [n, 5, 12]; answers padded to 3 characters,
 * one-hot per timestep [n, 3, 12] (or class indices [n, 3] when `sparse`).
 */
export function additionData(rows: number, sparse = false, seed = 5): { x: number[][][]; y: number[][][] | number[][] } {
  const random = seededRandom(seed);
  const hot = (c: string): number[] => Array.from(ADDITION_CHARS, (k) => (k === c ? 1 : 0));
  const x: number[][][] = [];
  const y: number[][][] = [];
  const ids: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const a = Math.floor(random() * 100);
    const b = Math.floor(random() * 100);
    const question = `${a}+${b}`.padEnd(5, ' ');
    const answer = String(a + b).padEnd(3, ' ');
    x.push(Array.from(question, hot));
    y.push(Array.from(answer, hot));
    ids.push(Array.from(answer, (c) => ADDITION_CHARS.indexOf(c)));
  }
  return { x, y: sparse ? ids : y };
}

/** Encoder LSTM -> repeatVector(3) -> decoder LSTM (returnSequences) -> timeDistributed softmax over 12 characters. */
export function additionModel(sparse = false, seed = 7): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.lstm({ inputShape: [5, 12], units: 16, kernelInitializer: tf.initializers.glorotUniform({ seed }), recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1, gain: 1 }) }),
    tf.layers.repeatVector({ n: 3 }),
    tf.layers.lstm({ units: 16, returnSequences: true, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }), recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 3, gain: 1 }) }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 12, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 4 }) }) }),
  ] });
  model.compile({ optimizer: 'adam', loss: sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
