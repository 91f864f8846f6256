/**
 * Batch normalization (issue 13): moving vs batch statistics, batches too
 * small for batch statistics, batch norm after the output, and no alarm on a
 * freshly built batch-normalized network. Real small models, real training.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { diagnose, type Diagnosis, type DiagnoseData, type DiagnoseOptions } from '../src/diagnose';
import { statsGap } from '../src/checks/norm/batchnorm';
import { batchNormChart } from '../src/charts';
import { normMessages } from '../src/messages/norm';
import { useBackend, mnistDigits } from './helpers/network-models';
import { batchNormDropoutCnn } from './helpers/zoo';
import { findingOf } from './helpers/diagnose';
import { ZOO } from '../bench/cases/zoo/cases';
import { withSeed } from '../bench/cases/seed';
import { assertClean, chartTest, countMarks, render } from './fixtures/render-chart';

before(useBackend);

const ONLY_BATCH_NORM: DiagnoseOptions = { display: false, checks: { only: ['batch-norm'] } };

/** Four Gaussian clusters in 8 standardized features, one-hot labels; `shift` is added to every feature. */
function clusters(rows: number, shift = 0, scale = 1, seed = 3): { x: tf.Tensor2D; y: tf.Tensor2D } {
  let state = seed;
  const uniform = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const centres = [[1.5, 0, -1, 0.5, 0, 1, -1.5, 0], [-1.5, 1, 0, -0.5, 1, 0, 1.5, -1], [0, -1.5, 1.5, 0, -1, 0.5, 0, 1], [0.5, 1.5, 0, 1.5, 0, -1.5, 0.5, 0]];
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 4;
    x.push(centres[c].map((m) => (m + 0.5 * gauss()) * scale + shift));
    labels.push(c);
  }
  return { x: tf.tensor2d(x), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat() as tf.Tensor2D };
}

/** dense 16 (no bias) -> batchNorm -> relu -> dense 4 softmax. */
function denseBatchNorm(momentum = 0.99, seed = 5): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8], units: 16, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.batchNormalization({ momentum }));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

