/**
 * The learning-rate check's run "at your rate" is read off the overfit probe's
 * run when it is the same run (a fresh clone and optimizer at that rate, the
 * same rows, training the same way every time): the same numbers, 30 steps
 * fewer.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { recordedRun } from '../src/checks/network/lr-range';
import type { NetworkContext } from '../src/checks/network/context';
import { tabularData } from './helpers/network-models';

before(() => ready());

/** Just what recordedRun reads: the overfit probe's output and a fresh optimizer. */
function context(losses: (number | null)[], optimizer: () => tf.Optimizer, samples = 16): NetworkContext<'overfit'> {
  const overfit = { succeeded: false, diverged: false, initialLoss: 1, finalLoss: 1, steps: losses.length, referenceSucceeded: false, trainingLosses: { samples, losses } };
  return { inputs: { overfit }, makeOptimizer: optimizer } as unknown as NetworkContext<'overfit'>;
}

const falling = Array.from({ length: 100 }, (_, i) => 2 - 0.01 * i);

test('recordedRun(ctx, rate, 16) reads the first step and the mean of steps 26-30 off a run at that rate on the same 16 rows', () => {
  const run = recordedRun(context(falling, () => tf.train.sgd(0.02)), 0.02, 16);
  assert.ok(run);
  assert.equal(run.initial, 2);
  assert.ok(Math.abs(run.final - (2 - 0.01 * 27)) < 1e-12, String(run.final));
});

test('recordedRun(...) reads a divergence within 30 steps as a non-finite end', () => {
  const run = recordedRun(context([2, 5, 40, null], () => tf.train.sgd(0.02)), 0.02, 16);
  assert.deepEqual(run, { initial: 2, final: Number.NaN });
});

test('recordedRun(...) is undefined for another rate, other rows, a run shorter than 30 steps, or no record', () => {
  assert.equal(recordedRun(context(falling, () => tf.train.sgd(0.01)), 0.02, 16), undefined, 'another rate');
  assert.equal(recordedRun(context(falling, () => tf.train.sgd(0.02), 8), 0.02, 16), undefined, 'other rows');
  assert.equal(recordedRun(context(falling.slice(0, 25), () => tf.train.sgd(0.02)), 0.02, 16), undefined, 'fit after 25 steps');
  const none = { inputs: { overfit: { succeeded: false } }, makeOptimizer: () => tf.train.sgd(0.02) } as unknown as NetworkContext<'overfit'>;
  assert.equal(recordedRun(none, 0.02, 16), undefined, 'a model that trains differently each time keeps no record');
});

/** The tabular MLP of network-trust's lr-too-high test, seeded; with a Dropout(0) layer it computes the same but trains "randomly" (no record). */
function mlp(dropoutLayer: boolean): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 32, activation: 'relu', inputShape: [6], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      ...(dropoutLayer ? [tf.layers.dropout({ rate: 0 })] : []),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.02), loss: 'meanSquaredError' });
  return model;
}

test('diagnose(MLP at SGD 0.02 on targets x30) reports the same loss at your rate read off the overfit probe as trained for itself', async () => {
  const data = tabularData(128);
  const y = data.y.mul(30);
  const yourLoss = async (dropoutLayer: boolean) => {
    const model = mlp(dropoutLayer);
    const tensors = tf.memory().numTensors;
    const report = await diagnose(model, { x: data.x, y }, { display: false, seed: 1, checks: { only: ['lr-range'] } });
    assert.equal(tf.memory().numTensors, tensors, 'diagnose() leaked tensors');
    model.dispose();
    return report.measurements.extra?.['lr-range']?.probeYourLoss;
  };
  const read = await yourLoss(false);
  const trained = await yourLoss(true);
  assert.equal(typeof read, 'number', 'the rate probe ran (huge updates at your rate)');
  assert.equal(read, trained);
  tf.dispose([data.x, data.y, y]);
});
