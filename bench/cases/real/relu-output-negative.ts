/**
 * y = 2x - 1 learned by Dense(4, relu) -> Dense(2, relu) -> Dense(1, relu):
 * "most of the time the loss values do not change" (6-7 runs of 10). A ReLU
 * output cannot produce the negative targets. Fix: a linear output layer.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import { PLANNED_IDS, type RealBug, type Setup } from '../base';

function setup(outputActivation: 'relu' | 'linear'): Setup {
  const random = seededRandom(5);
  const xs = Array.from({ length: 200 }, () => -1 + 6 * random());
  const input = tf.input({ shape: [1] });
  const h1 = tf.layers.dense({ units: 4, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const h2 = tf.layers.dense({ units: 2, activation: 'relu' }).apply(h1) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: outputActivation }).apply(h2) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  return {
    model,
    data: { x: tf.tensor2d(xs, [xs.length, 1]), y: tf.tensor2d(xs.map((v) => 2 * v - 1), [xs.length, 1]) },
    fit: { epochs: 60 },
  };
}

export const reluOutputNegative: RealBug = {
  kind: 'real',
  id: 'relu-output-negative',
  source: 'https://community.deeplearning.ai/t/loss-values-do-not-change/324182',
  symptom: 'Keras y = 2x - 1 with a ReLU output unit: the loss does not change in most runs',
  expected: { rootCause: PLANNED_IDS.outputRange },
  buggy: () => setup('relu'),
  fixed: () => setup('linear'),
  trainsTo: { metric: 'loss', threshold: 0.5 },
};
