/**
 * Multilabel outputs (issue 13): task inference from multi-hot labels, the
 * chance level of binaryCrossentropy (and of softmax on multi-hot rows),
 * label checks judged per label, the per-label relation probe, softmax on
 * multilabel targets as loss-output-mismatch, and the per-label views.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { reportSections } from '../src/render/sections';
import * as tf from '@tensorflow/tfjs';
import { diagnose, type Diagnosis, type DiagnoseData, type DiagnoseOptions } from '../src/diagnose';
import { labelSummary } from '../src/checks/norm/multilabel-views';
import { labelSummaryChart } from '../src/charts';
import { normMessages } from '../src/messages/norm';
import { useBackend } from './helpers/network-models';
import { findingOf } from './helpers/diagnose';
import { assertClean, chartTest, countMarks, render } from './fixtures/render-chart';
import { tagged, tagger, TAGS } from '../bench/cases/zoo/norm';

before(useBackend);

const quiet: DiagnoseOptions = { display: false };

function model(units: number, activation: 'sigmoid' | 'softmax', loss: string, inputs = 4): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [inputs], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  m.compile({ optimizer: 'adam', loss });
  return m;
}

async function diagnoseChecked(m: tf.LayersModel, data: DiagnoseData, options: DiagnoseOptions): Promise<Diagnosis> {
  const before = m.getWeights().map((w) => Array.from(w.dataSync()));
  const tensors = tf.memory().numTensors;
  const report = await diagnose(m, data, { ...quiet, ...options });
  assert.equal(tf.memory().numTensors, tensors, 'diagnose() leaked tensors');
  assert.deepEqual(m.getWeights().map((w) => Array.from(w.dataSync())), before, 'diagnose() changed the model');
  return report;
}

/** `rows` copies of the label rows `pattern`, with 4 random-ish input features each. */
function repeated(pattern: number[][], rows: number): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: rows }, (_, r) => [Math.sin(r), Math.cos(r), Math.sin(2 * r), Math.cos(3 * r)]);
  return { x, y: Array.from({ length: rows }, (_, r) => pattern[r % pattern.length]) };
}

const LABEL_CHECKS: DiagnoseOptions = { checks: { only: ['labels', 'loss-config', 'multilabel-labels'] } };

test('diagnose(sigmoid + binaryCrossentropy, multi-hot rows) infers multilabel; chance = mean over labels of each label\'s binary entropy (0.6277 for rates 0.5 and 0.25)', async () => {
  // Label 0 on in half the rows, label 1 in a quarter; rows [1, 1] make it multi-hot.
  const data = repeated([[1, 1], [1, 0], [0, 0], [0, 0]], 200);
  const m = model(2, 'sigmoid', 'binaryCrossentropy');
  const report = await diagnoseChecked(m, data, LABEL_CHECKS);
  assert.equal(report.context.task.value, 'multilabel');
  assert.match(report.context.task.reason ?? '', /50 label rows with several 1s/);
  // By hand: H(0.5) = ln 2 = 0.693147; H(0.25) = 0.25 ln 4 + 0.75 ln(4/3) = 0.346574 + 0.215762 = 0.562335; mean 0.627741.
  assert.ok(Math.abs((report.context.chanceLoss ?? 0) - 0.627741) < 1e-5, String(report.context.chanceLoss));
  // tfjs averages binaryCrossentropy over the labels of a row, then over rows: the constant prediction [0.5, 0.25] scores exactly that.
  const constant = tf.tidy(() => tf.metrics.binaryCrossentropy(tf.tensor2d(data.y), tf.tensor2d(data.y.map(() => [0.5, 0.25]))).mean().dataSync()[0]);
  assert.ok(Math.abs(constant - 0.627741) < 1e-4, String(constant));
  assert.deepEqual(report.findings.filter((f) => f.severity !== 'info'), []);
  m.dispose();
});

test('diagnose(softmax + categoricalCrossentropy, multi-hot rows) reports loss-output-mismatch (error) with chance -sum m_k ln(m_k / S) = 1.5171', async () => {
  const data = repeated([[1, 1, 0], [1, 0, 1], [1, 0, 0], [0, 1, 0]], 200);
  const m = model(3, 'softmax', 'categoricalCrossentropy');
  const report = await diagnoseChecked(m, data, LABEL_CHECKS);
  assert.equal(report.context.task.value, 'multilabel');
  // By hand: m = [0.75, 0.5, 0.25], S = 1.5: 0.75 ln 2 + 0.5 ln 3 + 0.25 ln 6 = 0.519860 + 0.549306 + 0.447940 = 1.517106.
  assert.ok(Math.abs((report.context.chanceLoss ?? 0) - 1.517106) < 1e-5, String(report.context.chanceLoss));
  const constant = tf.tidy(() => tf.metrics.categoricalCrossentropy(tf.tensor2d(data.y), tf.tensor2d(data.y.map(() => [0.5, 1 / 3, 1 / 6]))).mean().dataSync()[0]);
  assert.ok(Math.abs(constant - 1.517106) < 1e-4, String(constant));
  const finding = findingOf(report, 'loss-output-mismatch');
  assert.deepEqual(finding, normMessages.softmaxMultilabel({
    lossName: 'categoricalCrossentropy', units: 3, layer: m.layers[1].name, multiHotRows: 100, rows: 200, cardinality: 1.5,
  }));
  assert.ok(!report.findings.some((f) => f.id === 'labels-invalid'), 'multi-hot rows are not invalid one-hot rows here');
  m.dispose();
});

