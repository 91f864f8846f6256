/**
 * MNIST labels left as class indices with categorical cross-entropy: "removing
 * the to_categorical transformation resolves the shape errors but the model
 * does not learn properly anymore". Fix: one-hot labels (or the sparse loss).
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { mnist, oneHot } from '../data';
import { PER_CLASS } from '../healthy';

function setup(labelsAs: 'indices' | 'one-hot'): Setup {
  const { x, labels } = mnist(PER_CLASS);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const y = labelsAs === 'indices' ? tf.tensor2d(labels, [labels.length, 1]) : tf.tensor2d(oneHot(labels, 10));
  return { model, data: { x: tf.tensor2d(x), y }, fit: { epochs: 10 } };
}

export const sparseLabelsCategorical: RealBug = {
  kind: 'real',
  id: 'sparse-labels-categorical',
  source: 'https://github.com/tensorflow/tensorflow/issues/28441',
  symptom: 'integer MNIST labels with CategoricalCrossentropy: no shape error, but the model does not learn',
  expected: { rootCause: 'labels-invalid' },
  buggy: () => setup('indices'),
  fixed: () => setup('one-hot'),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
