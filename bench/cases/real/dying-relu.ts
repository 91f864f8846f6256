/**
 * A Keras ReLU regression whose "prediction becomes near constant" during
 * training: the ReLU units died (their input went negative for every sample).
 * Here a learning rate large enough to push them there in the first steps.
 * Fix: a smaller learning rate (or leaky ReLU, as the answers suggest).
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { housingTensors } from '../healthy';

function setup(learningRate: number): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [12], units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  return { model, data: housingTensors(), fit: { epochs: 30 } };
}

export const dyingRelu: RealBug = {
  kind: 'real',
  id: 'dying-relu',
  source: 'https://datascience.stackexchange.com/questions/18810/how-to-check-for-dead-relu-neurons',
  symptom: 'Keras ReLU regression: the prediction becomes near constant during training (dead ReLUs)',
  expected: { rootCause: 'lr-too-high', findings: ['activations-dead'] },
  buggy: () => setup(1),
  fixed: () => setup(0.01),
  trainsTo: { metric: 'loss', threshold: 25 },
};
