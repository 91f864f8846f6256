/**
 * Faults the network probes must find, injected into healthy setups: learning
 * rates, initializations, vanishing gradients, dying units, and custom layers
 * that mix samples, get their gradient wrong, produce NaN or ignore the input.
 */
import * as tf from '@tensorflow/tfjs';
import type { InjectedFault } from '../base';
import { BatchSwap, Log, SquareWrongGrad, ZeroMask } from '../layers';
import { housingTensors, mnistDense, mnistTensors } from '../healthy';

type DenseArgs = Parameters<typeof tf.layers.dense>[0];

/** The MNIST MLP with `layer` inserted after the hidden layer. */
function mnistWith(layer: tf.layers.Layer, hidden: Partial<DenseArgs> = {}): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 42, activation: 'relu', ...hidden }));
  model.add(layer);
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export const NETWORK_FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'fault-mnist-sgd-lr-10', base: 'healthy-mnist-dense', symptom: 'SGD with learning rate 10',
    expected: { rootCause: 'lr-too-high' },
    build: () => ({ model: mnistDense({ optimizer: tf.train.sgd(10) }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-adam-lr-1', base: 'healthy-mnist-dense', symptom: 'Adam with learning rate 1',
    expected: { rootCause: 'lr-too-high' },
    build: () => ({ model: mnistDense({ optimizer: tf.train.adam(1) }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-adam-lr-1e-6', base: 'healthy-mnist-dense', symptom: 'Adam with learning rate 1e-6',
    expected: { rootCause: 'lr-too-low' },
    build: () => ({ model: mnistDense({ optimizer: tf.train.adam(1e-6) }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-housing-sgd-lr-1', base: 'healthy-boston-housing', symptom: 'SGD with learning rate 1 on the price regression',
    expected: { rootCause: 'lr-too-high' },
    build: () => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [12], units: 50, activation: 'sigmoid' }));
      model.add(tf.layers.dense({ units: 50, activation: 'sigmoid' }));
      model.add(tf.layers.dense({ units: 1 }));
      model.compile({ optimizer: tf.train.sgd(1), loss: 'meanSquaredError' });
      return { model, data: housingTensors() };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-zero-init', base: 'healthy-mnist-dense', symptom: 'every kernel initialized to zeros',
    expected: { rootCause: 'init-scale-off' },
    build: () => ({ model: mnistDense({ hidden: { kernelInitializer: 'zeros' }, output: { kernelInitializer: 'zeros' } }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-huge-init', base: 'healthy-mnist-dense', symptom: 'kernels drawn with stddev 3 (about 50x Glorot)',
    expected: { rootCause: 'init-scale-off' },
    build: () => ({ model: mnistDense({ hidden: { kernelInitializer: tf.initializers.randomNormal({ stddev: 3 }) } }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-deep-sigmoid', base: 'healthy-mnist-dense', symptom: '10 sigmoid layers of 32 units (vanishing gradients)',
    expected: { rootCause: 'gradients-vanishing' },
    build: () => {
      const model = tf.sequential();
      for (let i = 0; i < 10; i++) model.add(tf.layers.dense({ units: 32, activation: 'sigmoid', ...(i === 0 ? { inputShape: [784] } : {}) }));
      model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return { model, data: mnistTensors() };
    },
  },
  {
    kind: 'fault', id: 'fault-mnist-dead-relu-bias', base: 'healthy-mnist-dense', symptom: 'hidden ReLU biases initialized to -5: every unit dead',
    expected: { rootCause: 'activations-dead' },
    build: () => ({ model: mnistDense({ hidden: { biasInitializer: tf.initializers.constant({ value: -5 }) } }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-relu-dies-at-lr', base: 'healthy-mnist-dense', symptom: 'SGD at 3.0: ReLU units alive at init die in the first steps',
    expected: { rootCause: 'lr-too-high', findings: ['activations-dead'] },
    build: () => ({ model: mnistDense({ optimizer: tf.train.sgd(3) }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-batch-mixing-layer', base: 'healthy-mnist-dense', symptom: 'a custom layer that swaps halves of the batch',
    expected: { rootCause: 'batch-mixing' },
    build: () => ({ model: mnistWith(new BatchSwap({})), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-wrong-gradient', base: 'healthy-mnist-dense', symptom: 'a custom square activation with a wrong hand-written gradient',
    expected: { rootCause: 'gradient-check-failed' },
    build: () => ({ model: mnistWith(new SquareWrongGrad({}), { activation: 'tanh' }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-log-layer', base: 'healthy-mnist-dense', symptom: 'a custom log() layer after a linear layer: NaN activations',
    expected: { rootCause: 'nonfinite-values' },
    build: () => ({ model: mnistWith(new Log({}), { activation: 'linear' }), data: mnistTensors() }),
  },
  {
    kind: 'fault', id: 'fault-mnist-input-zeroed', base: 'healthy-mnist-dense', symptom: 'a custom masking layer that multiplies the input by 0',
    expected: { rootCause: 'input-ignored' },
    build: () => {
      const model = tf.sequential();
      model.add(new ZeroMask({ inputShape: [784] }));
      model.add(tf.layers.dense({ units: 42, activation: 'relu' }));
      model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return { model, data: mnistTensors() };
    },
  },
];
