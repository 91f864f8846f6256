/**
 * DEEPred (protein function prediction, a multilabel DNN): the output layer
 * applies tf.sigmoid and the cost is sigmoid_cross_entropy_with_logits of that
 * output, so sigmoid is applied twice; the maintainers confirmed and removed
 * it. In TensorFlow.js: a sigmoid output trained with tf.losses.sigmoidCrossEntropy.
 * Every prediction reads as at least 0.5 and the loss cannot fall below
 * ln(1 + 1/e) per positive label and ln 2 per negative one.
 * Fix: give the loss logits (no sigmoid on the last layer).
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { TAGS, tagged } from '../zoo/norm';

/** sigmoidCrossEntropy expects logits: it applies sigmoid itself. */
function sigmoidCrossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.losses.sigmoidCrossEntropy(yTrue, yPred);
}

function setup(outputActivation: 'sigmoid' | 'linear'): Setup {
  const { x, y } = tagged(600, 5);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [TAGS.features], units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: TAGS.labels, activation: outputActivation }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: sigmoidCrossEntropy });
  return { model, data: { x: tf.tensor2d(x), y: tf.tensor2d(y) }, fit: { epochs: 30, batchSize: 32 } };
}

export const sigmoidTwice: RealBug = {
  kind: 'real',
  id: 'sigmoid-twice',
  source: 'https://github.com/cansyl/DEEPred/issues/5',
  symptom: 'multilabel DNN: sigmoid output passed to sigmoid_cross_entropy_with_logits (sigmoid applied twice)',
  expected: { rootCause: 'loss-output-mismatch' },
  buggy: () => setup('sigmoid'),
  fixed: () => setup('linear'),
  trainsTo: { metric: 'loss', threshold: 0.2 },
};
