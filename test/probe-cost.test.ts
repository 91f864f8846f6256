/**
 * What the probes cost on a broken setup (issue 13: each diagnosis within the
 * trust issue's budget): the overfit probe's reference run is not repeated
 * when the user's optimizer is the reference, and stops at half its budget
 * when it sits where the user's failed run ended; the verification's "before"
 * probe is read off the overfit probe where it is the same run; a model with
 * several outputs does not gradient-check the sum of built-in losses.
 */
import { before, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { settledLike } from '../src/checks/network/overfit';
import { totalLossParts } from '../src/multi/loss';
import type { CurvePoint } from '../src/measurements';
import { weightSnapshot } from './helpers/models';
import * as shared from '../src/verify/shared-before';
import { withSeed } from '../bench/cases/seed';
import { ALL_CASES } from '../bench/cases';

before(() => ready());

const CHANCE = Math.log(2);

/** Inference-mode evaluations every 5 steps up to `steps`, as the probe records them. */
function evaluations(steps: number, loss: (step: number) => number): CurvePoint[] {
  return Array.from({ length: steps / 5 + 1 }, (_, i) => ({ series: 'reference Adam 1e-2 (inference)', step: 5 * i, loss: loss(5 * i) }));
}

function stopsAt(settled: ReturnType<typeof settledLike>, points: CurvePoint[]): boolean {
  assert.ok(settled, 'a stop rule');
  const last = points[points.length - 1];
  return settled(points, last.step, last.loss ?? Number.NaN, 0.1 * CHANCE);
}

test('settledLike(user flat at chance) stops a reference flat at chance at half its budget of 80 steps, not before', () => {
  const settled = settledLike({ verdict: 'chance', finalLoss: 0.69 }, CHANCE, 80);
  assert.equal(stopsAt(settled, evaluations(40, () => 0.694)), true);
  assert.equal(stopsAt(settled, evaluations(35, () => 0.694)), false, 'before half the budget');
});

test('settledLike(user flat at chance) lets a falling reference, or one that left chance, run on', () => {
  const settled = settledLike({ verdict: 'chance', finalLoss: 0.69 }, CHANCE, 80);
  assert.equal(stopsAt(settled, evaluations(40, (s) => 0.69 * Math.exp(-s / 30))), false, 'falling');
  assert.equal(stopsAt(settled, evaluations(40, () => 0.4)), false, 'flat, but below chance');
});

test('settledLike(user flat far above chance) stops a reference flat above chance, not one flat at chance', () => {
  const settled = settledLike({ verdict: 'flat', finalLoss: 8 }, CHANCE, 80);
  assert.equal(stopsAt(settled, evaluations(40, () => 7.9)), true);
  assert.equal(stopsAt(settled, evaluations(40, () => 0.7)), false);
});

test('settledLike(user run) never stops the reference after a run that fit, was slow, rose, diverged, or sat on a plateau below chance', () => {
  for (const verdict of ['fit', 'slow', 'too-slow', 'rising', 'diverged'] as const) {
    assert.equal(settledLike({ verdict, finalLoss: 0.69 }, CHANCE, 80), undefined, verdict);
  }
  assert.equal(settledLike({ verdict: 'flat', finalLoss: 0.3 }, CHANCE, 80), undefined, 'a plateau below chance may still break');
  assert.equal(settledLike({ verdict: 'chance', finalLoss: 0.69 }, undefined, 80), undefined, 'no chance level');
});

/** Two classes on inputs that are all zero: nothing to learn, the overfit probe sits at chance. */
async function overfitOnNoise(optimizer: tf.Optimizer): Promise<{ series: Map<string, number>; extra: Record<string, unknown> }> {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const x = tf.zeros([64, 4]);
  const y = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [i % 2]));
  const weights = weightSnapshot(model);
  const tensors = tf.memory().numTensors;
  try {
    const report = await diagnose(model, { x, y }, { display: false, seed: 3, checks: { only: ['overfit-tiny-batch'] } });
    assert.equal(tf.memory().numTensors, tensors, 'diagnose() leaked tensors');
    assert.deepEqual(weightSnapshot(model), weights, 'the model changed');
    const series = new Map<string, number>();
    for (const p of report.measurements.curves?.points ?? []) series.set(p.series, Math.max(series.get(p.series) ?? 0, p.step));
    return { series, extra: report.measurements.extra?.['overfit-tiny-batch'] ?? {} };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

test('diagnose(model compiled with Adam 1e-2, data it cannot fit) runs no separate reference: the user\'s run is the reference', async () => {
  const { series, extra } = await overfitOnNoise(tf.train.adam(0.01));
  assert.deepEqual([...series.keys()].sort(), ['your optimizer (inference)', 'your optimizer (training)']);
  assert.equal(extra.referenceSucceeded, false);
  assert.equal(extra.referenceVerdict, extra.verdict);
});

test('diagnose(model compiled with Adam 1e-3, data it cannot fit) stops the reference run flat at chance after 40 of its 80 steps', async () => {
  const { series, extra } = await overfitOnNoise(tf.train.adam(0.001));
  assert.equal(extra.verdict, 'chance');
  assert.equal(extra.referenceVerdict, 'chance');
  assert.equal(series.get('reference Adam 1e-2 (training)'), 40);
});

test('totalLossParts(name of a total loss) reads each output\'s loss; any other name is not a total', () => {
  assert.deepEqual(totalLossParts('sum of cls: categoricalCrossentropy + size: meanSquaredError'), ['categoricalCrossentropy', 'meanSquaredError']);
  assert.deepEqual(totalLossParts('sum of head: myLoss'), ['myLoss']);
  assert.equal(totalLossParts('meanSquaredError'), undefined);
});

/** One input, a class head and a regression head; `sizeLoss` for the regression head. */
function twoHeads(sizeLoss: string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const trunk = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const cls = tf.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(trunk) as tf.SymbolicTensor;
  const size = tf.layers.dense({ units: 1, name: 'size' }).apply(trunk) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [cls, size] });
  model.compile({ optimizer: 'adam', loss: { cls: 'categoricalCrossentropy', size: sizeLoss as string } });
  return model;
}

