/**
 * MNIST-like digits fed as raw 0-255 pixels: "with normalization accuracy over
 * 85%, without it my accuracy falls to 10%". Fix: divide by 255.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { mnist } from '../data';
import { PER_CLASS } from '../healthy';

/** The MNIST MLP of the thread on pixels multiplied by `scale` (the digits come in [0, 1]). */
export function scaledPixelsSetup(scale: number): Setup {
  const { x, labels } = mnist(PER_CLASS);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return {
    model,
    data: { x: tf.tensor2d(x).mul(scale), y: tf.tensor2d(labels, [labels.length, 1]) },
    fit: { epochs: 5 },
  };
}

export const rawPixels: RealBug = {
  kind: 'real',
  id: 'raw-pixels',
  source: 'https://stats.stackexchange.com/questions/372762/why-normalize-when-all-features-are-on-the-same-scale',
  symptom: 'Fashion-MNIST tutorial without /255: accuracy falls to 10% (85% with it)',
  expected: { rootCause: 'data-unnormalized' },
  buggy: () => scaledPixelsSetup(255),
  fixed: () => scaledPixelsSetup(1),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
