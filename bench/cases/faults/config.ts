/**
 * Faults in the loss and the model configuration, injected into healthy
 * setups: wrong loss for the output, an output that cannot reach the targets,
 * frozen layers, a penalty that dominates, a loss that mixes samples.
 */
import * as tf from '@tensorflow/tfjs';
import { PLANNED_IDS, type InjectedFault } from '../base';
import { housing } from '../data';
import { binaryTensors, HOUSING_ROWS, housingTensors, mnistDense, mnistTensors } from '../healthy';

/** The housing MLP (12-50-50-1) with another output activation or loss. */
function housingMlp(outputActivation: 'sigmoid' | 'relu' | 'linear', loss: string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) = 'meanSquaredError'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [12], units: 50, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 50, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 1, activation: outputActivation }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss });
  return model;
}

/** MSE written by hand over labels flattened to [n]: [n, 1] - [n] broadcasts into an n x n matrix. */
function flattenedMse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yPred, tf.reshape(yTrue, [-1]))));
}

export const CONFIG_FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'fault-mnist-softmax-binary-crossentropy', base: 'healthy-mnist-dense', symptom: 'softmax over 10 classes with binaryCrossentropy',
    expected: { rootCause: 'loss-output-mismatch' },
    build: () => ({ model: mnistDense({ loss: 'binaryCrossentropy' }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-logits-categorical', base: 'healthy-mnist-dense', symptom: 'no softmax on the output, categoricalCrossentropy on the raw logits',
    expected: { rootCause: 'loss-output-mismatch' },
    build: () => ({ model: mnistDense({ output: { activation: 'linear' } }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-binary-softmax-one-unit', base: 'healthy-phishing-binary', symptom: 'Dense(1, softmax) with binaryCrossentropy',
    expected: { rootCause: 'loss-output-mismatch' },
    build: () => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [10], units: 32, activation: 'sigmoid' }));
      model.add(tf.layers.dense({ units: 32, activation: 'sigmoid' }));
      model.add(tf.layers.dense({ units: 1, activation: 'softmax' }));
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      return { model, data: binaryTensors() };
    },
  },
  {
    kind: 'fault', id: 'fault-housing-sigmoid-output', base: 'healthy-boston-housing', symptom: 'sigmoid output against prices of 5..50',
    expected: { rootCause: PLANNED_IDS.outputRange },
    build: () => ({ model: housingMlp('sigmoid'), data: housingTensors() }),
  },
  {
    kind: 'fault', id: 'fault-housing-relu-output-standardized', base: 'healthy-boston-housing', symptom: 'ReLU output against standardized (half negative) prices',
    expected: { rootCause: PLANNED_IDS.outputRange },
    build: () => {
      const { standardized, prices } = housing(HOUSING_ROWS);
      const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
      const std = Math.sqrt(prices.reduce((s, p) => s + (p - mean) ** 2, 0) / prices.length);
      const z = prices.map((p) => (p - mean) / std);
      return { model: housingMlp('relu'), data: { x: tf.tensor2d(standardized), y: tf.tensor2d(z, [z.length, 1]) } };
    },
  },
  {
    kind: 'fault', id: 'fault-housing-broadcast-loss', base: 'healthy-boston-housing', symptom: 'hand-written MSE over labels flattened to [n] against outputs [n, 1]',
    expected: { rootCause: PLANNED_IDS.lossMixing },
    build: () => ({ model: housingMlp('linear', flattenedMse), data: housingTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-all-frozen', base: 'healthy-mnist-dense', symptom: 'every layer trainable = false',
    expected: { rootCause: 'layers-frozen' },
    build: () => {
      const model = mnistDense();
      model.layers.forEach((l) => (l.trainable = false));
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
      return { model, data: mnistTensors() };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-frozen-at-init', base: 'healthy-mnist-dense', symptom: 'hidden layer frozen while still at its random initialization',
    expected: { rootCause: 'layers-frozen', findings: [{ id: 'layers-frozen', severity: 'warning' }] },
    build: () => {
      const model = mnistDense({ hidden: { units: 16 } });
      model.layers[0].trainable = false;
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
      return { model, data: mnistTensors() };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-l2-dominates', base: 'healthy-mnist-dense', symptom: 'L2 penalty of 1.0 on every kernel',
    expected: { rootCause: 'regularization-dominates' },
    build: () => ({
      model: mnistDense({ hidden: { kernelRegularizer: tf.regularizers.l2({ l2: 1 }) }, output: { kernelRegularizer: tf.regularizers.l2({ l2: 1 }) } }),
      data: mnistTensors(),
    }),
  },
  {
    kind: 'fault', id: 'fault-mnist-bottleneck', base: 'healthy-mnist-dense', symptom: 'a 1-unit dense layer before the 10-class output',
    expected: { rootCause: PLANNED_IDS.bottleneck },
    build: () => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [784], units: 42, activation: 'relu' }));
      model.add(tf.layers.dense({ units: 1, activation: 'relu' }));
      model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return { model, data: mnistTensors() };
    },
  },
];
