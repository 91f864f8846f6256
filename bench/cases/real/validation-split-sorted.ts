/**
 * tfjs model.fit with shuffle: true and validationSplit: 0.2 on MNIST arrays
 * grouped by digit: validation accuracy stays near 0. validationSplit takes
 * the last 20% before shuffling, so validation holds digits training never
 * sees. Fix: shuffle the arrays first (tf.util.shuffleCombo).
 */
import * as tf from '@tensorflow/tfjs';
import { PLANNED_IDS, type RealBug, type Setup } from '../base';
import { mnist, oneHot, shuffle, sortByLabel } from '../data';
import { PER_CLASS } from '../healthy';

function setup(order: 'sorted' | 'shuffled'): Setup {
  const digits = sortByLabel(mnist(PER_CLASS));
  const data = order === 'sorted' ? digits : shuffle(digits, 5);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return {
    model,
    data: { x: tf.tensor2d(data.x), y: tf.tensor2d(oneHot(data.labels, 10)) },
    fit: { epochs: 10, validationSplit: 0.2 },
  };
}

export const validationSplitSorted: RealBug = {
  kind: 'real',
  id: 'validation-split-sorted',
  source: 'https://github.com/tensorflow/tfjs/issues/5976',
  symptom: 'tfjs MNIST MLP with validationSplit 0.2 on class-grouped arrays: validation accuracy close to 0',
  expected: { rootCause: PLANNED_IDS.splitClasses },
  buggy: () => setup('sorted'),
  fixed: () => setup('shuffled'),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