async function trained(model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }, epochs = 40): Promise<tf.LayersModel> {
  await model.fit(data.x, data.y, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
  return model;
}

function weights(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

/** diagnose() asserting no leaked tensors and an unchanged model. */
async function diagnoseChecked(model: tf.LayersModel, data: DiagnoseData, options: DiagnoseOptions = ONLY_BATCH_NORM): Promise<Diagnosis> {
  const before = weights(model);
  const tensors = tf.memory().numTensors;
  const report = await diagnose(model, data, { ...ONLY_BATCH_NORM, ...options });
  assert.equal(tf.memory().numTensors, tensors, 'diagnose() leaked tensors');
  assert.deepEqual(weights(model), before, 'diagnose() changed the model');
  return report;
}

const ids = (report: Diagnosis) => report.findings.map((f) => `${f.id}:${f.severity}`);

test('statsGap(stats) is the RMS over channels of the mean shift in batch stds and of |ln variance ratio|', () => {
  const gap = statsGap({
    layer: 'bn', layerIndex: 1, momentum: 0.99, epsilon: 0, atInit: false,
    movingMean: [1, 0], movingVariance: [4, 1], batchMean: [0, 0], batchVariance: [1, 1],
  });
  // Channel 0: shift (1 - 0) / sqrt(1) = 1, ln(4 / 1) = 1.386; channel 1: 0 and 0.
  assert.ok(Math.abs(gap.meanShift - Math.sqrt(1 / 2)) < 1e-12);
  assert.ok(Math.abs(gap.logVarianceRatio - Math.log(4) / Math.sqrt(2)) < 1e-12);
});

test('diagnose(model, data) raises no warning for an untrained batch-normalized CNN with dropout: no train-eval-gap, no batch-norm finding', async () => {
  const data = mnistDigits(200, [28, 28, 1]);
  const model = batchNormDropoutCnn();
  const report = await diagnoseChecked(model, data, { checks: { only: ['train-eval-mode', 'batch-norm'] } });
  assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => f.id), []);
  assert.equal(report.checks.find((c) => c.id === 'train-eval-mode')?.status, 'pass');
  assert.equal(report.checks.find((c) => c.id === 'batch-norm')?.status, 'pass');
  // A fresh model's moving statistics are far from the data's, yet cost nothing: the loss is at chance both ways.
  const layers = report.measurements.batchNorm?.layers ?? [];
  assert.equal(layers.length, 2);
  assert.ok(layers.every((l) => l.atInit));
  assert.ok(layers.some((l) => l.varianceRatio > 4), 'the statistics differ, as they do before any training');
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test('diagnose(model, data) flags batchnorm-stats-mismatch on a trained model fed data shifted by 3 and scaled by 4, and not on its own data', async () => {
  const train = clusters(256);
  const model = await trained(denseBatchNorm(), train);
  const own = await diagnoseChecked(model, train);
  assert.deepEqual(ids(own), []);
  const shifted = clusters(256, 3, 4);
  const report = await diagnoseChecked(model, shifted);
  const finding = findingOf(report, 'batchnorm-stats-mismatch');
  assert.equal(finding.severity, 'warning');
  assert.equal(finding.evidence.cause, 'shifted');
  assert.ok(Number(finding.evidence.inferenceLoss) > 2 * Number(finding.evidence.batchStatsLoss), JSON.stringify(finding.evidence));
  assert.equal(finding.layer, model.layers[1].name);
  model.dispose();
  tf.dispose([train.x, train.y, shifted.x, shifted.y]);
});

test('diagnose(model, data) says momentum 1 froze the moving statistics of a batch-norm layer trained with model.fit', async () => {
  const train = clusters(256, 2, 3);
  const model = await trained(denseBatchNorm(1), train);
  const report = await diagnoseChecked(model, train);
  const finding = findingOf(report, 'batchnorm-stats-mismatch');
  assert.equal(finding.evidence.cause, 'frozen-momentum');
  assert.equal(finding.evidence.momentum, 1);
  assert.deepEqual(finding, normMessages.batchNormStatsMismatch({
    layer: model.layers[1].name, layers: model.layers[1].name,
    meanShift: Number(finding.evidence.meanShift), varianceRatio: Number(finding.evidence.varianceRatio),
    inferenceLoss: Number(finding.evidence.inferenceLoss), batchStatsLoss: Number(finding.evidence.batchStatsLoss),
    chanceLoss: Number(finding.evidence.chanceLoss), momentum: 1, cause: 'frozen-momentum', strength: Number(finding.evidence.strength),
  }));
  model.dispose();
  tf.dispose([train.x, train.y]);
});

test('diagnose(model, data, { batchSize: 4 }) flags batchnorm-small-batch on a dense batch-norm layer; batchSize 32 and 8 do not', async () => {
  const data = clusters(256);
  const model = denseBatchNorm();
  const small = await diagnoseChecked(model, data, { batchSize: 4 });
  const finding = findingOf(small, 'batchnorm-small-batch');
  assert.equal(finding.checklist, 'T8');
  // 4 independent rows: the batch mean moves by about 1/sqrt(4) = 0.5 channel std.
  const noise = Number(finding.evidence.meanNoise);
  assert.ok(noise > 0.35 && noise < 0.65, `mean noise ${noise}`);
  for (const batchSize of [8, 32]) {
    const report = await diagnoseChecked(model, data, { batchSize });
    assert.deepEqual(ids(report), [], `batch size ${batchSize}`);
  }
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test('diagnose(conv batch-norm CNN, { batchSize: 1 }) flags batchnorm-small-batch even where pooled positions keep the mean noise under the batch-4 bar', async () => {
  const zoo = ZOO.find((c) => c.id === 'zoo-batchnorm-cnn-small-batches');
  assert.ok(zoo && zoo.kind === 'fault');
  // Seed 4 is the initialization where the CNN's second batch norm moves by 0.26 std at batch 1 (0.33-0.40 on other seeds).
  const setup = withSeed(4, () => zoo.build());
  const data = setup.data as { x: tf.Tensor; y: tf.Tensor };
  const report = await diagnoseChecked(setup.model, data, { batchSize: 1, seed: 4 });
  const finding = findingOf(report, 'batchnorm-small-batch');
  assert.ok(Number(finding.evidence.meanNoise) < 0.3, `mean noise ${finding.evidence.meanNoise}: this test is about the batch-1 bar`);
  assert.equal(finding.evidence.batchSize, 1);
  // The same model at batch 4 is judged by the ordinary bar: a conv layer's statistics pool positions.
  assert.deepEqual(ids(await diagnoseChecked(setup.model, data, { batchSize: 4, seed: 4 })), []);
  setup.model.dispose();
  tf.dispose([data.x, data.y]);
});

test('diagnose(model, dataset batched by 2) reads the batch size from the dataset and flags batchnorm-small-batch', async () => {
  const data = clusters(128);
  const rows = await data.x.array();
  const labels = await data.y.array();
  const dataset = tf.data.array(rows.map((x, i) => ({ xs: x, ys: labels[i] }))).batch(2);
  const model = denseBatchNorm();
  const report = await diagnoseChecked(model, dataset);
  assert.equal(findingOf(report, 'batchnorm-small-batch').evidence.batchSize, 2);
  assert.equal(report.measurements.batchNorm?.batchSize, 2);
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test('diagnose(model, data) flags batchnorm-placement when batch normalization follows the softmax output', async () => {
  const data = clusters(128);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8], units: 4, activation: 'softmax' }));
  model.add(tf.layers.batchNormalization());
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const report = await diagnoseChecked(model, data);
  const finding = findingOf(report, 'batchnorm-placement');
  assert.deepEqual(finding, normMessages.batchNormAfterOutput({ layer: model.layers[1].name, after: model.layers[0].name, activation: 'softmax' }));
  model.dispose();
  tf.dispose([data.x, data.y]);
});

chartTest('batchNormChart(measurement) draws one point per channel and statistic, with the diagonal of agreement', async () => {
  const spec = batchNormChart({
    batchSize: 4,
    layers: [{
      layer: 'bn1', layerIndex: 1, momentum: 0.99, atInit: false, meanShift: 2, varianceRatio: 9, meanNoise: 0.5, logVarianceNoise: 0.3,
      channels: [
        { channel: 0, movingMean: 0, batchMean: 2, movingVariance: 1, batchVariance: 9 },
        { channel: 1, movingMean: 1, batchMean: 1.2, movingVariance: 2, batchVariance: 2.5 },
        { channel: 2, movingMean: -1, batchMean: -0.8, movingVariance: 0.5, batchVariance: 0.4 },
      ],
    }],
  });
  const out = await render(spec);
  assertClean(out);
  assert.equal(countMarks(out.svg, 'point'), 6, 'three channels in each of two panels');
  assert.equal(countMarks(out.svg, 'line mark'), 2, 'one diagonal per panel');
  assert.match((spec.title as { subtitle: string[] }).subtitle.join(' '), /At batch size 4 the batch mean of bn1 moves by 0\.5 std from batch to batch/);
});
