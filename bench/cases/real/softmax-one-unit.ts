/**
 * A binary classifier ending in Dense(1) + softmax with binary cross-entropy:
 * softmax over one unit is always 1, so the model "always predicts 1"
 * (confusion matrix [[0 362] [0 608]]). Fix: sigmoid on the single unit.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { binaryTensors } from '../healthy';

function setup(activation: 'softmax' | 'sigmoid'): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [10], units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, activation }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return { model, data: binaryTensors(), fit: { epochs: 20 } };
}

export const softmaxOneUnit: RealBug = {
  kind: 'real',
  id: 'softmax-one-unit',
  source: 'https://geek-tips.imtqy.com/articles/557592/index.html',
  symptom: 'Keras binary CNN with Dense(1) + softmax always predicts 1',
  expected: { rootCause: 'loss-output-mismatch' },
  buggy: () => setup('softmax'),
  fixed: () => setup('sigmoid'),
  trainsTo: { metric: 'acc', threshold: 0.9 },
};
