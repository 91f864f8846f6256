/**
 * The data/loss checks added for issue 10 §2, each on a buggy setup and its
 * healthy twin: targets the output activation cannot reach
 * (output-range-mismatch), a custom loss that mixes samples
 * (loss-mixes-samples), and classes training never sees
 * (split-class-missing).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import * as msg from '../src/messages/data';
import { assertNoProblems, DATA_ONLY, diagnoseNoLeak, findingOf } from './helpers/diagnose';
import { mnistArrays, mnistMlp, oneHot } from './helpers/models';
import { scaledRegression } from './helpers/data-models';

before(() => ready());

function regressionNet(activation: 'sigmoid' | 'relu' | 'tanh' | 'linear', loss: string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) = 'meanSquaredError'): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [5], units: 16, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 5 }) }),
    tf.layers.dense({ units: 1, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.01), loss });
  return model;
}

const column = (values: number[]): number[][] => values.map((v) => [v]);
const minMax = (values: number[]): number[] => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => (v - lo) / (hi - lo));
};

test('diagnose(sigmoid regression, targets 0..100) flags output-range-mismatch as an error; targets scaled into [0, 1] are clean', async () => {
  const { x, labels } = scaledRegression(400, 1);
  const percent = minMax(labels).map((v) => 100 * v);
  const model = regressionNet('sigmoid');
  const f = findingOf(await diagnoseNoLeak(model, { x, y: column(percent) }), 'output-range-mismatch');
  assert.equal(f.severity, 'error');
  assert.equal(f.evidence.activation, 'sigmoid');
  assert.equal(f.layer, model.layers[1].name);
  assert.ok(Number(f.evidence.share) > 0.9, String(f.evidence.share));
  assert.equal(f.title, msg.outputRangeMismatch({ activation: 'sigmoid', low: 0, high: 1, min: 0, max: 100, outside: 1, sampled: 1, layer: '', severity: 'error' }).title);
  assertNoProblems(await diagnoseNoLeak(model, { x, y: column(minMax(labels)) }));
  model.dispose();
});

test('diagnose(relu-output regression, standardized targets) flags output-range-mismatch: half the targets are negative', async () => {
  const { x, labels } = scaledRegression(400, 1);
  const relu = regressionNet('relu');
  const f = findingOf(await diagnoseNoLeak(relu, { x, y: column(labels) }), 'output-range-mismatch');
  assert.equal(f.evidence.activation, 'relu');
  assert.equal(f.evidence.low, 0);
  assert.equal(f.severity, Number(f.evidence.share) >= 0.5 ? 'error' : 'warning');
  assert.ok(Number(f.evidence.share) > 0.3);
  const linear = regressionNet('linear');
  assertNoProblems(await diagnoseNoLeak(linear, { x, y: column(labels) }));
  assertNoProblems(await diagnoseNoLeak(relu, { x, y: column(labels.map((v) => Math.abs(v))) }));
  relu.dispose();
  linear.dispose();
});

test('diagnose(tanh-output regression, targets up to +-3) warns with output-range-mismatch for the tails beyond +-1', async () => {
  const { x, labels } = scaledRegression(400, 1);
  const model = regressionNet('tanh');
  const f = findingOf(await diagnoseNoLeak(model, { x, y: column(labels) }), 'output-range-mismatch');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.high, 1);
  model.dispose();
});

test('diagnose(model, data) with a custom loss that flattens the labels ([n] against [n, 1]) flags loss-mixes-samples', async () => {
  const { x, labels } = scaledRegression(200, 1);
  const broadcast = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.reshape(yTrue, [-1]), yPred)));
  const model = regressionNet('linear', broadcast);
  const report = await diagnoseNoLeak(model, { x, y: column(labels) }, { ...DATA_ONLY, checks: { only: ['loss-independence'] } });
  const f = findingOf(report, 'loss-mixes-samples');
  assert.equal(f.severity, 'error');
  assert.ok(Number(f.evidence.crossEffect) > 1e-3, String(f.evidence.crossEffect));
  model.dispose();
});

test('diagnose(model, data) with a row-wise custom loss passes the loss-independence check', async () => {
  const { x, labels } = scaledRegression(200, 1);
  const rowWise = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(yTrue, yPred)));
  const model = regressionNet('linear', rowWise);
  const report = await diagnoseNoLeak(model, { x, y: column(labels) }, { ...DATA_ONLY, checks: { only: ['loss-independence'] } });
  const run = report.checks.find((c) => c.id === 'loss-independence');
  assert.equal(run?.status, 'pass', run?.note);
  assert.equal(report.findings.length, 0);
  model.dispose();
});

test('diagnose(model, data, { validation }) flags a class present only in validation as split-class-missing', async () => {
  const train = mnistArrays(40);
  const other = mnistArrays(10, 40);
  const keep = train.labels.map((c, i) => ({ c, i })).filter(({ c }) => c !== 7);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x: keep.map(({ i }) => train.x[i]), y: oneHot(keep.map(({ c }) => c), 10) }, {
    validation: { x: other.x, y: oneHot(other.labels, 10) },
  });
  const f = findingOf(report, 'split-class-missing');
  assert.equal(f.evidence.kind, 'validation-only');
  assert.equal(f.evidence.first, '7');
  assert.equal(f.evidence.rows, 10);
  assert.equal(f.severity, 'warning');
  // The class missing from training is this finding's, not also a labels-imbalanced warning.
  assert.deepEqual(report.findings.filter((x) => x.severity !== 'info').map((x) => x.id), ['split-class-missing']);
  const clean = await diagnoseNoLeak(model, { x: train.x, y: oneHot(train.labels, 10) }, { validation: { x: other.x, y: oneHot(other.labels, 10) } });
  assert.equal(clean.findings.find((x) => x.id === 'split-class-missing'), undefined);
  model.dispose();
});

test('diagnose(model, label-sorted tensors) warns that validationSplit would hold classes training never sees; interleaved data is clean', async () => {
  const { x, labels } = mnistArrays(40);
  const order = labels.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c);
  const model = mnistMlp();
  const sorted = await diagnoseNoLeak(model, { x: order.map(({ i }) => x[i]), y: oneHot(order.map(({ c }) => c), 10) });
  const f = findingOf(sorted, 'split-class-missing');
  assert.equal(f.evidence.kind, 'sorted-tail');
  assert.equal(f.evidence.first, '8');
  assert.equal(f.evidence.classes, 2);
  const interleaved = await diagnoseNoLeak(model, { x, y: oneHot(labels, 10) });
  assert.equal(interleaved.findings.find((x) => x.id === 'split-class-missing'), undefined);
  model.dispose();
});

test('diagnose(1 sigmoid unit, one-hot [n, 2] labels) reports labels-invalid and skips the loss views instead of failing them', async () => {
  const { x, labels } = mnistArrays(20);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y: oneHot(labels.map((c) => Number(c < 5)), 2) });
  assert.equal(findingOf(report, 'labels-invalid').evidence.kind, 'width-mismatch');
  for (const id of ['initial-loss', 'predictions']) {
    const run = report.checks.find((c) => c.id === id);
    assert.equal(run?.status, 'skipped', `${id}: ${run?.note}`);
  }
  model.dispose();
});

test('diagnose(model, data where nearly every label is equal) still probes loss-mixes-samples with a row of another label', async () => {
  const { x, labels } = scaledRegression(200, 1);
  const sorted = labels.map((_, i) => (i % 100 === 99 ? 1 : 0));   // 2 of 200 labels differ: the first probe rows share one label
  const broadcast = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.reshape(yTrue, [-1]), yPred)));
  const model = regressionNet('linear', broadcast);
  const report = await diagnoseNoLeak(model, { x, y: column(sorted) }, { ...DATA_ONLY, checks: { only: ['loss-independence'] } });
  assert.equal(findingOf(report, 'loss-mixes-samples').severity, 'error');
  model.dispose();
});
