/**
 * Binary vectors mapped to real values by a deep stack of sigmoid layers: "the
 * network appears to be unable to learn, and has high loss even on the
 * training data"; the answer: vanishing gradients through the sigmoids. Fix:
 * ReLU hidden layers. Small: 8 sigmoid layers of 32 instead of 4 of 500.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import type { RealBug, Setup } from '../base';

function setup(hidden: 'sigmoid' | 'relu'): Setup {
  const random = seededRandom(14);
  const weights = Array.from({ length: 24 }, () => random() * 2 - 1);
  const x: number[][] = Array.from({ length: 400 }, () => Array.from({ length: 24 }, () => (random() < 0.5 ? 1 : 0)));
  const raw = x.map((r) => r.reduce((s, v, i) => s + v * weights[i], 0));
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  const std = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / raw.length);
  const model = tf.sequential();
  const depth = hidden === 'sigmoid' ? 8 : 4;
  for (let i = 0; i < depth; i++) {
    model.add(tf.layers.dense({ units: 32, activation: hidden, ...(hidden === 'relu' ? { kernelInitializer: 'heNormal' } : {}), ...(i === 0 ? { inputShape: [24] } : {}) }));
  }
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  return { model, data: { x: tf.tensor2d(x), y: tf.tensor2d(raw.map((v) => (v - mean) / std), [raw.length, 1]) }, fit: { epochs: 30 } };
}

export const deepSigmoid: RealBug = {
  kind: 'real',
  id: 'deep-sigmoid',
  source: 'https://ai.stackexchange.com/questions/16557/what-could-be-the-problem-when-a-neural-network-with-four-hidden-layers-with-the',
  symptom: 'TensorFlow deep sigmoid MLP: unable to learn, high loss even on the training data',
  expected: { rootCause: 'gradients-vanishing' },
  buggy: () => setup('sigmoid'),
  fixed: () => setup('relu'),
  trainsTo: { metric: 'loss', threshold: 0.3 },
};
