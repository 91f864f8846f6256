/**
 * Ten-class MNIST trained with softmax + binary cross-entropy: Keras reports a
 * 99.8% "accuracy" that is really binary accuracy over 10 outputs; the true
 * categorical accuracy is lower. Fix: categorical cross-entropy.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { mnistTensors } from '../healthy';

function setup(loss: 'binaryCrossentropy' | 'categoricalCrossentropy'): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
  return { model, data: mnistTensors(), fit: { epochs: 10 } };
}

export const binaryCrossentropyMulticlass: RealBug = {
  kind: 'real',
  id: 'binary-crossentropy-multiclass',
  source: 'https://newbe.dev/why-is-binary-crossentropy-more-accurate-than-categorical-crossentropy-for-multiclass-classification-in-keras',
  symptom: 'MNIST with softmax + binary_crossentropy: reported accuracy 0.998, real accuracy lower',
  expected: { rootCause: 'loss-output-mismatch' },
  buggy: () => setup('binaryCrossentropy'),
  fixed: () => setup('categoricalCrossentropy'),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
