/**
 * Word vectors (300 -> 300) mapped by a linear model with plain SGD: "training
 * does not appear to be occurring"; the maintainer saw the loss fall very
 * little and suggested a much larger learning rate (tf.train.sgd(1)).
 * Small: 30-dimensional vectors of GloVe-like scale (std 0.3).
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import type { RealBug, Setup } from '../base';
import { normal } from '../data';

function setup(learningRate: number): Setup {
  const gauss = normal(seededRandom(21));
  const dim = 30;
  const rows = 400;
  const w = Array.from({ length: dim }, () => Array.from({ length: dim }, () => gauss() / Math.sqrt(dim)));
  const x = Array.from({ length: rows }, () => Array.from({ length: dim }, () => 0.3 * gauss()));
  const y = x.map((r) => w[0].map((_, j) => r.reduce((s, v, i) => s + v * w[i][j], 0) / 0.3));
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [dim], units: dim }));
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'meanSquaredError' });
  return { model, data: { x: tf.tensor2d(x), y: tf.tensor2d(y) }, fit: { epochs: 20 } };
}

export const sgdLrTooLow: RealBug = {
  kind: 'real',
  id: 'sgd-lr-too-low',
  source: 'https://github.com/tensorflow/tfjs/issues/259',
  symptom: 'tfjs linear model on word vectors with SGD: training does not appear to occur, loss barely moves',
  expected: { rootCause: 'lr-too-low' },
  buggy: () => setup(0.001),
  fixed: () => setup(1),
  trainsTo: { metric: 'loss', threshold: 0.2 },
};