test('diagnose(two-headed model with built-in losses) skips gradient-check; with a custom loss on one head it checks the total loss', async () => {
  const x = tf.randomNormal([64, 4], 0, 1, 'float32', 7);
  const y = { cls: tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 3), 'int32'), 3), size: tf.randomNormal([64, 1], 0, 1, 'float32', 8) };
  try {
    const status = async (model: tf.LayersModel) => {
      const report = await diagnose(model, { x, y }, { display: false, checks: { only: ['gradient-check'] } });
      model.dispose();
      return report.checks.find((c) => c.id === 'gradient-check');
    };
    const builtIn = await status(twoHeads('meanSquaredError'));
    assert.equal(builtIn?.status, 'skipped', builtIn?.note);
    const custom = await status(twoHeads(function halfSquare(a, b) { return tf.mul(tf.square(tf.sub(a, b)), 0.5).mean(-1); }));
    assert.equal(custom?.status, 'pass', custom?.note);
    assert.match(custom?.note ?? '', /loss/);
  } finally {
    tf.dispose([x, y.cls, y.size]);
  }
});

test('repeatableTraining(model) holds for dense, conv and recurrent layers, not with dropout, recurrent dropout, noise or batch normalization', () => {
  const build = (layers: tf.layers.Layer[]) => tf.sequential({ layers });
  const models = {
    dense: build([tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.dense({ units: 1 })]),
    gru: build([tf.layers.gru({ inputShape: [5, 2], units: 3 }), tf.layers.dense({ units: 1 })]),
    dropout: build([tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.dropout({ rate: 0.2 }), tf.layers.dense({ units: 1 })]),
    recurrentDropout: build([tf.layers.lstm({ inputShape: [5, 2], units: 3, recurrentDropout: 0.1 }), tf.layers.dense({ units: 1 })]),
    noise: build([tf.layers.gaussianNoise({ inputShape: [4], stddev: 0.1 }), tf.layers.dense({ units: 1 })]),
    batchNorm: build([tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })]),
  };
  const verdicts = Object.fromEntries(Object.entries(models).map(([name, model]) => [name, shared.repeatableTraining(model)]));
  assert.deepEqual(verdicts, { dense: true, gru: true, dropout: false, recurrentDropout: false, noise: false, batchNorm: false });
  Object.values(models).forEach((m) => m.dispose());
});

test('diagnose(unscaled housing-like regression) verifies the fix against the overfit probe\'s record, identical to running the probe as set up again', async () => {
  const fault = ALL_CASES.find((c) => c.id === 'fault-housing-raw-features');
  assert.ok(fault && fault.kind === 'fault');
  const verifiedWith = async (share: boolean) => {
    const spy = share ? mock.method(shared, 'sharedBefore') : mock.method(shared, 'sharedBefore', () => undefined);
    const setup = withSeed(1, fault.build);
    try {
      const report = await diagnose(setup.model, setup.data, { display: false, seed: 1 });
      const fixes = report.measurements.verifiedFixes ?? [];
      return { fixes, used: spy.mock.calls.some((call) => call.result !== undefined), first: report.triage?.first };
    } finally {
      spy.mock.restore();
      tf.dispose(Object.values(setup.data).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
      setup.model.dispose();
    }
  };
  const sharing = await verifiedWith(true);
  const running = await verifiedWith(false);
  assert.equal(sharing.used, true, 'the overfit record stood for the probe as set up');
  assert.ok(sharing.fixes.length > 0, 'a fix was verified');
  assert.deepEqual(sharing.fixes, running.fixes);
  assert.equal(sharing.first, running.first);
});
