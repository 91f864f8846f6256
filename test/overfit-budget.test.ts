/**
 * The overfit probe's budget: a curve whose fall speeds up gets more steps
 * (leaving a plateau late), one that slows down is judged at the usual budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { speedingUp } from '../src/checks/network/overfit';
import type { CurvePoint } from '../src/measurements';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { REAL_BUGS } from '../bench/cases/real';
import { withSeed } from '../bench/cases/seed';

/** Inference-mode evaluations every 5 steps from `loss(step)`, as the probe records them. */
function curve(steps: number, loss: (step: number) => number): CurvePoint[] {
  return Array.from({ length: steps / 5 + 1 }, (_, i) => ({ series: 'your optimizer (inference)', step: 5 * i, loss: loss(5 * i) }));
}

test('speedingUp(points, 100) is true for a curve leaving a plateau (y = x^4 at seed 2: 0.0390 -> 0.0356 over the last 50 steps)', () => {
  // Flat near 0.039, then falling faster and faster from step 250.
  const points = curve(300, (s) => (s < 250 ? 0.039 - 0.000004 * s : 0.038 * Math.exp(-0.000026 * (s - 250) ** 2)));
  assert.equal(speedingUp(points, 100), true);
});

test('speedingUp(points, 100) is false for a curve that slows down, a flat one and a rising one', () => {
  assert.equal(speedingUp(curve(100, (s) => 29.7 * Math.exp(-0.004 * s) + 5 * Math.exp(-0.05 * s)), 100), false, 'slowing down');
  assert.equal(speedingUp(curve(100, () => 2.3), 100), false, 'flat');
  assert.equal(speedingUp(curve(100, (s) => 1 + 0.01 * s * s), 100), false, 'rising');
});

test('speedingUp(points, 100) needs a full budget of evaluations to compare two halves', () => {
  assert.equal(speedingUp(curve(40, (s) => 1 / (1 + s)), 100), false);
});

test('diagnose(y = x^4 scaled to [0, 1], seed 3) reports a tiny batch that needs ~500 more steps as slow (info), not as a broken model', async () => {
  await ready();
  const x4 = REAL_BUGS.find((c) => c.id === 'x4-unscaled');
  assert.ok(x4);
  const setup = withSeed(3, () => x4.fixed());
  const report = await diagnose(setup.model, setup.data, { display: false, seed: 3, checks: { only: ['overfit-tiny-batch'] } });
  const finding = report.findings.find((f) => f.id === 'overfit-failed');
  // Beyond 4 budgets ("too slow" for the reference run and dead units), within a typical run of ~1000 steps.
  assert.equal(finding?.evidence.verdict, 'too-slow');
  const more = Number(finding?.evidence.stepsToGoal);
  assert.ok(more > 400 && more <= 900, `steps to the target: ${more}`);
  assert.equal(finding?.severity, 'info');
  assert.match(finding?.detail ?? '', /slow, not broken/);
  setup.model.dispose();
  tf.dispose(Object.values(setup.data as { x: tf.Tensor; y: tf.Tensor }));
});

test('diagnose(a tiny batch whose loss falls but needs more than a typical run) keeps overfit-failed an error', async () => {
  await ready();
  // y = 2x - 1 through a 4-2-1 ReLU net at seed 2: the loss falls linearly from 29.7 to 20.4, above chance and far from falling tenfold.
  const relu = REAL_BUGS.find((c) => c.id === 'relu-output-negative');
  assert.ok(relu);
  const setup = withSeed(2, () => relu.fixed());
  const report = await diagnose(setup.model, setup.data, { display: false, seed: 2, checks: { only: ['overfit-tiny-batch'] } });
  assert.equal(report.findings.find((f) => f.id === 'overfit-failed')?.severity, 'error');
  setup.model.dispose();
  tf.dispose(Object.values(setup.data as { x: tf.Tensor; y: tf.Tensor }));
});
