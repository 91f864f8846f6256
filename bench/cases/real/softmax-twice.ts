/**
 * deeplearn.js (tfjs-core) MNIST: "y_pre = softmax(logits)" fed to
 * losses.softmaxCrossEntropy, which applies softmax again; "the cost don't
 * decrease" (it cannot fall below ln(1 + 9/e) = 1.46, and learns slower).
 * Fix: give the loss logits (no softmax on the last layer).
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { mnist, oneHot } from '../data';
import { PER_CLASS } from '../healthy';

/** softmaxCrossEntropy expects logits: it applies softmax itself. */
function softmaxCrossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.losses.softmaxCrossEntropy(yTrue, yPred);
}

function setup(outputActivation: 'softmax' | 'linear'): Setup {
  const { x, labels } = mnist(PER_CLASS);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: outputActivation }));
  model.compile({ optimizer: 'adam', loss: softmaxCrossEntropy, metrics: ['accuracy'] });
  return { model, data: { x: tf.tensor2d(x), y: tf.tensor2d(oneHot(labels, 10)) }, fit: { epochs: 5 } };
}

export const softmaxTwice: RealBug = {
  kind: 'real',
  id: 'softmax-twice',
  source: 'https://github.com/tensorflow/tfjs-core/issues/879',
  symptom: 'deeplearn.js MNIST: softmax output passed to losses.softmaxCrossEntropy (softmax applied twice); the cost does not decrease',
  expected: { rootCause: 'loss-output-mismatch' },
  buggy: () => setup('softmax'),
  fixed: () => setup('linear'),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
