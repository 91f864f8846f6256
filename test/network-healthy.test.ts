import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { diagnose } from '../src/diagnose';
import { NETWORK_CHECKS } from '../src/checks/network';
import { seededRandom } from '../src/context/random';
import { useBackend, mnistDigits, tabularData, mlp, cnn, tabular, weightValues } from './helpers/network-models';
import { batchNormDropoutCnn, gruRegression, sequenceRegressionData, tokenClassifier, tokenData } from './helpers/zoo';

before(useBackend);

const NETWORK_IDS = new Set(NETWORK_CHECKS.flatMap((c) => c.findings ?? []));
const NETWORK_CHECK_IDS = new Set(NETWORK_CHECKS.map((c) => c.id));

async function diagnoseHealthy(model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }, seed = 42) {
  const weights = weightValues(model);
  const optimizerWeights = (await model.optimizer.getWeights()).length;
  const tensors = tf.memory().numTensors;
  const report = await diagnose(model, data, { display: false, seed });
  assert.equal(tf.memory().numTensors, tensors, 'no tensor leaks');
  assert.deepEqual(weightValues(model), weights, 'weights bit-identical');
  assert.equal((await model.optimizer.getWeights()).length, optimizerWeights, 'optimizer never stepped');
  const alarms = report.findings.filter((f) => NETWORK_IDS.has(f.id) && f.severity !== 'info');
  assert.deepEqual(alarms.map((f) => `${f.id} (${f.layer ?? '-'}): ${f.detail}`), []);
  const ran = report.checks.filter((c) => NETWORK_CHECK_IDS.has(c.id));
  assert.equal(ran.length, NETWORK_CHECKS.length);
  assert.deepEqual(ran.filter((c) => c.status === 'error' || c.status === 'fail' || c.status === 'warn').map((c) => `${c.id}: ${c.note}`), []);
  // Nothing to fix, nothing to verify: a healthy model pays no verification cost.
  if (!report.triage) {
    assert.equal(report.measurements.verifiedFixes, undefined);
    assert.equal(report.checks.find((c) => c.id === 'verify-fixes'), undefined);
  }
  return report;
}

