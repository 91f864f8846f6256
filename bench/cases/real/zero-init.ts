/**
 * Dense layers with kernel_initializer='zeros' (and zero biases): every hidden
 * unit computes the same thing and gets the same gradient, so the symmetry is
 * never broken and the ReLU layer passes nothing. Fix: the default Glorot init.
 * Small: the 4-class, 2-feature set of the course lab.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import type { RealBug, Setup } from '../base';
import { normal } from '../data';

function setup(init: 'zeros' | 'glorotUniform'): Setup {
  const gauss = normal(seededRandom(16));
  const centres = [[-1, -1], [1, -1], [-1, 1], [1, 1]];
  const labels = Array.from({ length: 400 }, (_, i) => i % 4);
  const x = labels.map((c) => centres[c].map((m) => m + 0.35 * gauss()));
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [2], units: 8, activation: 'relu', kernelInitializer: init }));
  model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return { model, data: { x: tf.tensor2d(x), y: tf.tensor2d(labels, [labels.length, 1]) }, fit: { epochs: 30 } };
}

export const zeroInit: RealBug = {
  kind: 'real',
  id: 'zero-init',
  source: 'https://community.deeplearning.ai/t/how-is-training-finding-different-weights-for-relu-units-that-are-all-initialized-to-0/587380',
  symptom: "Keras Dense(relu) + Dense with kernel_initializer='zeros': units cannot break symmetry, ReLU layer stays at 0",
  expected: { rootCause: 'init-scale-off' },
  buggy: () => setup('zeros'),
  fixed: () => setup('glorotUniform'),
  trainsTo: { metric: 'acc', threshold: 0.9 },
};
