/**
 * diagnose() as a whole: healthy setups stay quiet, the user's model is left
 * untouched, results are deterministic, and options select checks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import type { ProgressEvent } from '../src/options';
import { assertNoProblems, diagnoseNoLeak, DATA_ONLY } from './helpers/diagnose';
import {
  mnistArrays, mnistMlp, mnistTensors, oneHot, regressionArrays, regressionModel, tabularArrays, tabularClassifier, weightSnapshot,
} from './helpers/models';

before(() => ready());

const FULL = { display: false } as const;

test('diagnose(model, data) finds no warning or error for an MNIST MLP on normalized digits (all checks)', async () => {
  const { x, y } = mnistTensors(40);
  const validation = mnistTensors(10, 40);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y }, { ...FULL, validation });
  assertNoProblems(report);
  assert.equal(report.context.inputKind.value, 'image');
  assert.equal(report.context.numClasses, 10);
  assert.ok(Math.abs((report.context.chanceLoss ?? 0) - Math.log(10)) < 0.01);
  assert.ok(report.measurements.samples && report.measurements.samples.rows.length > 0);
  assert.ok(report.measurements.samples.rows[0].image?.startsWith('data:image/png;base64,'));
  assert.ok(report.measurements.confusion && report.measurements.confusion.cells.length === 100);
  assert.ok(report.measurements.dataProfile?.labels.some((l) => l.split === 'validation'));
  tf.dispose([x, y, validation.x, validation.y]);
  model.dispose();
});

test('diagnose(model, data) finds no warning or error for a tabular classifier on standardized features (all checks)', async () => {
  const { x, labels } = tabularArrays(600);
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x, y: labels }, FULL);
  assertNoProblems(report);
  assert.equal(report.context.task.value, 'multiclass');
  assert.equal(report.context.inputKind.value, 'tabular');
  assert.equal(report.measurements.samples?.kind, 'table');
  model.dispose();
});

test('diagnose(model, data) finds no warning or error for a regression on standardized data (all checks)', async () => {
  const { x, labels } = regressionArrays(600);
  const model = regressionModel();
  const report = await diagnoseNoLeak(model, { x, y: labels.map((v) => [v]) }, FULL);
  assertNoProblems(report);
  assert.equal(report.context.task.value, 'regression');
  assert.equal(report.context.task.source, 'inferred');
  const rows = report.measurements.predictions?.rows ?? [];
  assert.ok(rows.length > 0 && rows.every((r) => typeof r.actualValue === 'number' && typeof r.predictedValue === 'number'));
  model.dispose();
});

test('diagnose(model, data) leaves weights, optimizer state and trainable flags bit-identical', async () => {
  const { x, y } = mnistTensors(20);
  const model = mnistMlp();
  await model.fit(x, y, { epochs: 1, batchSize: 50, verbose: 0 }); // gives Adam real state to protect
  const weights = weightSnapshot(model);
  const optimizerWeights = (await model.optimizer.getWeights()).map((w) => Float32Array.from(w.tensor.dataSync()));
  const trainable = model.layers.map((l) => l.trainable);
  await diagnoseNoLeak(model, { x, y }, FULL);
  assert.deepEqual(weightSnapshot(model), weights);
  const after = (await model.optimizer.getWeights()).map((w) => Float32Array.from(w.tensor.dataSync()));
  assert.deepEqual(after, optimizerWeights);
  assert.deepEqual(model.layers.map((l) => l.trainable), trainable);
  tf.dispose([x, y]);
  model.dispose();
});

function stable(report: { findings: unknown; measurements: unknown; context: unknown }): string {
  return JSON.stringify({ findings: report.findings, measurements: report.measurements, context: report.context });
}

test('diagnose(model, data, { seed }) gives identical findings and measurements for the same seed', async () => {
  const { x, labels } = mnistArrays(20);
  const model = mnistMlp();
  const data = { x, y: oneHot(labels, 10) };
  const a = await diagnoseNoLeak(model, data, { ...DATA_ONLY, seed: 3 });
  const b = await diagnoseNoLeak(model, data, { ...DATA_ONLY, seed: 3 });
  assert.equal(stable(a), stable(b));
  const c = await diagnoseNoLeak(model, data, { ...DATA_ONLY, seed: 4 });
  assert.notEqual(JSON.stringify(c.measurements.samples), JSON.stringify(a.measurements.samples));
  model.dispose();
});

test('diagnose(model, data, { checks }) selects checks by check id and by finding id, and skips either', async () => {
  const { x, labels } = tabularArrays(300);
  const model = tabularClassifier();
  const data = { x, y: labels.map((c) => c + 1) };
  const byFinding = await diagnoseNoLeak(model, data, { display: false, checks: { only: ['labels-invalid'] } });
  assert.deepEqual(byFinding.checks.filter((c) => c.status !== 'skipped').map((c) => c.id), ['profile', 'labels']);
  assert.deepEqual(byFinding.findings.map((f) => f.id), ['labels-invalid']);
  const byCheck = await diagnoseNoLeak(model, data, { display: false, checks: { only: ['labels', 'data-scale'] } });
  assert.deepEqual(byCheck.checks.filter((c) => c.status !== 'skipped').map((c) => c.id), ['profile', 'data-scale', 'labels']);
  const skipped = await diagnoseNoLeak(model, data, { ...DATA_ONLY, checks: { only: ['labels'], skip: ['labels-invalid'] } });
  assert.equal(skipped.findings.length, 0);
  await assert.rejects(diagnose(model, data, { checks: { only: ['no-such-check'] } }), /options\.checks\.only has unknown id 'no-such-check'/);
  model.dispose();
});

test('diagnose(model, data, { onProgress }) reports profiling, each check that runs, and the report', async () => {
  const { x, labels } = tabularArrays(200);
  const model = tabularClassifier();
  const events: ProgressEvent[] = [];
  await diagnoseNoLeak(model, { x, y: labels }, { ...DATA_ONLY, onProgress: (e) => events.push(e) });
  const stages = new Set(events.map((e) => e.stage));
  for (const stage of ['profile', 'labels', 'initial-loss', 'report']) assert.ok(stages.has(stage), `no progress for ${stage}`);
  const fractions = events.map((e) => e.fraction);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b));
  model.dispose();
});

test('diagnose(model, data) turns a throwing check into status error without losing the diagnosis', async () => {
  const { x, labels } = tabularArrays(200);
  const model = tabularClassifier();
  // A custom loss that fails only when a check evaluates it.
  const report = await diagnoseNoLeak(model, { x, y: labels }, {
    ...DATA_ONLY, loss: () => { throw new Error('boom in the loss'); },
  });
  const run = report.checks.find((c) => c.id === 'initial-loss');
  assert.equal(run?.status, 'error');
  assert.match(run?.note ?? '', /boom in the loss/);
  assert.ok(report.checks.some((c) => c.id === 'labels' && c.status === 'pass'));
  model.dispose();
});

test('diagnose(model, dataset) streams a tf.data dataset and profiles it like the same tensors', async () => {
  const { x, labels } = tabularArrays(500);
  const model = tabularClassifier();
  const fromArrays = await diagnoseNoLeak(model, { x, y: labels });
  const dataset = tf.data.zip({ xs: tf.data.array(x), ys: tf.data.array(labels) })
    .map((e) => { const { xs, ys } = e as { xs: number[]; ys: number }; return { xs: tf.tensor1d(xs), ys: tf.scalar(ys) }; })
    .batch(32);
  const fromDataset = await diagnoseNoLeak(model, dataset);
  assert.equal(fromDataset.context.samplesSeen, 500);
  // Batches of 32 vs chunks of 1024 sum in a different order: equal up to float32 rounding.
  const a = fromDataset.measurements.dataProfile?.features ?? [];
  const b = fromArrays.measurements.dataProfile?.features ?? [];
  assert.equal(a.length, 8);
  assert.equal(a.length, b.length);
  a.forEach((f, i) => {
    assert.ok(Math.abs((f.mean ?? NaN) - (b[i].mean ?? NaN)) < 1e-5, `mean of ${f.feature}`);
    assert.ok(Math.abs((f.std ?? NaN) - (b[i].std ?? NaN)) < 1e-5, `std of ${f.feature}`);
    assert.equal(f.min, b[i].min);
    assert.equal(f.max, b[i].max);
  });
  model.dispose();
});

test('diagnose(model, data) accepts flat 0/1 labels for a 1-unit sigmoid output, as model.fit does', async () => {
  const { x, labels } = tabularArrays(400);
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [8], units: 8, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
    tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y: labels.map((c) => (c === 0 ? 1 : 0)) });
  assertNoProblems(report);
  assert.equal(report.context.task.value, 'binary');
  assert.deepEqual(report.measurements.confusion?.classes, ['0', '1']);
  model.optimizer.dispose();
  model.dispose();
});

test('diagnose(model, data) finds the linear link of a sequence regression that nearest neighbours miss', async () => {
  const x = tf.randomNormal([300, 10, 3], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.sum(x, [1, 2]).reshape([300, 1]).div(5));
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [10, 3] }), tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const report = await diagnoseNoLeak(model, { x, y });
  assert.equal(report.context.inputKind.value, 'sequence');
  assertNoProblems(report);
  assert.match(report.checks.find((c) => c.id === 'label-relation')?.note ?? '', /linear \(ridge\) regression/);
  tf.dispose([x, y]);
  model.dispose();
});

test("diagnose(model, data, { budget: 'thorough' }) judges on a larger sample than 'quick'", async () => {
  const { x, labels } = tabularArrays(3000);
  const model = tabularClassifier();
  const heldOut = async (budget: 'quick' | 'thorough') => {
    const report = await diagnoseNoLeak(model, { x, y: labels }, { ...DATA_ONLY, budget });
    assert.equal(report.context.budget, budget);
    assert.equal(report.context.samplesSeen, 3000);
    return Number(/\((\d+) held out\)/.exec(report.checks.find((c) => c.id === 'label-relation')?.note ?? '')?.[1]);
  };
  assert.equal(await heldOut('quick'), 256);
  assert.equal(await heldOut('thorough'), 750);
  model.dispose();
});
