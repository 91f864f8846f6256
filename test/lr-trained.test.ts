/**
 * The learning-rate verdict on a model that was trained before the diagnosis
 * (loss far below chance): the range test's minimum and its batch noise say
 * nothing about the rate that trained it; only a rate that undoes the training
 * (the loss back above chance, or NaN) is too high.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyzeSweep } from '../src/model/lr-sweep';
import { lrVerdict, type SweepReading } from '../src/checks/network/lr-verdict';
import { diagnose } from '../src/diagnose';
import { seededRandom } from '../src/context/random';
import { useBackend, mnistDigits, mlp, weightValues } from './helpers/network-models';

before(useBackend);

// The range test of a converged MNIST MLP (fit 28 of network-healthy), as measured: the first batch's 0.033, then batch
// noise 0.05 to 0.10 while the weights barely move, then the loss back above chance (2.30) from 0.088.
const noisyTrainedCurve = [
  0.033, 0.049, 0.082, 0.094, 0.104, 0.092, 0.094, 0.090, 0.075, 0.068, 0.078, 0.079, 0.087, 0.078, 0.077, 0.079, 0.067,
  0.062, 0.073, 0.068, 0.114, 0.368, 1.169, 3.182,
].map((smoothed, i) => ({ lr: 1e-5 * Math.pow(1e6, i / 35), loss: smoothed, smoothed }));

test('analyzeSweep(points, lr, 3, chance) does not call 3x a near-zero minimum divergence, only a loss back above chance', () => {
  const noFloor = analyzeSweep(noisyTrainedCurve, 1e-3, 3);
  assert.equal(noFloor.divergenceLr, noisyTrainedCurve[4].lr, 'without a floor, batch noise reads as divergence from 4.85e-5 (the old false alarm)');
  const floored = analyzeSweep(noisyTrainedCurve, 1e-3, 3, 2.3);
  assert.equal(floored.divergenceLr, noisyTrainedCurve[23].lr);
});

const trainedReading = (over: Partial<SweepReading>): SweepReading => ({
  minLossLr: 1e-5, minLoss: 0.044, startLoss: 0.044, lossAtConfigured: 0.086, divergenceLr: 0.1, lastLr: 0.1,
  band: null, learned: false, trained: true, ...over,
});

test('lrVerdict(trained reading) makes no claim below the rate where the loss went back above chance', () => {
  assert.deepEqual(lrVerdict(trainedReading({}), 1e-3, 'none', 'Adam', null), []);
  // A noisy rate probe from a trained model (both runs near zero, yours not rising) is no evidence either.
  const probe = { steps: 30, samples: 16, initialLoss: 0.05, yourLoss: 0.03, lowerLr: 1e-4, lowerLoss: 0.012 };
  assert.deepEqual(lrVerdict(trainedReading({ divergenceLr: null }), 1e-3, 'none', 'Adam', probe), []);
});

test('lrVerdict(trained reading) calls a rate past the point where the training is undone an error, and says so', () => {
  const [finding] = lrVerdict(trainedReading({ divergenceLr: 0.05 }), 0.5, 'none', 'Adam', null);
  assert.equal(finding.id, 'lr-too-high');
  assert.equal(finding.severity, 'error');
  assert.match(finding.detail, /starts trained \(loss 0\.044, far below chance\).*back above the chance level .* from 0\.05; your rate 0\.5 is past that point/);
  const probe = { steps: 30, samples: 16, initialLoss: 0.05, yourLoss: Number.NaN, lowerLr: 0.05, lowerLoss: 0.02 };
  assert.equal(lrVerdict(trainedReading({ divergenceLr: null }), 0.5, 'none', 'Adam', probe)[0]?.severity, 'error', 'a NaN probe still counts');
});

test('diagnose(trained model recompiled with Adam at 1, data) still reports lr-too-high as an error, leak-free and untouched', async () => {
  const data = mnistDigits(500);
  const original = Math.random;
  Math.random = seededRandom(1);
  let model: tf.LayersModel;
  try {
    model = mlp();
    await model.fit(data.x, data.y, { epochs: 8, batchSize: 32, shuffle: true, verbose: 0 });
  } finally {
    Math.random = original;
  }
  model.compile({ optimizer: tf.train.adam(1), loss: 'categoricalCrossentropy' });
  const weights = weightValues(model);
  const tensors = tf.memory().numTensors;
  const report = await diagnose(model, data, { display: false, seed: 1 });
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(weightValues(model), weights);
  assert.equal(report.measurements.extra?.['lr-range']?.alreadyTrained, true);
  const finding = report.findings.find((f) => f.id === 'lr-too-high');
  assert.equal(finding?.severity, 'error', report.findings.map((f) => `${f.id}: ${f.detail}`).join('\n'));
  assert.match(finding?.detail ?? '', /starts trained/);
  tf.dispose([data.x, data.y]);
  model.dispose();
});
