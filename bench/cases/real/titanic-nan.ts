/**
 * tfjs (disco): training on the Titanic table gives a NaN loss at every epoch
 * and NaN predictions, after a refactor dropped the tabular preprocessing
 * (missing ages left as NaN). Fix: restore the preprocessing (impute, scale).
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { oneHot, titanic } from '../data';

function setup(rows: 'raw' | 'preprocessed'): Setup {
  const table = titanic(600);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [6], units: 16, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return {
    model,
    data: { x: tf.tensor2d(rows === 'raw' ? table.raw : table.clean), y: tf.tensor2d(oneHot(table.survived, 2)) },
    fit: { epochs: 30 },
  };
}

export const titanicNan: RealBug = {
  kind: 'real',
  id: 'titanic-nan',
  source: 'https://github.com/epfml/disco/issues/615',
  symptom: 'tfjs training on Titanic: loss NaN at every epoch, predictions all NaN',
  expected: { rootCause: 'data-nonfinite' },
  buggy: () => setup('raw'),
  fixed: () => setup('preprocessed'),
  trainsTo: { metric: 'acc', threshold: 0.8 },
};