test('diagnose(model, data) raises no network warning or error for a healthy MNIST MLP, and fills the network charts', async () => {
  const model = mlp();
  const data = mnistDigits(200);
  const report = await diagnoseHealthy(model, data);
  assert.equal(report.measurements.gradients?.weights.length, 6);
  assert.equal(report.measurements.activations?.layers.length, 3);
  assert.ok((report.measurements.lrRange?.points.length ?? 0) > 10);
  assert.ok(report.measurements.curves?.points.some((p) => p.series.startsWith('your optimizer')));
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('diagnose(model, data) raises no network warning or error for a healthy small CNN', async () => {
  const model = cnn();
  const data = mnistDigits(200, [28, 28, 1]);
  await diagnoseHealthy(model, data);
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('diagnose(model, data) raises no network warning or error for a healthy tabular regression model', async () => {
  const model = tabular();
  const data = tabularData(200);
  await diagnoseHealthy(model, data);
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('diagnose(model, data) flags ReLUs behind a -10 bias as activations-dead at the first layer, untouched and leak-free', async () => {
  const model = mlp({}, { biasInitializer: tf.initializers.constant({ value: -10 }) });
  const data = mnistDigits(200);
  const weights = weightValues(model);
  const tensors = tf.memory().numTensors;
  const report = await diagnose(model, data, { display: false, checks: { only: ['activations', 'gradient-flow'] } });
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(weightValues(model), weights);
  const dead = report.findings.find((f) => f.id === 'activations-dead');
  assert.equal(dead?.layer, model.layers[0].name);
  assert.equal(report.findings.find((f) => f.id === 'gradients-zero')?.layer, model.layers[0].name);
  assert.equal(report.checks.find((c) => c.id === 'overfit-tiny-batch')?.status, 'skipped', 'options.checks.only selects network checks');
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('diagnose(model, data) raises no network warning or error for a small healthy binary classifier that learns slowly at Adam 1e-3', async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [6] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  const data = tabularData(200);
  const labels = tf.tidy(() => data.y.greater(0).toFloat());
  await diagnoseHealthy(model, { x: data.x, y: labels });
  tf.dispose([data.x, data.y, labels]);
  model.dispose();
});

test('diagnose(model, data) calls a tiny sigmoid net that memorizes slowly at Adam 1e-3 slow, not broken', async () => {
  // 8 -> 8 sigmoid -> 1: needs 150-500 steps to memorize 16 samples; it used to be reported as an error.
  let state = 7919;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const rows = Array.from({ length: 400 }, () => Array.from({ length: 8 }, () => random() * 2 - 1));
  const labels = rows.map((r) => [r[0] + 0.5 * r[1] - r[2] > 0 ? 1 : 0]);
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 8, activation: 'sigmoid', inputShape: [8] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  const x = tf.tensor2d(rows);
  const y = tf.tensor2d(labels);
  const report = await diagnoseHealthy(model, { x, y });
  const overfit = report.findings.find((f) => f.id === 'overfit-failed');
  if (overfit) {
    // Two honest reasons for "slow, not broken", depending on the random init:
    // still improving at the end of the budget, or a reference optimizer memorized it.
    assert.equal(overfit.severity, 'info');
    assert.ok(overfit.evidence.stillImproving === true || overfit.evidence.referenceSucceeded === true, JSON.stringify(overfit.evidence));
  }
  tf.dispose([x, y]);
  model.dispose();
});

/**
 * An MNIST MLP built and fitted (8 epochs, shuffled) with Math.random drawing
 * from `seed`: initializers and fit's shuffle take no seed of their own. The
 * swap spans an await, which is safe here: the tests of a file run one by one.
 */
async function trainedMlp(data: { x: tf.Tensor; y: tf.Tensor }, seed: number): Promise<tf.LayersModel> {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    const model = mlp();
    await model.fit(data.x, data.y, { epochs: 8, batchSize: 32, shuffle: true, verbose: 0 });
    return model;
  } finally {
    Math.random = original;
  }
}

test('diagnose(trained model, data) does not call the learning rate that trained it too high, on five seeded fits', async () => {
  // A range test from a converged model finds its minimum at tiny rates; that is no verdict on Adam 1e-3.
  // Fits 23 and 28 made the old rule (divergence = 3x the sweep's minimum) call Adam 1e-3 "past the point where it
  // blows up" from 3.3e-5 and 4.85e-5: batch noise around a loss of 0.04 (about 2 full test runs in 5 hit such a fit).
  const data = mnistDigits(500);
  for (const seed of [23, 28, 1, 2, 3]) {
    const model = await trainedMlp(data, seed);
    const report = await diagnoseHealthy(model, data);
    const chance = report.context.chanceLoss ?? 0;
    assert.ok((report.measurements.loss?.initialLoss ?? Infinity) < 0.5 * chance, `fit ${seed}: the model starts trained`);
    assert.equal(report.measurements.extra?.['lr-range']?.alreadyTrained, true);
    assert.equal(report.measurements.lrRange?.suggested, null, 'no band read off a trained model');
    assert.equal(report.findings.filter((f) => f.id === 'lr-too-high' || f.id === 'lr-too-low').length, 0, `fit ${seed}`);
    // Divergence from a trained model is the loss back above chance, well past the rate that trained it.
    const divergence = report.measurements.lrRange?.divergenceLr;
    if (divergence !== null && divergence !== undefined) {
      assert.ok(divergence > 1e-2, `fit ${seed}: diverges at ${divergence}`);
      const after = report.measurements.lrRange?.points.find((p) => p.lr >= divergence);
      assert.ok(after?.smoothed === null || (after?.smoothed ?? 0) > chance, `fit ${seed}: the loss there is above chance`);
    }
    model.dispose();
  }
  tf.dispose([data.x, data.y]);
});

test('diagnose(model, data) raises no network warning or error for an untrained batch-normalized CNN with dropout, on two seeds', async () => {
  const data = mnistDigits(200, [28, 28, 1]);
  for (const seed of [1, 2]) {
    const model = batchNormDropoutCnn();
    const report = await diagnoseHealthy(model, data, seed);
    const trainEval = report.findings.filter((f) => f.id === 'train-eval-gap');
    assert.ok(trainEval.every((f) => f.severity === 'info'));
    model.dispose();
  }
  tf.dispose([data.x, data.y]);
});

for (const cell of ['lstm', 'gru'] as const) {
  test(`diagnose(model, data) raises no network warning or error for an Embedding + ${cell.toUpperCase()} token classifier, leak-free`, async () => {
    const model = tokenClassifier(cell);
    const data = tokenData(200);
    const report = await diagnoseHealthy(model, data, 1);
    assert.match(report.checks.find((c) => c.id === 'batch-independence')?.note ?? '', /token ids/);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
}

test('diagnose(model, data) raises no network warning or error for a GRU regression with a mean-absolute-error loss and RMSProp, on two seeds', async () => {
  const data = sequenceRegressionData(200);
  for (const seed of [1, 2]) {
    const model = gruRegression();
    await diagnoseHealthy(model, data, seed);
    model.dispose();
  }
  tf.dispose([data.x, data.y]);
});

for (const [name, make] of [['RMSProp 1e-3', () => tf.train.rmsprop(1e-3)], ['SGD 0.01 with momentum 0.9', () => tf.train.momentum(0.01, 0.9)]] as const) {
  test(`diagnose(model, data) raises no network warning or error for the MNIST MLP trained with ${name}`, async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
        tf.layers.dense({ units: 64, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: make(), loss: 'categoricalCrossentropy' });
    const data = mnistDigits(200);
    await diagnoseHealthy(model, data, 1);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
}

test('diagnose(model, data) raises no network warning or error for a regression whose targets vary by 1e-3, on two seeds', async () => {
  const data = tabularData(200);
  const tiny = { x: data.x, y: tf.tidy(() => data.y.mul(1e-3)) };
  for (const seed of [1, 2]) {
    const model = tabular();
    const report = await diagnoseHealthy(model, tiny, seed);
    const overfit = report.findings.find((f) => f.id === 'overfit-failed');
    if (overfit) assert.equal(overfit.evidence.stillImproving, true, overfit.detail);
    model.dispose();
  }
  tf.dispose([data.x, data.y, tiny.y]);
});
