import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { accuracyOf } from '../src/model/train';
import { analyzeSweep, setLearningRate } from '../src/model/lr-sweep';
import { useBackend } from './helpers/network-models';

before(useBackend);

function accuracy(yTrue: tf.Tensor, yPred: tf.Tensor, task: 'multiclass' | 'binary' | 'multilabel'): number {
  const tensors = tf.memory().numTensors;
  const value = tf.tidy(() => accuracyOf(yTrue, yPred, task)?.dataSync()[0] ?? Number.NaN);
  assert.equal(tf.memory().numTensors, tensors);
  return value;
}

test('accuracyOf(yTrue, yPred, task) reads one-hot and sparse labels, probabilities and logits', () => {
  const probabilities = tf.tensor2d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3], [0.5, 0.4, 0.1]]);
  const oneHot = tf.tensor2d([[1, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0]]);
  const sparse = tf.tensor2d([[0], [2], [0], [0]]);
  assert.equal(accuracy(oneHot, probabilities, 'multiclass'), 0.75);
  assert.equal(accuracy(sparse, probabilities, 'multiclass'), 0.75);
  const binaryLabels = tf.tensor2d([[1], [0], [1], [0]]);
  assert.equal(accuracy(binaryLabels, tf.tensor2d([[0.9], [0.2], [0.4], [0.6]]), 'binary'), 0.5);
  assert.equal(accuracy(binaryLabels, tf.tensor2d([[2.5], [-1], [0.3], [-0.2]]), 'binary'), 1, 'logits split at 0');
  assert.equal(accuracyOf(binaryLabels, binaryLabels, 'regression'), null);
  tf.dispose([probabilities, oneHot, sparse, binaryLabels]);
});

test('analyzeSweep(points) finds the steepest descent, the minimum, the divergence point and a band below the minimum', () => {
  const lrs = Array.from({ length: 25 }, (_, i) => 1e-5 * Math.pow(10, i / 4));
  // Flat, then falling fastest around 1e-3, bottom at 1e-2, then blowing up.
  const loss = (lr: number) => {
    const x = Math.log10(lr);
    return x < -2 ? 2.3 - 1.5 / (1 + Math.exp(-4 * (x + 3))) : 0.8 + 3 * (x + 2) ** 2;
  };
  const points = lrs.map((lr) => ({ lr, loss: loss(lr), smoothed: loss(lr) }));
  const sweep = analyzeSweep(points, 1e-3, 3);
  assert.ok(Math.abs(Math.log10(sweep.steepestLr ?? 0) + 3) <= 0.25, `steepest at ${sweep.steepestLr}`);
  assert.ok(Math.abs(Math.log10(sweep.minLossLr ?? 0) + 2) <= 0.25, `minimum at ${sweep.minLossLr}`);
  assert.ok((sweep.divergenceLr ?? 0) > (sweep.minLossLr ?? 1));
  assert.ok(sweep.suggested && sweep.suggested[1] === (sweep.minLossLr ?? 0) / 10);
  assert.ok(sweep.descent > 0.6);
  assert.equal(sweep.configuredLr, 1e-3);
});

test('setLearningRate(optimizer, lr) changes SGD, Momentum and Adam in place, keeping their state', () => {
  const variable = tf.variable(tf.tensor1d([1]));
  for (const optimizer of [tf.train.sgd(0.1), tf.train.momentum(0.1, 0.9), tf.train.adam(0.1)]) {
    const tensors = tf.memory().numTensors;
    assert.equal(setLearningRate(optimizer, 0.5), true);
    assert.equal(tf.memory().numTensors, tensors, 'the cached SGD rate is replaced, not leaked');
    const before = variable.dataSync()[0];
    optimizer.minimize(() => variable.sum() as tf.Scalar);
    const step = before - variable.dataSync()[0];
    // Adam's first step moves by ~lr whatever the gradient; SGD and Momentum by lr * 1.
    assert.ok(Math.abs(step - 0.5) < 1e-3, `${optimizer.getClassName()} stepped ${step}`);
    optimizer.dispose();
  }
  variable.dispose();
});

test('analyzeSweep(points) looks for divergence only after the minimum, also when points before it have no loss', () => {
  const points = [
    { lr: 1e-5, loss: 2.3, smoothed: 2.3 },
    { lr: 1e-4, loss: 2.2, smoothed: 2.2 },
    { lr: 1e-3, loss: null, smoothed: null },
    { lr: 1e-2, loss: null, smoothed: null },
    { lr: 1e-1, loss: 1.0, smoothed: 1.0 },
    { lr: 1, loss: 5, smoothed: 5 },
  ];
  const sweep = analyzeSweep(points, null, 3);
  assert.equal(sweep.minLossLr, 1e-1);
  assert.equal(sweep.divergenceLr, 1);
});
