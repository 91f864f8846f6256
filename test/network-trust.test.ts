/** Issue 10/13, network side: each false alarm fixed at its cause and each new check, with a buggy and a healthy setup. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { activationsCheck } from '../src/checks/network/activations';
import { gradientFlowCheck } from '../src/checks/network/gradients';
import { overfitCheck } from '../src/checks/network/overfit';
import { lrRangeCheck } from '../src/checks/network/lr-range';
import { trainEvalCheck } from '../src/checks/network/train-eval';
import { frozenLayersCheck } from '../src/checks/network/frozen';
import { bottleneckCheck } from '../src/checks/network/bottleneck';
import { batchMixingCheck } from '../src/checks/network/batch-mixing';
import type { LossFunction } from '../src/model/loss';
import {
  useBackend, mnistDigits, mlp, tabularData, runNetworkChecks, findingWith, alarms,
} from './helpers/network-models';

before(useBackend);

/** conv-BN-ReLU, conv-BN, dense, dropout 0.5 twice: the batch-normalized CNN of the tfjs examples, small. */
function batchNormCnn(rate = 0.5): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dropout({ rate }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

test('train-eval-mode spares an untrained batch-normalized CNN with two dropout layers of 0.5, and flags the same CNN at 0.9', async () => {
  const { x, y } = mnistDigits(64, [28, 28, 1]);
  for (let i = 0; i < 3; i++) {
    const model = batchNormCnn();
    const run = await runNetworkChecks([trainEvalCheck], model, x, y);
    assert.deepEqual(alarms(run), []);
    assert.equal(run.leaked, 0);
    assert.ok(run.untouched);
    model.dispose();
  }
  const heavy = batchNormCnn(0.9);
  const heavyRun = await runNetworkChecks([trainEvalCheck], heavy, x, y);
  const finding = findingWith(heavyRun, 'train-eval-gap');
  assert.equal(finding.evidence.cause, 'dropout-rate');
  assert.ok(Number(finding.evidence.noiseToSignal) > 1.5 * Number(finding.evidence.usualDropout));
  tf.dispose([x, y]);
  heavy.dispose();
});

test('train-eval-mode blames a noise layer that still changes the outputs with dropout off (cause mode-layers)', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 32, activation: 'relu', inputShape: [784] }),
      tf.layers.gaussianNoise({ stddev: 20 }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const { x, y } = mnistDigits(64);
  const run = await runNetworkChecks([trainEvalCheck], model, x, y);
  const finding = findingWith(run, 'train-eval-gap');
  assert.equal(finding.evidence.cause, 'mode-layers');
  assert.equal(finding.layer, model.layers[1].name);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow does not call an MAE output bias zero when one batch has as many residuals above as below, nor the GRU behind a zero output kernel', async () => {
  // Output kernel zero (a deliberate choice): every prediction is 0, so the residual signs are the target signs,
  // and the GRU gets no gradient on the very first step only.
  const model = tf.sequential({
    layers: [
      tf.layers.gru({ units: 8, inputShape: [5, 2] }),
      tf.layers.dense({ units: 1, kernelInitializer: 'zeros' }),
    ],
  });
  const rows = 96;
  const x = tf.randomUniform([rows, 5, 2], -1, 1, 'float32', 7);
  // First batch of 32: 16 targets above 0 and 16 below (bias gradient exactly 0); later rows mostly above.
  const targets = Array.from({ length: rows }, (_, i) => (i < 32 ? (i % 2 === 0 ? 1 : -1) : i % 4 === 0 ? -0.5 : 0.5));
  const y = tf.tensor2d(targets, [rows, 1]);
  const mae: LossFunction = (yTrue, yPred) => tf.losses.absoluteDifference(yTrue, yPred);
  const run = await runNetworkChecks([gradientFlowCheck], model, x, y, { task: 'regression', loss: mae, lossName: 'meanAbsoluteError' });
  const bias = run.results[0].measurements?.gradients?.weights.find((w) => w.layer === model.layers[1].name && w.weight === 'bias');
  assert.equal(bias?.gradNorm, 0, 'the first batch alone zeroes the bias gradient');
  assert.deepEqual(run.findings.filter((f) => f.id === 'gradients-zero'), []);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow judges a fresh RMSProp at 1e-2 by its steady step, not its 3.16x first step', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(64);
  const run = await runNetworkChecks([gradientFlowCheck], model, x, y, { learningRate: 1e-2, optimizerName: 'RMSProp', optimizer: () => tf.train.rmsprop(1e-2) });
  const kernels = run.results[0].measurements?.gradients?.weights.filter((w) => w.shape.length >= 2) ?? [];
  const ratios = kernels.map((w) => w.updateRatio ?? 0).sort((a, b) => a - b);
  assert.ok(ratios[Math.floor(ratios.length / 2)] > 0.1, `the first step measures above the 0.1 line: ${ratios}`);
  assert.deepEqual(run.findings.filter((f) => f.id === 'update-ratio-off'), []);
  const sgd = await runNetworkChecks([gradientFlowCheck], model, x, y, { learningRate: 10, optimizerName: 'SGD', optimizer: () => tf.train.sgd(10) });
  assert.equal(findingWith(sgd, 'update-ratio-off').evidence.direction, 'high');
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow, overfit and lr-range with SGD momentum leak no tensor (tfjs Momentum.dispose keeps its rate scalar)', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(64);
  const run = await runNetworkChecks([gradientFlowCheck, overfitCheck, lrRangeCheck], model, x, y, {
    learningRate: 0.01, optimizerName: 'Momentum', optimizer: () => tf.train.momentum(0.01, 0.9),
  });
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('lr-range reports lr-too-high (error) when updates are huge at your rate and a tenth of it trains, and not when your rate trains best', async () => {
  const data = tabularData(128);
  const y = data.y.mul(30);
  // Seeded initializers: the range test and the rate probe see the same network on every run.
  const seededTabular = () => tf.sequential({
    layers: [
      tf.layers.dense({ units: 32, activation: 'relu', inputShape: [6], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  const high = seededTabular();
  const run = await runNetworkChecks([gradientFlowCheck, lrRangeCheck], high, data.x, y, {
    task: 'regression', learningRate: 0.02, optimizerName: 'SGD', optimizer: () => tf.train.sgd(0.02),
  });
  const ratios = (run.results[0].measurements?.gradients?.weights ?? []).filter((w) => w.shape.length >= 2).map((w) => w.updateRatio ?? 0).sort((a, b) => a - b);
  assert.ok(ratios[Math.floor(ratios.length / 2)] > 0.1, `the symptom: updates above a tenth of the weights (${ratios})`);
  const finding = findingWith(run, 'lr-too-high');
  assert.equal(finding.severity, 'error');
  assert.equal(finding.evidence.sweep, 'none', 'below the divergence point: the range test alone says nothing');
  assert.ok(Number(finding.evidence.probeLowerLoss) < Number(finding.evidence.probeInitialLoss), JSON.stringify(finding.evidence));
  assert.ok(Number(finding.evidence.probeYourLoss) > Number(finding.evidence.probeInitialLoss), 'your rate made it go up');
  const adam = seededTabular();
  const adamRun = await runNetworkChecks([gradientFlowCheck, lrRangeCheck], adam, data.x, y, {
    task: 'regression', learningRate: 0.05, optimizerName: 'Adam', optimizer: () => tf.train.adam(0.05),
  });
  assert.deepEqual(adamRun.findings.filter((f) => f.id === 'lr-too-high'), []);
  assert.equal(run.leaked + adamRun.leaked, 0);
  tf.dispose([data.x, data.y, y]);
  high.dispose();
  adam.dispose();
});

test('frozen-layers warns about a frozen layer still at its initialization, and notes a trained frozen layer as info', async () => {
  const { x, y } = mnistDigits(200);
  const fresh = mlp();
  fresh.layers[0].trainable = false;
  const freshRun = await runNetworkChecks([frozenLayersCheck], fresh, x, y);
  const warning = findingWith(freshRun, 'layers-frozen');
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.layer, fresh.layers[0].name);
  const trained = mlp();
  await trained.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
  trained.layers[0].trainable = false;
  const trainedRun = await runNetworkChecks([frozenLayersCheck], trained, x, y);
  assert.equal(findingWith(trainedRun, 'layers-frozen').severity, 'info');
  assert.equal(freshRun.leaked + trainedRun.leaked, 0);
  tf.dispose([x, y]);
  fresh.dispose();
  trained.dispose();
});

test('layer-widths flags a 1-unit hidden layer before a 10-class output as layer-bottleneck, and spares 2 units and a 1-unit side branch', async () => {
  const chain = (units: number) => tf.sequential({
    layers: [
      tf.layers.dense({ units: 32, activation: 'relu', inputShape: [784] }),
      tf.layers.dense({ units, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const { x, y } = mnistDigits(32);
  const narrow = chain(1);
  const finding = findingWith(await runNetworkChecks([bottleneckCheck], narrow, x, y), 'layer-bottleneck');
  assert.equal(finding.layer, narrow.layers[1].name);
  const two = chain(2);
  assert.deepEqual((await runNetworkChecks([bottleneckCheck], two, x, y)).findings, []);
  // An attention-like gate: a Dense(1) score on a side branch multiplies the trunk.
  const input = tf.input({ shape: [784] });
  const trunk = tf.layers.dense({ units: 32, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const gate = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(trunk) as tf.SymbolicTensor;
  const gated = tf.layers.multiply().apply([trunk, gate]) as tf.SymbolicTensor;
  const branched = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10, activation: 'softmax' }).apply(gated) as tf.SymbolicTensor });
  const branchedRun = await runNetworkChecks([bottleneckCheck], branched, x, y);
  assert.deepEqual(branchedRun.findings, []);
  assert.match(branchedRun.results[0].skipped ?? '', /branches/);
  tf.dispose([x, y]);
  [narrow, two, branched].forEach((m) => m.dispose());
});

test('overfit-tiny-batch reports ReLU units alive at initialization but dead after its steps at SGD 3 as activations-dead, and none at Adam 1e-3', async () => {
  const { x, y } = mnistDigits(128);
  // Seeded initializers: which units die depends on the draw.
  const high = tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  const run = await runNetworkChecks([activationsCheck, overfitCheck], high, x, y, { learningRate: 3, optimizerName: 'SGD', optimizer: () => tf.train.sgd(3) });
  const dead = findingWith(run, 'activations-dead');
  assert.ok(Number(dead.evidence.deadFraction) >= 0.5 && Number(dead.evidence.deadAtInit) < 0.25, JSON.stringify(dead.evidence));
  assert.match(String(dead.evidence.after), /^after \d+ steps$/);
  assert.deepEqual(run.results[0].findings, [], 'alive at initialization');
  const healthy = mlp();
  const healthyRun = await runNetworkChecks([activationsCheck, overfitCheck], healthy, x, y);
  assert.deepEqual(healthyRun.findings, []);
  assert.equal(run.leaked + healthyRun.leaked, 0);
  tf.dispose([x, y]);
  high.dispose();
  healthy.dispose();
});

test('batch-independence skips a token model whose float32 ids feed an Embedding, without a tfjs error or a leak', async () => {
  const model = tf.sequential({
    layers: [tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }), tf.layers.lstm({ units: 4 }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  const x = tf.tensor2d(Array.from({ length: 48 }, (_, i) => i % 20), [8, 6]);
  const y = tf.tensor2d(Array.from({ length: 8 }, (_, i) => i % 2), [8, 1]);
  const run = await runNetworkChecks([batchMixingCheck], model, x, y, { task: 'binary' });
  assert.match(run.results[0].skipped ?? '', /token ids/);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});
