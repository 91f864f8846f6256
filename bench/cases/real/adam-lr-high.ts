/**
 * MNIST 128-64-32 ReLU MLP with Adam at 0.1: accuracy drops from 0.51 to 0.33
 * over the epochs as ReLU layers die. Fix: Adam's default 0.001.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { mnistTensors } from '../healthy';

function setup(learningRate: number): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, data: mnistTensors(), fit: { epochs: 10 } };
}

export const adamLrHigh: RealBug = {
  kind: 'real',
  id: 'adam-lr-high',
  source: 'https://github.com/Ayush-dhabale/Deeplearning',
  symptom: 'Keras MNIST MLP with Adam(learning_rate=0.1): accuracy falls from 0.51 to 0.33 (dying ReLU)',
  expected: { rootCause: 'lr-too-high' },
  buggy: () => setup(0.1),
  fixed: () => setup(0.001),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
