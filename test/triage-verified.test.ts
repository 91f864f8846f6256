/**
 * Root cause first on real diagnose() runs where severity, a borderline
 * measurement or a verified workaround used to put a symptom first: the
 * learning rate behind huge updates, raw-scale inputs behind a learning-rate
 * finding, an output that cannot reach the targets behind a failed overfit.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose, type Diagnosis } from '../src/diagnose';
import { seededRandom } from '../src/context/random';
import { tooHighStrength } from '../src/checks/network/lr-range';
import { housingTensors } from '../bench/cases/healthy';
import { withSeed } from '../bench/cases/seed';
import type { Finding } from '../src/types';
import { weightValues } from './helpers/network-models';

before(() => ready());

interface Setup {
  model: tf.LayersModel;
  data: { x: tf.Tensor; y: tf.Tensor };
}

/** diagnose() on a seeded build: no tensor leaked, the model bit-identical; everything disposed after. */
async function diagnoseSetup(build: () => Setup): Promise<Diagnosis> {
  const { model, data } = withSeed(3, build);
  const weights = weightValues(model);
  const tensors = tf.memory().numTensors;
  try {
    const report = await diagnose(model, data, { display: false, seed: 1 });
    assert.equal(tf.memory().numTensors, tensors, 'no tensor leaks');
    assert.deepEqual(weightValues(model), weights, 'weights bit-identical');
    return report;
  } finally {
    tf.dispose([data.x, data.y]);
    model.dispose();
  }
}

const problems = (report: Diagnosis): string => report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.id}:${f.severity}`).join(' ');
const causeOf = (report: Diagnosis, id: string) => report.triage?.causes?.find((c) => c.id === id);

function dense(units: number, activation: 'relu' | 'tanh' | 'sigmoid' | 'linear', inputShape?: number[]) {
  return tf.layers.dense({ units, activation, ...(inputShape ? { inputShape } : {}) });
}

test('diagnose(ReLU regression with Adam at 0.8) names the learning rate first, not the huge updates it causes', async () => {
  const report = await diagnoseSetup(() => {
    const model = tf.sequential({ layers: [dense(16, 'relu', [12]), dense(16, 'relu'), dense(1, 'linear')] });
    model.compile({ optimizer: tf.train.adam(0.8), loss: 'meanSquaredError' });
    return { model, data: housingTensors(300) };
  });
  assert.equal(report.triage?.first, 'lr-too-high', `${problems(report)} ${JSON.stringify(report.triage?.causes)}`);
  assert.ok(report.triage?.explains.includes('update-ratio-off'), JSON.stringify(report.triage));
  const rate = causeOf(report, 'lr-too-high');
  assert.ok(rate && rate.strength >= 0.5, `the rate probe's gap makes the evidence strong, got ${rate?.strength}`);
  assert.equal(causeOf(report, 'update-ratio-off'), undefined, 'the symptom is no candidate of its own');
});

test('diagnose(ReLU output against standardized targets) names the output range first, with the failed overfit as its symptom', async () => {
  const report = await diagnoseSetup(() => {
    const { x, y } = housingTensors(300);
    const { mean, variance } = tf.moments(y);
    const z = y.sub(mean).div(variance.sqrt());
    tf.dispose([y, mean, variance]);
    const model = tf.sequential({ layers: [dense(20, 'tanh', [12]), dense(1, 'relu')] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    return { model, data: { x, y: z } };
  });
  assert.equal(report.triage?.first, 'output-range-mismatch', `${problems(report)} ${JSON.stringify(report.triage?.causes)}`);
  assert.deepEqual(report.triage?.explains, ['overfit-failed']);
});

test('diagnose(linear regression on raw integers 5..40 with SGD) names the input scale first, the learning rate its symptom', async () => {
  const report = await diagnoseSetup(() => {
    const random = seededRandom(5);
    const xs = Array.from({ length: 200 }, () => 5 + Math.floor(random() * 36));
    const model = tf.sequential({ layers: [dense(1, 'linear', [1])] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    return { model, data: { x: tf.tensor2d(xs, [xs.length, 1]), y: tf.tensor2d(xs.map((v) => 2 * v - 3), [xs.length, 1]) } };
  });
  assert.equal(report.triage?.first, 'data-unnormalized', `${problems(report)} ${JSON.stringify(report.triage?.causes)}`);
  assert.ok(report.triage?.explains.includes('lr-too-high'), JSON.stringify(report.triage));
  // Lowering the rate works around the scale (it cures the probe); standardizing helps too: the scale stays the cause.
  assert.deepEqual(causeOf(report, 'lr-too-high')?.explainedBy, ['data-unnormalized']);
  assert.equal(causeOf(report, 'lr-too-high')?.verified, 'cured');
  assert.equal(causeOf(report, 'data-unnormalized')?.verified, 'improved');
});

test('diagnose(sigmoid MLP on x in [-50, 50] against x^4) names the input scale first, above the saturated and dead units', async () => {
  const report = await diagnoseSetup(() => {
    const random = seededRandom(8);
    const xs = Array.from({ length: 300 }, () => -50 + 100 * random());
    const model = tf.sequential({ layers: [dense(24, 'sigmoid', [1]), dense(24, 'relu'), dense(1, 'linear')] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    return { model, data: { x: tf.tensor2d(xs, [xs.length, 1]), y: tf.tensor2d(xs.map((v) => v ** 4), [xs.length, 1]) } };
  });
  assert.equal(report.triage?.first, 'data-unnormalized', `${problems(report)} ${JSON.stringify(report.triage?.causes)}`);
  assert.ok(report.triage?.explains.includes('activations-saturated') && report.triage.explains.includes('overfit-failed'), JSON.stringify(report.triage));
  // The probe's loss (~1e12) cannot move in 64 steps with or without the fix: not judged, so not demoted.
  const fix = report.measurements.verifiedFixes?.find((f) => f.cause === 'data-unnormalized');
  assert.equal(fix?.outcome, 'inconclusive', JSON.stringify(fix && { before: fix.before, after: fix.after }));
  assert.match(fix?.summary ?? '', /ran the same with the fix as without it/);
});

function lrFinding(evidence: Finding['evidence']): Finding {
  return { id: 'lr-too-high', severity: 'warning', title: '', detail: '', fix: '', checklist: 'T5', evidence: { severe: false, ...evidence } };
}

test('tooHighStrength(finding) is borderline just past the minimum and strong when the rate probe or the divergence point says so', () => {
  assert.equal(tooHighStrength(lrFinding({ configuredLr: 0.01, divergenceLr: Number.NaN, probeYourLoss: Number.NaN, probeLowerLoss: Number.NaN })), 0.45);
  assert.equal(tooHighStrength(lrFinding({ configuredLr: 0.01, divergenceLr: 1, probeYourLoss: 1.6, probeLowerLoss: 1 })), 0.45, 'a hundred times below divergence, a probe gap at its threshold');
  assert.ok(tooHighStrength(lrFinding({ configuredLr: 0.8, probeYourLoss: 37.3, probeLowerLoss: 5.38 })) > 0.7, 'the rate probe ended 7x above a tenth of the rate');
  assert.ok(tooHighStrength(lrFinding({ configuredLr: 1, divergenceLr: 2.06 })) > 0.7, 'half the rate at which the sweep diverged');
});
