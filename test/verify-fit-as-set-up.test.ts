/**
 * What the verification saves: it trains no fix when the overfit probe already
 * memorized the same samples as set up, in the same run, within the
 * verification's steps (every fix would be "not judged": the probe fit even as
 * set up); and a fix's run stops once its loss is frozen (no gradient reaches
 * it: the steps left would end at the same loss).
 */
import { before, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import type { CurvePoint, Measurements } from '../src/measurements';
import { sameRun } from '../src/verify';
import { frozenTail } from '../src/verify/probe';
import * as shared from '../src/verify/shared-before';
import { fitAsSetUp } from '../src/verify/shared-before';
import { withSeed } from '../bench/cases/seed';
import { ZOO } from '../bench/cases';

before(() => ready());

function record(extra: Record<string, unknown>): Measurements {
  return { extra: { 'overfit-tiny-batch': { samples: 16, steps: 60, succeeded: true, diverged: false, ...extra } } };
}

function dense(dropout: number): tf.LayersModel {
  const layers = [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), ...(dropout > 0 ? [tf.layers.dropout({ rate: dropout })] : []), tf.layers.dense({ units: 1 })];
  return tf.sequential({ layers });
}

test('fitAsSetUp(model, overfit record, 65, 16) is true when the probe memorized the 16 samples in 65 steps or fewer', () => {
  const model = dense(0);
  assert.equal(fitAsSetUp(model, record({}), 65, 16), true);
  assert.equal(fitAsSetUp(model, record({ steps: 65 }), 65, 16), true);
  model.dispose();
});

test('fitAsSetUp(...) is false when the probe failed, fit later, ran on other samples, ran another way (dropout), or did not run', () => {
  const model = dense(0);
  const dropout = dense(0.5);
  assert.equal(fitAsSetUp(model, record({ succeeded: false }), 65, 16), false, 'did not fit');
  assert.equal(fitAsSetUp(model, record({ steps: 70 }), 65, 16), false, 'fit after the verification\'s 65 steps');
  assert.equal(fitAsSetUp(model, record({ samples: 8 }), 65, 16), false, 'other samples');
  assert.equal(fitAsSetUp(dropout, record({}), 65, 16), false, 'dropout: another run');
  assert.equal(fitAsSetUp(model, {}, 65, 16), false, 'no overfit probe');
  model.dispose();
  dropout.dispose();
});

test('diagnose(addition-rnn with a wrong loss, seed 3) trains no fix; trained anyway, every fix is "not judged" and the triage is the same', async () => {
  const fault = ZOO.find((c) => c.id === 'zoo-addition-rnn-wrong-loss');
  assert.ok(fault && fault.kind === 'fault');
  const diagnosed = async (skip: boolean) => {
    const spy = skip ? mock.method(shared, 'fitAsSetUp') : mock.method(shared, 'fitAsSetUp', () => false);
    const setup = withSeed(3, fault.build);
    const tensors = tf.memory().numTensors;
    try {
      const report = await diagnose(setup.model, setup.data, { ...setup.options, display: false, seed: 3 });
      assert.equal(tf.memory().numTensors, tensors, 'diagnose() leaked tensors');
      return { report, skipped: spy.mock.calls.some((call) => call.result === true) };
    } finally {
      spy.mock.restore();
      tf.dispose(Object.values(setup.data).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
      setup.model.dispose();
    }
  };
  const skipping = await diagnosed(true);
  const training = await diagnosed(false);
  assert.equal(skipping.skipped, true, 'the overfit probe fit as set up');
  assert.deepEqual(skipping.report.measurements.verifiedFixes ?? [], []);
  const tried = training.report.measurements.verifiedFixes ?? [];
  assert.ok(tried.length > 0, 'trained anyway, a fix is tried');
  assert.deepEqual(tried.map((f) => [f.outcome, f.before.fit]), tried.map(() => ['inconclusive', true]));
  assert.deepEqual(skipping.report.findings.map((f) => [f.id, f.severity]), training.report.findings.map((f) => [f.id, f.severity]));
  // Layer names differ between the two builds (tfjs numbers layers globally): the triage compared without them.
  const unnamed = (value: unknown) => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'layer' ? undefined : v)));
  assert.deepEqual(unnamed(skipping.report.triage), unnamed(training.report.triage));
});

/** A probe record: the loss before each of `steps` steps, from `loss(step)`. */
function run(steps: number, loss: (step: number) => number): CurvePoint[] {
  return Array.from({ length: steps + 1 }, (_, step) => ({ series: 'run', step, loss: loss(step) }));
}

/** A lowered rate on a saturated GRU (seed 4): falling to 0.4843944 by step 26, then not a digit more. */
const saturated = (s: number) => (s < 26 ? 0.8 - 0.012 * s : 0.4843944);

test('frozenTail(points) is true after 16 steps at one loss (float32 rounding), not after 15, nor for a creeping or noisy loss', () => {
  assert.equal(frozenTail(run(41, saturated)), true);
  assert.equal(frozenTail(run(40, saturated)), false, '15 steps at the floor');
  assert.equal(frozenTail(run(41, (s) => 0.5 - 1e-5 * s)), false, 'creeping 2e-5 per step');
  assert.equal(frozenTail(run(41, (s) => 0.5 + (s % 2) * 1e-3)), false, 'dropout noise');
});

test('sameRun(before, after) compares a run that stopped frozen over the steps it ran', () => {
  const before = run(65, saturated);
  assert.equal(sameRun(before, run(41, saturated)), true, 'the same, then frozen: it stays the same');
  assert.equal(sameRun(before, run(41, (s) => (s < 26 ? 0.8 - 0.011 * s : 0.4843944))), false, 'another descent to the same floor');
  assert.equal(sameRun(before, run(41, (s) => 0.8 - 0.012 * s)), false, 'shorter without being frozen');
});
