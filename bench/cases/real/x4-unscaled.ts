/**
 * Keras fails to learn y = x^4 (y = x^3 works) for x in [-100, 100]: inputs
 * of that size saturate the sigmoid layer and targets up to 1e8 are far from
 * what the initial weights can produce. Fix (the answer): scale x and y.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import type { RealBug, Setup } from '../base';

function setup(scaling: 'raw' | 'scaled'): Setup {
  const random = seededRandom(15);
  const xs = Array.from({ length: 400 }, () => -100 + 200 * random());
  const scale = scaling === 'raw' ? { x: 1, y: 1 } : { x: 100, y: 1e8 };
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [1], units: 32, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 32, activation: 'elu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  return {
    model,
    data: { x: tf.tensor2d(xs.map((v) => v / scale.x), [xs.length, 1]), y: tf.tensor2d(xs.map((v) => v ** 4 / scale.y), [xs.length, 1]) },
    fit: { epochs: 60 },
  };
}

export const x4Unscaled: RealBug = {
  kind: 'real',
  id: 'x4-unscaled',
  source: 'https://stackoverflow.com/questions/52800582/why-do-i-fail-to-predict-y-x4-with-keras-y-x3-works',
  symptom: 'Keras MLP cannot fit y = x^4 on x in [-100, 100]; the loss stays huge',
  expected: { rootCause: 'data-unnormalized' },
  buggy: () => setup('raw'),
  fixed: () => setup('scaled'),
  trainsTo: { metric: 'loss', threshold: 0.005 },
};
