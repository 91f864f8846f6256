import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { weightGradientStats, measureGradientStep } from '../src/model/gradients';
import { useBackend, mnistDigits, mlp, crossEntropy, weightValues } from './helpers/network-models';

before(useBackend);

test('weightGradientStats(model, x, y, loss) returns one row per trainable weight in model order, leak-free', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(32);
  const weightsBefore = weightValues(model);
  const tensorsBefore = tf.memory().numTensors;
  const stats = await weightGradientStats(model, x, y, crossEntropy);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.deepEqual(stats.map((s) => [s.layerIndex, s.weight]), [[0, 'kernel'], [0, 'bias'], [1, 'kernel'], [1, 'bias'], [2, 'kernel'], [2, 'bias']]);
  assert.deepEqual(stats[0].shape, [784, 128]);
  for (const s of stats) {
    assert.ok(s.gradNorm !== null && s.gradNorm > 0, `${s.layer}/${s.weight} has a gradient`);
    assert.equal(s.nonFiniteCount, 0);
    assert.equal(s.updateRatio, null);
  }
  assert.deepEqual(weightValues(model), weightsBefore);
  tf.dispose([x, y]);
  model.dispose();
});

test('weightGradientStats(model, x, y, loss) matches tf.variableGrads for the last kernel', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(16);
  const stats = await weightGradientStats(model, x, y, crossEntropy, { training: false });
  const kernel = model.layers[2].trainableWeights[0].read() as tf.Variable;
  const expected = tf.tidy(() => tf.variableGrads(() => crossEntropy(y, model.predict(x) as tf.Tensor), [kernel]).grads[kernel.name].norm().dataSync()[0]);
  assert.ok(Math.abs((stats[4].gradNorm ?? 0) - expected) < 1e-5 * expected);
  tf.dispose([x, y]);
  model.dispose();
});

test('weightGradientStats(model, x, y, loss) restores batch-norm moving statistics after a training-mode pass', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [784] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 10, activation: 'softmax' })] });
  const { x, y } = mnistDigits(16);
  const before = weightValues(model);
  const tensorsBefore = tf.memory().numTensors;
  await weightGradientStats(model, x, y, crossEntropy);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.deepEqual(weightValues(model), before);
  tf.dispose([x, y]);
  model.dispose();
});

test('measureGradientStep(clone, x, y, loss, { optimizer }) applies one step and reports update/weight ratios', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(16);
  const optimizer = tf.train.sgd(0.1);
  const before = weightValues(model);
  const tensorsBefore = tf.memory().numTensors;
  const step = await measureGradientStep(model, x, y, crossEntropy, { optimizer });
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.notDeepEqual(weightValues(model), before);
  const kernel = step.weights[0];
  // plain SGD: ||update|| = lr * ||g||
  assert.ok(Math.abs((kernel.updateRatio ?? 0) * (kernel.weightNorm ?? 0) - 0.1 * (kernel.gradNorm ?? 0)) < 1e-3 * (kernel.gradNorm ?? 1));
  assert.ok(step.loss !== null && step.loss > 1 && step.loss < 4);
  optimizer.dispose();
  tf.dispose([x, y]);
  model.dispose();
});
