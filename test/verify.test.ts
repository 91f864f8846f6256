/**
 * Verified fixes: the top causes' mechanical fixes applied to a clone of the
 * model and a view of the data, the short probe re-run before and after, the
 * outcome fed back into the triage, drawn and written in the report.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { verifiedFixChart } from '../src/charts/verified-fix';
import { SCHEMA } from '../src/charts';
import { findingsFromFixes, outcomeOf, sameRun, verifiedCauses, type VerifiedFix } from '../src/verify';
import { triage } from '../src/triage';
import type { Finding } from '../src/types';
import { verifyMessages } from '../src/messages/verify';
import { assertClean, countMarks, render, texts } from './fixtures/render-chart';
import { mnistDigits, mlp, weightValues } from './helpers/network-models';
import { housingTensors } from '../bench/cases/healthy';
import { withSeed } from '../bench/cases/seed';

before(() => ready());

async function diagnoseUntouched(model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }) {
  const weights = weightValues(model);
  const flags = model.layers.map((l) => l.trainable);
  const tensors = tf.memory().numTensors;
  const report = await diagnose(model, data, { display: false });
  assert.equal(tf.memory().numTensors, tensors, 'no tensor leaks');
  assert.deepEqual(weightValues(model), weights, 'weights bit-identical');
  assert.deepEqual(model.layers.map((l) => l.trainable), flags, 'trainable flags unchanged');
  return report;
}

test('diagnose(model, raw 0-255 MNIST) verifies standardizing the inputs: the probe fits with the fix and not without', async () => {
  const model = mlp();
  const digits = mnistDigits(200);
  const raw = tf.mul(digits.x, 255);
  const report = await diagnoseUntouched(model, { x: raw, y: digits.y });
  assert.equal(report.triage?.first, 'data-unnormalized');
  assert.ok(report.triage?.explains.includes('overfit-failed') && report.triage.explains.includes('loss-above-chance'), JSON.stringify(report.triage));
  const fix = report.measurements.verifiedFixes?.find((f) => f.cause === 'data-unnormalized');
  assert.ok(fix, JSON.stringify(report.measurements.verifiedFixes));
  assert.equal(fix.kind, 'standardize-inputs');
  assert.equal(fix.outcome, 'cured');
  assert.equal(fix.before.fit, false);
  assert.ok((fix.after.finalLoss ?? Infinity) < (fix.before.finalLoss ?? 0) / 4, `${fix.after.finalLoss} vs ${fix.before.finalLoss}`);
  assert.equal(report.triage?.causes?.[0].verified, 'cured');
  assert.equal(fix.summary, verifyMessages.summary({ ...fix, change: verifyMessages.standardize('channel') }));
  assert.match(report.toText(), /Verified fixes: data-unnormalized: Verified: with inputs standardized/);
  assert.match(report.toHTML(), /Verified fixes/);
  assert.equal(report.checks.find((c) => c.id === 'verify-fixes')?.status, 'pass');
  tf.dispose([digits.x, digits.y, raw]);
  model.dispose();
});

test('diagnose(model with SGD at 10, MNIST) verifies lowering the learning rate and names it first', async () => {
  const model = mlp();
  model.compile({ optimizer: tf.train.sgd(10), loss: 'categoricalCrossentropy' });
  const data = mnistDigits(200);
  const report = await diagnoseUntouched(model, data);
  assert.equal(report.triage?.first, 'lr-too-high');
  const fix = report.measurements.verifiedFixes?.find((f) => f.cause === 'lr-too-high');
  assert.ok(fix, JSON.stringify(report.measurements.verifiedFixes));
  assert.equal(fix.kind, 'lower-learning-rate');
  assert.equal(fix.parameters.fromLr, 10);
  assert.ok(Number(fix.parameters.toLr) < 10);
  assert.equal(fix.outcome, 'cured');
  assert.equal(report.triage?.causes?.[0].verified, 'cured');
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('outcomeOf(before, after) calls a fix that gets a stalled probe moving improved, and a small wobble no better', () => {
  const probe = (initialLoss: number, finalLoss: number, fit = false) => ({ initialLoss, finalLoss, finalAccuracy: null, fit });
  assert.equal(outcomeOf(probe(2.3, 2.29), probe(2.3, 1.6), false), 'improved', 'stalled at a too-low rate, moving with the fix');
  assert.equal(outcomeOf(probe(2.3, 1.2), probe(2.3, 1.1), false), 'no-better');
  assert.equal(outcomeOf(probe(11.5, 11.1), probe(2.37, 0.17, true), false), 'cured');
  assert.equal(outcomeOf(probe(2.3, 0.1, true), probe(2.3, 0.01, true), false), 'inconclusive', 'the probe fit already: it cannot judge');
  assert.equal(outcomeOf(probe(2.3, 2.0), probe(2.3, 2.5), false), 'no-better');
});

test('sameRun(before, after) holds only when every step of the probe ran the same within float noise', () => {
  const curve = (series: string, losses: (number | null)[]) => losses.map((loss, step) => ({ series, step, loss }));
  assert.equal(sameRun(curve('a', [0.8486, 0.83, 0.7932524]), curve('b', [0.8486, 0.83, 0.7932526])), true, 'a ReLU output made linear while no output went below 0');
  assert.equal(sameRun(curve('a', [7.95e14, 7.9532e14]), curve('b', [7.95e14, 7.9531e14])), true);
  assert.equal(sameRun(curve('a', [0.85, 0.83, 0.79]), curve('b', [0.85, 0.6, 0.3])), false);
  assert.equal(sameRun(curve('a', [0.85, null]), curve('b', [0.85, 0.4])), false, 'a diverged run and a finite one differ');
  assert.equal(sameRun(curve('a', [0.85, 0.8, 0.7]), curve('b', [0.85, 0.8])), false, 'one run stopped early: it fit');
});

test('verifiedCauses(fixes) gives a change\'s outcome to every finding it is the fix of, and a finding tried itself keeps its own', () => {
  const probe = { initialLoss: 560, finalLoss: 1.2, finalAccuracy: null, fit: true };
  const base = { change: '', parameters: {}, samples: 16, steps: 64, lossChanged: false, before: probe, after: probe, points: [], summary: '' };
  const fixes: VerifiedFix[] = [
    { ...base, cause: 'update-ratio-off', kind: 'lower-learning-rate', outcome: 'cured', covers: [{ cause: 'lr-too-high' }, { cause: 'gradients-exploding', layer: 'dense_2' }, { cause: 'activations-dead', layer: 'dense_1' }] },
    { ...base, cause: 'activations-dead', layer: 'dense_1', kind: 'reinitialize', outcome: 'no-better' },
    { ...base, cause: 'data-unnormalized', kind: 'standardize-inputs', outcome: 'inconclusive', covers: [{ cause: 'overfit-failed' }] },
  ];
  assert.deepEqual(verifiedCauses(fixes), [
    { cause: 'update-ratio-off', outcome: 'cured' },
    { cause: 'lr-too-high', outcome: 'cured' },
    { cause: 'gradients-exploding', layer: 'dense_2', outcome: 'cured' },
    { cause: 'activations-dead', layer: 'dense_1', outcome: 'no-better' },
  ]);
});

test('diagnose(ReLU regression with Adam at 1) verifies lowering the rate once and credits the cure to the rate as well as its symptoms', async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [12], units: 24, activation: 'relu' }), tf.layers.dense({ units: 24, activation: 'relu' }), tf.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: tf.train.adam(1), loss: 'meanSquaredError' });
  const data = housingTensors(350);
  const report = await diagnoseUntouched(model, data);
  const lower = report.measurements.verifiedFixes?.filter((f) => f.kind === 'lower-learning-rate') ?? [];
  assert.equal(lower.length, 1, JSON.stringify(report.measurements.verifiedFixes?.map((f) => [f.cause, f.kind, f.outcome])));
  const claimed = [lower[0].cause, ...(lower[0].covers ?? []).map((c) => c.cause)];
  assert.ok(claimed.includes('lr-too-high') && claimed.includes('update-ratio-off'), JSON.stringify(claimed));
  assert.equal(report.triage?.first, 'lr-too-high', JSON.stringify(report.triage?.causes));
  assert.equal(report.triage?.causes?.[0].verified, lower[0].outcome);
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('diagnose(MLP with SGD at 0.5 on house prices) tries a rate a decade below where the range test diverged, and it helps', async () => {
  // Seeded: unseeded initial weights made this fail about 1 run in 8 (seeds 1-10 all pass).
  const model = withSeed(1, () => tf.sequential({
    layers: [tf.layers.dense({ inputShape: [12], units: 20, activation: 'relu' }), tf.layers.dense({ units: 1 })],
  }));
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
  const data = housingTensors(300);
  const report = await diagnoseUntouched(model, data);
  const divergence = report.measurements.lrRange?.divergenceLr;
  const fix = report.measurements.verifiedFixes?.find((f) => f.kind === 'lower-learning-rate');
  assert.ok(fix && typeof divergence === 'number', JSON.stringify({ divergence, fixes: report.measurements.verifiedFixes?.map((f) => [f.cause, f.parameters]) }));
  assert.ok(Number(fix.parameters.toLr) <= divergence / 10 + 1e-12, `${fix.parameters.toLr} vs divergence ${divergence}`);
  assert.ok(fix.outcome === 'cured' || fix.outcome === 'improved', fix.summary);
  assert.equal(report.triage?.first, 'lr-too-high', JSON.stringify(report.triage?.causes));
  tf.dispose([data.x, data.y]);
  model.dispose();
});

const FIX: VerifiedFix = {
  cause: 'data-unnormalized',
  kind: 'standardize-inputs',
  change: 'with inputs standardized (mean 0, std 1 per channel)',
  parameters: {},
  outcome: 'cured',
  samples: 16,
  steps: 16,
  lossChanged: false,
  before: { initialLoss: 11.5, finalLoss: 11.1, finalAccuracy: 0.31, fit: false },
  after: { initialLoss: 2.37, finalLoss: 0.171, finalAccuracy: 1, fit: true },
  points: [
    ...Array.from({ length: 65 }, (_, step) => ({ series: 'as set up', step, loss: 11.5 - step * 0.006 })),
    ...Array.from({ length: 17 }, (_, step) => ({ series: 'with the fix', step, loss: 2.37 * Math.exp(-step / 6) })),
  ],
  summary: 'Verified: with inputs standardized (mean 0, std 1 per channel), the loss went from 2.37 to 0.171 in 16 steps (as set up: 11.5 to 11.1); the model now fits the 16 samples.',
};

test('verifiedFixChart(fixes) draws the probe before and after each fix, named at their ends, under the change tried and its verdict', async () => {
  const spec = verifiedFixChart([FIX, { ...FIX, cause: 'lr-too-high', kind: 'lower-learning-rate', change: 'with the learning rate lowered from 10 to 0.01', outcome: 'no-better', summary: 'Tried without effect.' }]);
  assert.equal(spec.$schema, SCHEMA);
  const out = await render(spec);
  assertClean(out);
  assert.equal(countMarks(out.svg, 'line mark'), 4, 'two curves per fix');
  const words = texts(out.svg).map((t) => t.text);
  // Each panel is named by the change tried, in words, not by a finding id.
  assert.ok(words.includes('With inputs standardized (mean 0, std 1 per channel): cured'), words.join(' | '));
  assert.ok(words.includes('With the learning rate lowered from 10 to 0.01: no better'), words.join(' | '));
  assert.equal(words.filter((w) => w === 'with the fix').length, 2);
  assert.ok(words.includes('as set up'));
});

test('verifiedFixChart([]) says that no fix was tried', async () => {
  const out = await render(verifiedFixChart([]));
  assertClean(out);
  assert.match(out.svg, new RegExp(verifyMessages.noneTried.slice(0, 20)));
});

test('findingsFromFixes(fixes) names the learning rate as the cause when lowering it cured the probe that only its symptoms pointed to', () => {
  const lowered: VerifiedFix = {
    ...FIX, cause: 'update-ratio-off', kind: 'lower-learning-rate', change: 'with the learning rate lowered from 0.5 to 0.05',
    parameters: { fromLr: 0.5, toLr: 0.05 }, before: { initialLoss: 2.3, finalLoss: 2.2, finalAccuracy: 0.2, fit: false },
  };
  const symptom: Finding = { id: 'update-ratio-off', severity: 'warning', title: '', detail: '', fix: '', evidence: { factor: 900, direction: 'high' }, checklist: 'T3' };
  const earned = findingsFromFixes([lowered], [symptom], () => true);
  assert.deepEqual(earned.map((f) => [f.id, f.severity, f.evidence.verifiedLr]), [['lr-too-high', 'warning', 0.05]]);
  assert.equal(earned[0].title, 'The learning rate 0.5 is too high');
  const ranked = triage([symptom, ...earned], { verified: [{ cause: 'update-ratio-off', outcome: 'cured' }, { cause: 'lr-too-high', outcome: 'cured' }] });
  assert.equal(ranked?.first, 'lr-too-high');
  assert.deepEqual(ranked?.explains, ['update-ratio-off']);
  assert.deepEqual(findingsFromFixes([lowered], [symptom], () => false), [], 'options.checks.skip keeps it out');
  assert.deepEqual(findingsFromFixes([{ ...lowered, outcome: 'no-better' }], [symptom], () => true), [], 'only a cure earns it');
});
