/**
 * diagnose() alongside other work: called from a model.fit() callback, started
 * while fit runs (another notebook cell), and two diagnoses at once. Engine
 * scopes never stay open across an await, so neither side disturbs the other.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose, type Diagnosis, type DiagnoseOptions } from '../src/diagnose';
import { diagnoseMessages } from '../src/messages/diagnose';
import { mnistDigits, mlp, tabular, tabularData, weightValues } from './helpers/network-models';

before(() => ready());

/** What must agree between two runs: every finding, the triage and the probes' numbers. */
function outcome(report: Diagnosis): string {
  return JSON.stringify({
    findings: report.findings.map((f) => [f.id, f.severity, f.layer ?? '', f.detail]),
    triage: report.triage,
    extra: report.measurements.extra,
    verified: report.measurements.verifiedFixes?.map((f) => [f.cause, f.outcome, f.summary]),
  });
}

const QUICK: DiagnoseOptions = { display: false, checks: { skip: ['lr-range', 'label-relation'] } };

/** A model trained for 2 epochs without shuffling: deterministic, so two runs can be compared weight for weight. */
async function train(model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }, onBatchEnd?: (batch: number) => Promise<void>) {
  const history = await model.fit(data.x, data.y, {
    epochs: 2, batchSize: 32, shuffle: false, verbose: 0,
    ...(onBatchEnd ? { callbacks: { onBatchEnd: (batch) => onBatchEnd(batch) } } : {}),
  });
  return history.history.loss.map(Number);
}

test('diagnose(model, data) awaited inside model.fit\'s onBatchEnd works on a snapshot, and the training goes on exactly as without it', async () => {
  const data = mnistDigits(128);
  const plain = mlp();
  const initial = plain.getWeights().map((w) => w.clone());
  const expectedLoss = await train(plain, data);

  const model = mlp();
  model.setWeights(initial);
  let report: Diagnosis | undefined;
  const lossDuring = await train(model, data, async (batch) => {
    if (batch === 1 && !report) report = await diagnose(model, data, QUICK);
  });
  assert.ok(report, 'diagnose ran in the callback');
  assert.equal(report.checks[0].id, 'snapshot');
  assert.equal(report.checks[0].note, diagnoseMessages.snapshot);
  assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.note}`), []);
  assert.deepEqual(lossDuring, expectedLoss, 'fit computed the same losses');
  assert.deepEqual(weightValues(model), weightValues(plain), 'and ended at the same weights');
  tf.dispose([...initial, data.x, data.y]);
  plain.dispose();
  model.dispose();
});

test('diagnose(model, data) started while model.fit runs (another cell) lets fit finish and reports on a snapshot', async () => {
  const data = mnistDigits(256);
  const model = mlp();
  const fitting = train(model, data);
  const [losses, report] = await Promise.all([fitting, diagnose(model, data, QUICK)]);
  assert.equal(losses.length, 2);
  assert.ok(losses.every(Number.isFinite));
  assert.equal(report.checks[0].id, 'snapshot');
  assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.note}`), []);
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('two diagnose() calls at once on different models agree with the same calls one after the other', async () => {
  const digits = mnistDigits(128);
  const table = tabularData(200);
  const a = mlp();
  const b = tabular();
  const tensors = tf.memory().numTensors;
  const sequential = [await diagnose(a, digits, { display: false, seed: 5 }), await diagnose(b, table, { display: false, seed: 5 })];
  const together = await Promise.all([diagnose(a, digits, { display: false, seed: 5 }), diagnose(b, table, { display: false, seed: 5 })]);
  assert.equal(tf.memory().numTensors, tensors, 'no tensor leaks');
  assert.equal(outcome(together[0]), outcome(sequential[0]));
  assert.equal(outcome(together[1]), outcome(sequential[1]));
  tf.dispose([digits.x, digits.y, table.x, table.y]);
  a.dispose();
  b.dispose();
});
