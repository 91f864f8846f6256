/**
 * A high learning rate with SGD turns the loss into NaN/inf; "when I decrease
 * the learning rate, it is of less probability to happen". Small: the
 * housing-like regression MLP with SGD at 0.5 instead of 0.01.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { housingTensors } from '../healthy';

function setup(learningRate: number): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [12], units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'meanSquaredError' });
  return { model, data: housingTensors(), fit: { epochs: 30 } };
}

export const sgdLrTooHigh: RealBug = {
  kind: 'real',
  id: 'sgd-lr-too-high',
  source: 'https://github.com/tensorflow/tensorflow/issues/38796',
  symptom: 'tf.keras SGD with a high learning rate: loss becomes nan or inf',
  expected: { rootCause: 'lr-too-high' },
  buggy: () => setup(0.5),
  fixed: () => setup(0.01),
  trainsTo: { metric: 'loss', threshold: 25 },
};
