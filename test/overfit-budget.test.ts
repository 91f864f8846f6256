/**
 * The overfit probe's budget: a curve whose fall speeds up gets more steps
 * (leaving a plateau late), one that slows down is judged at the usual budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { speedingUp } from '../src/checks/network/overfit';
import type { CurvePoint } from '../src/measurements';

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
