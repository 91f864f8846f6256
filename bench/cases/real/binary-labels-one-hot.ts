/**
 * Keras binary image classifier (Dense(1, sigmoid), binary_crossentropy) fed by
 * flow_from_directory's default class_mode='categorical': labels arrive one-hot
 * [n, 2] for a 1-unit output, "training and validation accuracy always
 * converges to 0.5". Fix: class_mode='binary' (labels [n, 1] of 0/1).
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { binary, oneHot } from '../data';

function setup(labelsAs: 'one-hot' | 'binary'): Setup {
  const { x, labels } = binary(400);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [10], units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const y = labelsAs === 'one-hot' ? tf.tensor2d(oneHot(labels, 2)) : tf.tensor2d(labels, [labels.length, 1]);
  return { model, data: { x: tf.tensor2d(x), y }, fit: { epochs: 20 } };
}

export const binaryLabelsOneHot: RealBug = {
  kind: 'real',
  id: 'binary-labels-one-hot',
  source: 'https://github.com/keras-team/keras/issues/13006',
  symptom: "Keras sigmoid binary classifier with class_mode='categorical' labels: accuracy always converges to 0.5",
  expected: { rootCause: 'labels-invalid' },
  buggy: () => setup('one-hot'),
  fixed: () => setup('binary'),
  trainsTo: { metric: 'acc', threshold: 0.9 },
};
