/**
 * y = 10x fitted with a tanh output layer: "tensorflow is giving me a loss of
 * ~2000 to ~200000". tanh cannot go past 1. Fix: a linear output unit.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import { PLANNED_IDS, type RealBug, type Setup } from '../base';

function setup(outputActivation: 'tanh' | 'linear'): Setup {
  const random = seededRandom(9);
  const xs = Array.from({ length: 300 }, () => -2 + 4 * random());
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [1], units: 16, activation: 'tanh' }));
  model.add(tf.layers.dense({ units: 8, activation: 'tanh' }));
  model.add(tf.layers.dense({ units: 1, activation: outputActivation }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  return {
    model,
    data: { x: tf.tensor2d(xs, [xs.length, 1]), y: tf.tensor2d(xs.map((v) => 10 * v), [xs.length, 1]) },
    fit: { epochs: 60 },
  };
}

export const tanhOutputRegression: RealBug = {
  kind: 'real',
  id: 'tanh-output-regression',
  source: 'https://example-a.com/answer/77588498',
  symptom: 'Keras regression of y = 10x with a tanh output: loss stays in the thousands',
  expected: { rootCause: PLANNED_IDS.outputRange },
  buggy: () => setup('tanh'),
  fixed: () => setup('linear'),
  trainsTo: { metric: 'loss', threshold: 5 },
};
