/**
 * The overfit probe gives no extra budgets to a loss that has stopped moving
 * altogether (no gradient reaches it: saturated units), and still gives them
 * to a plateau that creeps (y = x^4 leaves its plateau after 200-380 steps).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { frozen, frozenFlat, settledLike } from '../src/checks/network/overfit';
import type { CurvePoint } from '../src/measurements';
import { withSeed } from '../bench/cases/seed';
import { ALL_CASES, ZOO } from '../bench/cases';
import type { Setup } from '../bench/cases/base';

before(() => ready());

/** Inference-mode evaluations every 5 steps from `loss(step)`, as the probe records them. */
function curve(steps: number, loss: (step: number) => number): CurvePoint[] {
  return Array.from({ length: steps / 5 + 1 }, (_, i) => ({ series: 'your optimizer (inference)', step: 5 * i, loss: loss(5 * i) }));
}

test('frozen(points) is true for a loss that stopped moving: exactly, or in its 7th digit', () => {
  // The GRU on raw features (zoo, seed 2): 1.05 falling to 0.4135275 at step 55, then not a digit more.
  assert.equal(frozen(curve(100, (s) => (s < 55 ? 1.05 - 0.011 * s : 0.4135275))), true);
  // Seed 4's reference run: 0.4843945 and 0.4843944 in turn.
  assert.equal(frozen(curve(80, (s) => (s % 10 === 0 ? 0.4843945 : 0.4843944))), true);
});

test('frozen(points) is false for a creeping plateau, batch noise, a fall that only just ended, and too few evaluations', () => {
  // y = x^4 at seed 2: 0.039235 at step 100 to 0.039160 at step 120, then out of the plateau by step 380.
  assert.equal(frozen(curve(120, (s) => 0.0393 - 0.0000008 * s)), false, 'a plateau still moving 0.2% over 25 steps');
  assert.equal(frozen(curve(100, (s) => 0.69 + (s % 10 === 0 ? 1e-4 : -1e-4))), false, 'batch noise');
  assert.equal(frozen(curve(100, (s) => (s < 80 ? 1 - 0.005 * s : 0.6))), false, 'flat for only the last 4 evaluations');
  assert.equal(frozen(curve(20, () => 0.5)), false, 'five evaluations');
  assert.equal(frozen(curve(100, () => Number.NaN)), false, 'not finite');
});

test('frozenFlat(65) stops a run frozen and flat from its 65th step, not before, and not while its trend window still falls', () => {
  const stops = (points: CurvePoint[]) => {
    const last = points[points.length - 1];
    return frozenFlat(65)(points, last.step, last.loss ?? Number.NaN, 0.05);
  };
  // Seed 4's run: 0.4843945 from step 20.
  const seed4 = (s: number) => (s < 20 ? 0.8 - 0.0158 * s : 0.4843945);
  assert.equal(stops(curve(65, seed4)), true);
  assert.equal(stops(curve(60, seed4)), false, 'before step 65');
  // Seed 2's run: falling 1.05 -> 0.4135 until step 55: at step 80 its trend window (40-80) still falls 7%.
  const seed2 = (s: number) => (s < 55 ? 1.05 * Math.exp(-0.017 * s) : 0.4135275);
  assert.equal(stops(curve(80, seed2)), false, 'the trend window still falls');
  assert.equal(stops(curve(100, (s) => 0.0393 - 0.0000008 * s)), false, 'a creeping plateau');
});

const CHANCE = 0.543;

/** The reference run's stop rule after the user's run ended flat at `floor`, asked after the last of `points`. */
function stopsAt(user: { floor: number; frozen: boolean }, points: CurvePoint[]): boolean {
  const settled = settledLike({ verdict: 'flat', finalLoss: user.floor, frozen: user.frozen }, CHANCE, 80);
  if (!settled) return false;
  const last = points[points.length - 1];
  return settled(points, last.step, last.loss ?? Number.NaN, 0.0543);
}

/** Seed 4's reference run: down to the user's floor 0.4843945 by step 15, a bump at 20, then on it in the 7th digit. */
const reference = (s: number) => (s < 15 ? 0.8 - 0.02 * s : s === 20 ? 0.493424 : s % 10 === 0 ? 0.4843945 : 0.4843944);

test('settledLike(user frozen at 0.4843945 below chance) stops a reference that sits on that floor for 3 evaluations, from half its budget', () => {
  assert.equal(stopsAt({ floor: 0.4843945, frozen: true }, curve(40, reference)), true);
  assert.equal(stopsAt({ floor: 0.4843945, frozen: true }, curve(35, reference)), false, 'before half the budget of 80');
});

test('settledLike(user flat below chance) lets the reference run on: not frozen, off the floor, or on it too briefly', () => {
  assert.equal(stopsAt({ floor: 0.4843945, frozen: false }, curve(40, reference)), false, 'a plateau below chance that still moves may break');
  assert.equal(stopsAt({ floor: 0.4843945, frozen: true }, curve(40, (s) => (s < 30 ? reference(s) : 0.47))), false, 'flat, but below the floor');
  assert.equal(stopsAt({ floor: 0.4843945, frozen: true }, curve(40, (s) => (s < 35 ? 0.8 - 0.01 * s : 0.4843945))), false, 'two evaluations on the floor');
});

/** The overfit probe's record for one case of the trust bench, diagnosed as the bench does with `seed`. */
async function overfitRecord(build: () => Setup, seed: number): Promise<Record<string, unknown> & { referenceSteps: number }> {
  const setup = withSeed(seed, build);
  const tensors = tf.memory().numTensors;
  try {
    const report = await diagnose(setup.model, setup.data, { ...setup.options, display: false, seed, checks: { only: ['overfit-tiny-batch'] } });
    assert.equal(tf.memory().numTensors, tensors, 'diagnose() leaked tensors');
    const referenceSteps = Math.max(0, ...(report.measurements.curves?.points ?? []).filter((p) => p.series === 'reference Adam 1e-2 (training)').map((p) => p.step));
    return { ...report.measurements.extra?.['overfit-tiny-batch'], referenceSteps };
  } finally {
    tf.dispose(Object.values(setup.data).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
    setup.model.dispose();
  }
}

test('diagnose(GRU on raw weather features, seed 2) stops the probe frozen and flat at 80 steps and the reference on the same floor at 60', async () => {
  const gru = ZOO.find((c) => c.id === 'zoo-weather-gru-raw-features');
  assert.ok(gru && gru.kind === 'fault');
  const record = await overfitRecord(gru.build, 2);
  assert.equal(record.steps, 80, 'frozen from step 55, its trend flat from step 80 (it ran 300 steps before)');
  assert.equal(record.succeeded, false);
  assert.equal(record.verdict, 'flat');
  assert.equal(record.referenceVerdict, 'flat');
  assert.equal(record.referenceSteps, 60, 'the reference sat on 0.4135275 at steps 50, 55 and 60 (it ran 240 steps before)');
});

test('diagnose(y = x^4 on scaled data, seed 2) still gives a creeping plateau its extra budgets and memorizes the batch', async () => {
  const x4 = ALL_CASES.find((c) => c.id === 'x4-unscaled');
  assert.ok(x4 && x4.kind === 'real');
  const record = await overfitRecord(x4.fixed, 2);
  assert.equal(record.succeeded, true);
  assert.ok(Number(record.steps) > 100, `memorized after ${String(record.steps)} steps, past the first budget`);
});
