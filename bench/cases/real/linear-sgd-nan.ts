/**
 * tfjs 0.9: a one-unit linear model, MSE, 'sgd', xs 1..24, ys = x + 2:
 * "Tensorflow js returns NAN". Raw inputs up to 24 make plain SGD at its
 * default rate diverge. Fix: normalize the input (or lower the rate).
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import type { RealBug, Setup } from '../base';

function setup(inputs: 'raw' | 'normalized'): Setup {
  const random = seededRandom(12);
  const xs = Array.from({ length: 240 }, () => 1 + Math.floor(random() * 24));
  const feature = inputs === 'raw' ? xs : xs.map((v) => (v - 12.5) / 6.9);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
  model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
  return {
    model,
    data: { x: tf.tensor2d(feature, [xs.length, 1]), y: tf.tensor2d(xs.map((v) => v + 2), [xs.length, 1]) },
    fit: { epochs: 30 },
  };
}

export const linearSgdNan: RealBug = {
  kind: 'real',
  id: 'linear-sgd-nan',
  source: 'https://github.com/tensorflow/tensorflow/issues/18493',
  symptom: 'tfjs linear regression of y = x + 2 on x = 1..24 with sgd: predictions are NaN',
  expected: { rootCause: 'data-unnormalized' },
  buggy: () => setup('raw'),
  fixed: () => setup('normalized'),
  trainsTo: { metric: 'loss', threshold: 1 },
};