test('diagnose(multilabel) flags a label that is never positive, and labels outside [0, 1] as labels-invalid', async () => {
  const never = repeated([[1, 1, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]], 200);
  const m = model(3, 'sigmoid', 'binaryCrossentropy');
  const report = await diagnoseChecked(m, never, LABEL_CHECKS);
  assert.deepEqual(findingOf(report, 'labels-imbalanced'), normMessages.multilabelConstantLabel({ labels: ['2'], never: ['2'], always: [], rows: 200 }));
  const outside = repeated([[1, 2, 0], [0, 1, 0], [1, 0, 1]], 150);
  const invalid = await diagnoseChecked(m, outside, LABEL_CHECKS);
  assert.equal(findingOf(invalid, 'labels-invalid').severity, 'error');
  m.dispose();
});

test('diagnose(multilabel) judges imbalance per label: a tag on 2 of 400 rows is a warning, tags on 30% of rows are not imbalanced', async () => {
  const rows = 400;
  const x = Array.from({ length: rows }, (_, r) => [Math.sin(r), Math.cos(r), Math.sin(2 * r), Math.cos(3 * r)]);
  const y = x.map((_, r) => [r % 3 === 0 ? 1 : 0, r % 10 < 3 ? 1 : 0, r % 200 === 7 ? 1 : 0]);
  const m = model(3, 'sigmoid', 'binaryCrossentropy');
  const report = await diagnoseChecked(m, { x, y }, LABEL_CHECKS);
  const finding = findingOf(report, 'labels-imbalanced');
  assert.equal(finding.severity, 'warning');
  assert.equal(finding.evidence.rarest, '2');
  assert.equal(finding.evidence.rarestCount, 2);
  assert.equal(finding.evidence.rare, 1, 'only the rare tag is listed');
  m.dispose();
});

test('diagnose(multilabel tagger) finds the labels related per label, and shuffled label rows unrelated', async () => {
  const { x, y } = tagged(400);
  const m = tagger();
  const options: DiagnoseOptions = { checks: { only: ['label-relation-multilabel'] } };
  const real = await diagnoseChecked(m, { x, y }, options);
  assert.deepEqual(real.findings, []);
  assert.match(real.checks.find((c) => c.id === 'label-relation-multilabel')?.note ?? '', /mean accuracy over 5 labels/);
  const order = y.map((_, i) => (i * 7919) % y.length);
  const shuffled = await diagnoseChecked(m, { x, y: order.map((i) => y[i]) }, options);
  assert.equal(findingOf(shuffled, 'labels-unrelated').severity, 'error');
  m.dispose();
});

test('diagnose(healthy multilabel tagger) raises no warning or error and shows per-label results instead of a confusion matrix', async () => {
  const { x, y } = tagged(300);
  const m = tagger();
  const report = await diagnoseChecked(m, { x, y }, {});
  assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.id}: ${f.detail}`), []);
  assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.note}`), []);
  assert.equal(report.measurements.confusion, undefined);
  assert.equal(report.measurements.labelSummary?.labels.length, TAGS.labels);
  assert.equal(report.measurements.labelSummary?.rows, 300);
  const positives = report.measurements.labelSummary?.labels.map((l) => l.positives);
  assert.deepEqual(positives, Array.from({ length: TAGS.labels }, (_, k) => y.filter((row) => row[k] === 1).length));
  assert.ok((report.measurements.predictions?.rows.length ?? 0) > 0);
  // The section is named for what it draws: per-label results, not a confusion matrix.
  const titles = reportSections(report.measurements).map((s) => s.definition.title);
  assert.ok(titles.includes('Results per label'), titles.join(', '));
  assert.ok(!titles.includes('Confusion matrix'));
  m.dispose();
});

test('labelSummary(names, y, p) counts true/false positives and negatives of each label at 0.5', () => {
  const y = [1, 0, 1, 1, 0, 0];
  const p = [0.9, 0.6, 0.2, 0.7, 0.1, 0.4];
  // Rows [1, 0] -> [0.9, 0.6]: a TP, b FP; [1, 1] -> [0.2, 0.7]: a FN, b TP; [0, 0] -> [0.1, 0.4]: a TN, b TN.
  assert.deepEqual(labelSummary(['a', 'b'], y, p, 3, 2), {
    rows: 3,
    labels: [
      { label: 'a', positives: 2, truePositive: 1, falsePositive: 0, falseNegative: 1, trueNegative: 1 },
      { label: 'b', positives: 1, truePositive: 1, falsePositive: 1, falseNegative: 0, trueNegative: 1 },
    ],
  });
});

chartTest('labelSummaryChart(summary) draws found, missed and false-alarm bars per label', async () => {
  const out = await render(labelSummaryChart({
    rows: 10,
    labels: [
      { label: 'cat', positives: 4, truePositive: 3, falsePositive: 1, falseNegative: 1, trueNegative: 5 },
      { label: 'dog', positives: 2, truePositive: 0, falsePositive: 0, falseNegative: 2, trueNegative: 8 },
    ],
  }));
  assertClean(out);
  // cat: found 3, missed 1, alarm 1; dog: missed 2 (zero-count bars draw nothing visible but exist).
  assert.equal(countMarks(out.svg, 'bar'), 6);
});
