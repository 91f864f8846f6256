/**
 * Five classes stored in order, the last 20% kept for validation: "splitting
 * 20% of data for validation takes the last 20% of the data which is in this
 * case the whole class 5" -> zero validation accuracy. Fix: shuffle before
 * splitting. Small: MNIST digits 0-4, split by hand as Keras does.
 */
import * as tf from '@tensorflow/tfjs';
import { PLANNED_IDS, type RealBug, type Setup } from '../base';
import { mnist, oneHot, shuffle, sortByLabel, type Arrays } from '../data';

function xy(data: Arrays): { x: tf.Tensor; y: tf.Tensor } {
  return { x: tf.tensor2d(data.x), y: tf.tensor2d(oneHot(data.labels, 5)) };
}

function setup(order: 'sorted' | 'shuffled'): Setup {
  const all = mnist(100);
  const keep = all.labels.map((l, i) => ({ l, i })).filter(({ l }) => l < 5).map(({ i }) => i);
  const fiveClasses = sortByLabel({ x: keep.map((i) => all.x[i]), labels: keep.map((i) => all.labels[i]) });
  const data = order === 'sorted' ? fiveClasses : shuffle(fiveClasses, 6);
  const cut = Math.floor(data.x.length * 0.8);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 5, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return {
    model,
    data: xy({ x: data.x.slice(0, cut), labels: data.labels.slice(0, cut) }),
    options: { validation: xy({ x: data.x.slice(cut), labels: data.labels.slice(cut) }) },
    fit: { epochs: 10 },
  };
}

export const validationTailClass: RealBug = {
  kind: 'real',
  id: 'validation-tail-class',
  source: 'https://github.com/keras-team/keras/issues/8346',
  symptom: 'Keras VGG-like on 5 classes: validation is the whole last class, validation accuracy 0',
  expected: { rootCause: PLANNED_IDS.splitClasses },
  buggy: () => setup('sorted'),
  fixed: () => setup('shuffled'),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
