/**
 * Faults in the data and labels, injected into healthy setups (healthy.ts):
 * real MNIST digits, the iris-like table, the housing-like regression.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../../src/context/random';
import { PLANNED_IDS, type InjectedFault } from '../base';
import { housing, iris, mnist, oneHot, shuffle, sortByLabel, type Arrays } from '../data';
import { housingModel, irisModel, irisSparseModel, IRIS_ROWS, mnistDense, PER_CLASS } from '../healthy';

function mnistXY(data: Arrays, scale = 1): { x: tf.Tensor; y: tf.Tensor } {
  return { x: tf.tensor2d(data.x).mul(scale), y: tf.tensor2d(oneHot(data.labels, 10)) };
}

export const DATA_FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'fault-mnist-raw-pixels', base: 'healthy-mnist-dense', symptom: 'pixels in 0..255 instead of 0..1',
    expected: { rootCause: 'data-unnormalized' },
    build: () => ({ model: mnistDense(), data: mnistXY(mnist(PER_CLASS), 255) }),
  },
  {
    kind: 'fault', id: 'fault-mnist-nan-pixels', base: 'healthy-mnist-dense', symptom: 'NaN in 5 pixels of 3 images',
    expected: { rootCause: 'data-nonfinite' },
    build: () => {
      const data = mnist(PER_CLASS);
      [[3, 200], [3, 201], [77, 400], [150, 10], [150, 11]].forEach(([row, col]) => (data.x[row][col] = NaN));
      return { model: mnistDense(), data: mnistXY(data) };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-shuffled-labels', base: 'healthy-mnist-dense', symptom: 'labels shuffled separately from the images',
    expected: { rootCause: 'labels-unrelated' },
    build: () => {
      const data = mnist(PER_CLASS);
      const labels = shuffle({ x: data.labels.map((l) => [l]), labels: data.labels }, 99).labels;
      return { model: mnistDense(), data: mnistXY({ x: data.x, labels }) };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-sparse-labels', base: 'healthy-mnist-dense', symptom: 'class indices given to categoricalCrossentropy',
    expected: { rootCause: 'labels-invalid' },
    build: () => {
      const { x, labels } = mnist(PER_CLASS);
      return { model: mnistDense(), data: { x: tf.tensor2d(x), y: tf.tensor2d(labels, [labels.length, 1]) } };
    },
  },
  {
    kind: 'fault', id: 'fault-iris-one-based-labels', base: 'healthy-iris-sparse', symptom: 'class indices 1..3 for 3 output units',
    expected: { rootCause: 'labels-invalid' },
    build: () => {
      const { x, labels } = iris(IRIS_ROWS);
      return { model: irisSparseModel(), data: { x: tf.tensor2d(x), y: tf.tensor2d(labels.map((l) => l + 1), [labels.length, 1]) } };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-sorted-dataset', base: 'healthy-mnist-dense', symptom: 'a tf.data dataset sorted by class, batched without shuffle',
    expected: { rootCause: 'batches-single-label' },
    build: () => {
      const sorted = sortByLabel(mnist(100));
      const xs = tf.data.array(sorted.x.map((r) => tf.tensor1d(r)));
      const ys = tf.data.array(oneHot(sorted.labels, 10).map((r) => tf.tensor1d(r)));
      return { model: mnistDense(), data: tf.data.zip({ xs, ys }).batch(32) };
    },
  },
  {
    kind: 'fault', id: 'fault-housing-raw-features', base: 'healthy-boston-housing', symptom: 'features at raw scales (tax ~400, nox ~0.5)',
    expected: { rootCause: 'data-unnormalized' },
    build: () => {
      const { raw, prices } = housing(400);
      return { model: housingModel(), data: { x: tf.tensor2d(raw), y: tf.tensor2d(prices, [prices.length, 1]) } };
    },
  },
  {
    kind: 'fault', id: 'fault-iris-constant-feature', base: 'healthy-iris', symptom: 'one column filled with a constant (a join gone wrong)',
    expected: { rootCause: 'data-constant-feature' },
    build: () => {
      const { x, labels } = iris(IRIS_ROWS);
      return { model: irisModel(), data: { x: tf.tensor2d(x.map((r) => [r[0], r[1], 1.5, r[3]])), y: tf.tensor2d(oneHot(labels, 3)) } };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-validation-leak', base: 'healthy-mnist-dense', symptom: 'validation set copied from the training set',
    expected: { rootCause: 'split-leakage' },
    build: () => {
      const train = mnist(PER_CLASS);
      const validation = { x: train.x.slice(0, 100), labels: train.labels.slice(0, 100) };
      return { model: mnistDense(), data: mnistXY(train), options: { validation: mnistXY(validation) } };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-validation-unscaled', base: 'healthy-mnist-dense', symptom: 'training pixels /255, validation pixels left raw',
    expected: { rootCause: 'split-shift' },
    build: () => ({ model: mnistDense(), data: mnistXY(mnist(PER_CLASS)), options: { validation: mnistXY(mnist(10, PER_CLASS), 255) } }),
  },
  {
    kind: 'fault', id: 'fault-mnist-imbalanced', base: 'healthy-mnist-dense', symptom: 'about 80% of the samples are zeros',
    expected: { rootCause: 'labels-imbalanced' },
    build: () => {
      const zeros = mnist(100);
      const keep = zeros.labels.map((l, i) => ({ l, i })).filter(({ l }, k) => l === 0 || k % 45 === 1).map(({ i }) => i);
      return { model: mnistDense(), data: mnistXY({ x: keep.map((i) => zeros.x[i]), labels: keep.map((i) => zeros.labels[i]) }) };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-validation-new-classes', base: 'healthy-mnist-dense', symptom: 'validation holds digits 8 and 9, training never does',
    expected: { rootCause: PLANNED_IDS.splitClasses },
    build: () => {
      const all = sortByLabel(mnist(PER_CLASS));
      const cut = all.labels.indexOf(8);
      const train = { x: all.x.slice(0, cut), labels: all.labels.slice(0, cut) };
      const rest = shuffle({ x: all.x.slice(cut), labels: all.labels.slice(cut) }, 3);
      return { model: mnistDense(), data: mnistXY(shuffle(train, 4)), options: { validation: mnistXY(rest) } };
    },
  },
  {
    kind: 'fault', id: 'fault-housing-noise-targets', base: 'healthy-boston-housing', symptom: 'prices replaced by noise of the same scale (a column mix-up)',
    expected: { rootCause: 'labels-unrelated' },
    build: () => {
      const { standardized, prices } = housing(400);
      const random = seededRandom(31);
      const noise = prices.map(() => 5 + 45 * random());
      return { model: housingModel(), data: { x: tf.tensor2d(standardized), y: tf.tensor2d(noise, [noise.length, 1]) } };
    },
  },
];
