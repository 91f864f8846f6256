import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gradientCheck } from '../src/checks/network/gradient-check';
import { batchMixingCheck } from '../src/checks/network/batch-mixing';
import { NETWORK_CHECK_LIST } from '../src/checks/network';
import { diagnose } from '../src/diagnose';
import {
  useBackend, mnistDigits, mlp, mlpWith, WrongGradientSquare, BatchTranspose, runNetworkChecks, findingWith,
} from './helpers/network-models';

before(useBackend);

test('gradient-check flags a custom layer whose gradient forgets a factor 2 as gradient-check-failed at that layer', async () => {
  const model = mlpWith(new WrongGradientSquare({}));
  const { x, y } = mnistDigits(8);
  const run = await runNetworkChecks([gradientCheck], model, x, y);
  const finding = findingWith(run, 'gradient-check-failed');
  assert.equal(finding.layer, model.layers[1].name);
  assert.equal(finding.evidence.through, model.layers[0].name);
  assert.ok(Math.abs(Number(finding.evidence.relativeError) - 0.5) < 0.05);
  assert.ok(run.untouched, 'perturbations happened on a clone');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-check flags a custom loss with a wrong hand-written gradient, and passes every layer of a healthy MLP with budget thorough', async () => {
  const halfGradientMse = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => {
    const mse = tf.customGrad((p, save) => {
      const prediction = p as tf.Tensor;
      if (typeof save === 'function') save([prediction]);
      return {
        value: prediction.sub(yTrue).square().mean(),
        gradFunc: (dy, saved) => dy.mul(saved[0].sub(yTrue)).div(saved[0].size),
      };
    });
    return mse(yPred) as tf.Scalar;
  };
  const model = mlp();
  const { x, y } = mnistDigits(8);
  const custom = await runNetworkChecks([gradientCheck], model, x, y, { loss: halfGradientMse, lossName: 'halfGradientMse' });
  const finding = findingWith(custom, 'gradient-check-failed');
  assert.equal(finding.evidence.target, 'loss');
  assert.equal(finding.layer, undefined);
  const thorough = await runNetworkChecks([gradientCheck], model, x, y, { budget: 'thorough' });
  assert.deepEqual(thorough.findings, []);
  assert.match(thorough.results[0].note ?? '', /4 target/);
  assert.equal(custom.leaked + thorough.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('batch-independence flags a layer that transposes across the batch as batch-mixing at that layer', async () => {
  const model = mlpWith(new BatchTranspose({}));
  const { x, y } = mnistDigits(8);
  const run = await runNetworkChecks([batchMixingCheck], model, x, y);
  assert.equal(findingWith(run, 'batch-mixing').layer, model.layers[1].name);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('batch-independence passes a batch-norm model in inference mode and says why training mode is not checked', async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 16, inputShape: [784] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  const { x, y } = mnistDigits(8);
  const run = await runNetworkChecks([batchMixingCheck], model, x, y);
  assert.deepEqual(run.findings, []);
  assert.match(run.results[0].note ?? '', /BatchNormalization mixes samples in training mode/);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(twoOutputModel, { x, y: [a, b] }) runs the network checks on the total loss without failing inside tfjs', async () => {
  const input = tf.input({ shape: [784] });
  const hidden = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const a = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(hidden) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 1 }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [a, b] });
  model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'meanSquaredError'] });
  const { x, y } = mnistDigits(8);
  const size = tf.tidy(() => tf.mean(x, 1, true));
  const before = tf.memory().numTensors;
  const report = await diagnose(model, { x, y: [y, size] }, { display: false, checks: { only: NETWORK_CHECK_LIST.map((c) => c.id) } });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.note}`), []);
  assert.ok(report.checks.some((c) => c.id === 'gradient-flow' && c.status !== 'skipped'));
  tf.dispose([x, y, size]);
  model.dispose();
});
