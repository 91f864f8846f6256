/**
 * Ten classes with a sigmoid output and binary_crossentropy: Keras reports 90%
 * accuracy, the real (argmax) accuracy is 11%, "exactly reverse". Each output
 * is judged alone, so predicting 0 everywhere scores 90%. Fix: softmax with
 * categorical cross-entropy.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { mnistTensors } from '../healthy';

function setup(head: 'sigmoid-bce' | 'softmax-cce'): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 60, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 50, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: head === 'sigmoid-bce' ? 'sigmoid' : 'softmax' }));
  model.compile({ optimizer: 'adam', loss: head === 'sigmoid-bce' ? 'binaryCrossentropy' : 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, data: mnistTensors(), fit: { epochs: 10 } };
}

export const sigmoidBceMulticlass: RealBug = {
  kind: 'real',
  id: 'sigmoid-bce-multiclass',
  source: 'https://codewithsundeep.com/discussion/solution/56417418',
  symptom: 'Keras 10-class sigmoid + binary_crossentropy: reported accuracy 90%, real accuracy 11%',
  expected: { rootCause: 'loss-output-mismatch' },
  buggy: () => setup('sigmoid-bce'),
  fixed: () => setup('softmax-cce'),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
