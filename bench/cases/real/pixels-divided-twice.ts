/**
 * "The input image batch was being divided by 255 twice before being fed to
 * the model": pixels already scaled to [0, 1] by the input pipeline get / 255
 * again, so every value lies in [0, 1/255]. On MNIST an MLP stays near chance
 * for epochs (loss 2.18 after 5 epochs against 0.26). Fix: scale once.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { mnist } from '../data';
import { PER_CLASS } from '../healthy';

function setup(divisions: number): Setup {
  const { x, labels } = mnist(PER_CLASS);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  // mnist() already gives pixels / 255; each further division is the pipeline's second one.
  return {
    model,
    data: { x: tf.tensor2d(x).div(Math.pow(255, divisions)), y: tf.tensor2d(labels, [labels.length, 1]) },
    fit: { epochs: 5 },
  };
}

export const pixelsDividedTwice: RealBug = {
  kind: 'real',
  id: 'pixels-divided-twice',
  source: 'https://github.com/pkmital/pycadl/pull/5',
  symptom: 'TensorFlow DRAW input pipeline: the image batch was divided by 255 twice before being fed to the model',
  expected: { rootCause: 'data-unnormalized' },
  buggy: () => setup(1),
  fixed: () => setup(0),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
