/**
 * What the user reads agrees with what was measured: sentences start with a
 * capital, numbers read the same in the chart and the text, and a message never
 * prints "Infinity" or a range whose two ends are the same number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataUnnormalized } from '../src/messages/data';
import { networkMessages } from '../src/messages/network';
import { percent } from '../src/messages/format';
import { SECTION_SUMMARIES } from '../src/render/text';
import { confusionMatrixChart } from '../src/charts/confusion';
import { trainingPanelChart } from '../src/charts/training';
import { dataProfileChart } from '../src/charts/data-profile';
import type { LayerActivation, LossMeasurement, Measurements } from '../src/measurements';

test('dataUnnormalized(large-values and offset) starts its detail with a capital, like every finding', () => {
  for (const kind of ['large-values', 'offset'] as const) {
    const f = dataUnnormalized({ kind, feature: 'feature 3', mean: -33.9, std: 1060, min: -2810, max: 2720 });
    assert.match(f.detail, /^Feature 3 /, f.detail);
  }
});

test('updateRatioOff(median 0) says the weights did not move and never prints Infinity', () => {
  const f = networkMessages.updateRatioOff({
    median: 0, factor: Infinity, direction: 'low', learningRate: 0.5, optimizer: 'Adam', worstLayer: 'dense_1',
    firstStep: 0, firstStepGain: 1, lossBefore: 0.5, lossAfter: 0.5,
  });
  assert.doesNotMatch(`${f.detail} ${f.fix}`, /Infinity|NaN/);
  assert.match(f.detail, /unchanged/);
  assert.doesNotMatch(f.fix, /roughly to/);
  const measurable = networkMessages.updateRatioOff({
    median: 1e-6, factor: 1000, direction: 'low', learningRate: 1e-5, optimizer: 'Adam', worstLayer: 'dense_1',
    firstStep: 1e-6, firstStepGain: 1, lossBefore: 0.5, lossAfter: 0.5,
  });
  assert.match(measurable.fix, /^Raise the learning rate, roughly to 0.00333\.$/);
});

test('SECTION_SUMMARIES.data(one channel) gives its mean and std once, not "33.7 to 33.7"', () => {
  const m: Measurements = {
    dataProfile: {
      unit: 'channel', samples: 3000,
      features: [{ feature: 'gray', split: 'train', mean: 33.7, std: 78.9, min: 0, max: 255 }],
      labels: ['0', '1'].map((label) => ({ label, split: 'train' as const, count: 300 })),
    },
  };
  assert.equal(SECTION_SUMMARIES.data(m), '3000 training samples; 1 channel with mean 33.7 and std 78.9. 2 labels, 300 samples each.');
});

test('confusionMatrixChart(matrix) states the diagonal share as the text summary states the accuracy', () => {
  const cells = [
    { actual: '0', predicted: '0', count: 45 }, { actual: '0', predicted: '1', count: 5 },
    { actual: '1', predicted: '1', count: 3 }, { actual: '1', predicted: '0', count: 447 },
  ];
  const m: Measurements = { confusion: { classes: ['0', '1'], cells } };
  const share = 48 / 500;
  assert.equal(percent(share), '9.6%');
  assert.match(SECTION_SUMMARIES.confusion(m), /accuracy 9\.6%/);
  assert.match(JSON.stringify(confusionMatrixChart(m.confusion!)), /9\.6% on the diagonal/);
});

test('trainingPanelChart(layout) names its heatmap legends in words and its gradient colours by what they show', () => {
  const spec = JSON.stringify(trainingPanelChart({ title: 'Training', subtitle: [], metrics: [], gradientNorms: true, updateRatios: true }));
  assert.doesNotMatch(spec, /log10 (gradNorm|updateRatio)/);
  assert.match(spec, /update \/ weight \(log10\)/);
  assert.doesNotMatch(spec, /Dark: vanishing/);
  assert.match(spec, /"titleLimit":0/, 'legend titles are never cut to "update / weight (lo…"');
});

test('SECTION_SUMMARIES.loss(measurements) says where the initial loss sits against the shaded band, in plain words', () => {
  const loss: LossMeasurement = { initialLoss: null, lossName: 'categoricalCrossentropy', chanceLoss: 2.3, chanceReason: 'ln(10) = 2.303: 10 balanced classes', chanceBand: [0, 4.1] as [number, number], initialLossPerBatch: [] };
  const above = SECTION_SUMMARIES.loss({ loss: { ...loss, initialLoss: 14.4 } });
  assert.match(above, /normally starts between 0 and 4\.1 \(shaded\)\. This one starts above it\./);
  assert.doesNotMatch(above, /unremarkable/);
  assert.match(SECTION_SUMMARIES.loss({ loss: { ...loss, initialLoss: 2.38 } }), /This one starts inside it\./);
});

test('SECTION_SUMMARIES.activations(layers) says "no dead units" rather than naming a layer at 0%', () => {
  const layer = (name: string, dead: number | null, saturated: number | null): LayerActivation =>
    ({ layer: name, layerIndex: 0, activation: 'relu', mean: 0, std: 1, deadFraction: dead, saturatedFraction: saturated });
  const none = SECTION_SUMMARIES.activations({ activations: { layers: [layer('dense_1', 0, null), layer('dense_2', null, null)] } });
  assert.equal(none, '2 layers tapped; no dead units in the model as given; saturation not measured (sigmoid and tanh layers only).');
  const sick = SECTION_SUMMARIES.activations({ activations: { layers: [layer('dense_1', 0.4, null), layer('dense_2', null, 1)] } });
  assert.equal(sick, '2 layers tapped; most dead units in the model as given: dense_1 (40%); most saturated: dense_2 (100%).');
});

test('dataProfileChart(train only) has no validation legend entry or empty bar slot', () => {
  const spec = JSON.stringify(dataProfileChart({
    unit: 'channel', samples: 3000,
    features: [{ feature: 'gray', split: 'train', mean: 0.13, std: 0.31, min: 0, max: 1 }],
    labels: ['0', '1'].map((label) => ({ label, split: 'train' as const, count: 300 })),
  }));
  assert.doesNotMatch(spec, /"validation"/);
  assert.match(spec, /"domain":\["train"\]/);
});

test('SECTION_SUMMARIES.predictions(regression rows) speaks of targets and losses, never "0 wrong"', () => {
  const rows = [{ index: 0, label: '3.2', prediction: '120.5', loss: 13.9 }, { index: 1, label: '1.1', prediction: '90.2', loss: 7.9 }];
  const regression = { predictions: { kind: 'table', columns: ['a'], rows } } as unknown as Measurements;
  assert.equal(SECTION_SUMMARIES.predictions(regression), '2 predictions next to their targets, the largest losses first.');
  const classes = { predictions: { kind: 'table', columns: ['a'], rows: rows.map((r, i) => ({ ...r, correct: i === 0 })) } } as unknown as Measurements;
  assert.equal(SECTION_SUMMARIES.predictions(classes), '2 predictions next to their labels; 1 wrong.');
});
