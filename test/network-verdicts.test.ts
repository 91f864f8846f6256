/** The pure verdicts behind the network findings: trend of a probe curve, learning-rate verdict, optimizer first-step gain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { lossTrend } from '../src/checks/network/trend';
import { lossAt, lrVerdict, type SweepReading } from '../src/checks/network/lr-verdict';
import { firstStepGain } from '../src/checks/network/gradients';
import { networkMessages, type OverfitEvidence } from '../src/messages/network';
import { lrRangeChart } from '../src/charts/lr-range';

const curve = (losses: number[], every = 5) => losses.map((loss, i) => ({ step: i * every, loss }));

test('lossTrend(points) calls a curve that rose from 0.31 to 0.38 over its second half rising, with the drawn end points', () => {
  const trend = lossTrend(curve([2.3, 1.2, 0.6, 0.4, 0.31, 0.33, 0.35, 0.36, 0.38]), 0.23);
  assert.equal(trend?.direction, 'rising');
  assert.deepEqual(trend?.from, { step: 20, loss: 0.31 });
  assert.deepEqual(trend?.to, { step: 40, loss: 0.38 });
  assert.equal(trend?.stepsToGoal, null);
});

test('lossTrend(points) projects a geometric fall in log space: 10x per 50 steps reaches 1e-3 of the end 150 steps later', () => {
  const losses = Array.from({ length: 21 }, (_, i) => 10 ** (-i / 10));
  const trend = lossTrend(curve(losses), 1e-5);
  assert.equal(trend?.direction, 'falling');
  assert.ok(Math.abs((trend?.decadesPer100Steps ?? 0) + 2) < 1e-9);
  assert.ok(Math.abs((trend?.stepsToGoal ?? 0) - 150) < 1e-6, String(trend?.stepsToGoal));
});

test('lossTrend(points) calls a curve that moves less than 5% over its second half flat', () => {
  assert.equal(lossTrend(curve([2.3, 2.31, 2.29, 2.3, 2.31, 2.3, 2.29]), 0.23)?.direction, 'flat');
});

const evidence = (verdict: string, stillImproving: boolean, from: number, to: number): OverfitEvidence => ({
  samples: 16, steps: 100, initialLoss: 2.3, finalLoss: to, accuracy: 0.5, target: 0.23, diverged: false,
  referenceSucceeded: false, referenceSteps: 80, stillImproving, verdict, run: 'your optimizer',
  trendFromStep: 50, trendFromLoss: from, trendToStep: 100, trendToLoss: to, stepsToGoal: stillImproving ? 120 : Number.NaN,
});

test('networkMessages.overfitFailed(rising) is an error that says the loss rose, never that it is still falling', () => {
  const finding = networkMessages.overfitFailed(evidence('rising', false, 0.31, 0.38));
  assert.equal(finding.severity, 'error');
  assert.match(finding.detail, /From step 50 to 100 it rose from 0\.31 to 0\.38/);
  assert.doesNotMatch(finding.detail, /falling/);
});

test('networkMessages.overfitFailed(slow) is info with the projection read off the same window', () => {
  const finding = networkMessages.overfitFailed(evidence('slow', true, 0.9, 0.5));
  assert.equal(finding.severity, 'info');
  assert.match(finding.detail, /From step 50 to 100 it fell from 0\.9 to 0\.5, steadily on a log scale; at that pace it reaches the target in about 120 more steps/);
});

const reading = (over: Partial<SweepReading>): SweepReading => ({
  minLossLr: 2e-5, minLoss: 1.5, startLoss: 2.3, lossAtConfigured: 1.52, divergenceLr: 0.94, lastLr: 1.2,
  band: [2e-7, 2e-6], learned: true, trained: false, ...over,
});

test('lrVerdict(reading) does not call a rate below the divergence point, where the curve is still at its bottom, too high', () => {
  assert.deepEqual(lrVerdict(reading({}), 0.03, 'none', 'adam', null), []);
});

test('lrVerdict(reading) calls a rate where the curve is back up a warning, quoting the curve, and no "blows up" below divergence', () => {
  const [finding] = lrVerdict(reading({ lossAtConfigured: 2.0 }), 0.03, 'none', 'adam', null);
  assert.equal(finding.id, 'lr-too-high');
  assert.equal(finding.severity, 'warning');
  assert.match(finding.detail, /fell from 2\.3 to its lowest, 1\.5, at 2\.00e-5 and blew up from 0\.94; at your rate 0\.03 it is back up at 2/);
  assert.doesNotMatch(finding.detail, /past the point where it blows up/);
});

test('lrVerdict(reading) says a rate at or past the divergence point blows up (error)', () => {
  const [finding] = lrVerdict(reading({ lossAtConfigured: 5 }), 1, 'none', 'adam', null);
  assert.equal(finding.severity, 'error');
  assert.match(finding.detail, /your rate 1 is past the point where it blows up/);
});

test('lrVerdict(reading) without a band never tells the user to pick a rate in it', () => {
  const [finding] = lrVerdict(reading({ band: null, learned: false }), 2, 'none', 'sgd', null);
  assert.equal(finding.evidence.suggestedLow, Number.NaN);
  assert.doesNotMatch(finding.fix, /band/);
  assert.match(finding.detail, /the loss never fell clearly and blew up from 0\.94/);
});

test('lrVerdict(reading) reports lr-too-high (error) when training at a tenth of the rate learns where your rate does not', () => {
  const probe = { steps: 30, samples: 16, initialLoss: 1550, yourLoss: 1570, lowerLr: 0.005, lowerLoss: 223 };
  const [finding] = lrVerdict(reading({ learned: false, band: null, divergenceLr: null, lossAtConfigured: 1900 }), 0.05, 'none', 'sgd', probe);
  assert.equal(finding.severity, 'error');
  assert.match(finding.detail, /the loss went from 1550 to 1570 at your rate and to 223 at 0\.005/);
  const healthy = { ...probe, yourLoss: 40, lowerLoss: 1375 };
  assert.deepEqual(lrVerdict(reading({ learned: false, band: null, divergenceLr: null }), 0.05, 'none', 'adam', healthy), []);
});

test('lossAt(points, lr) interpolates the smoothed curve in log rate and is null outside it', () => {
  const points = [{ lr: 1e-3, loss: 2, smoothed: 2 }, { lr: 1e-1, loss: 1, smoothed: 1 }];
  assert.equal(lossAt(points, 1e-2), 1.5);
  assert.equal(lossAt(points, 1), null);
});

test('lrRangeChart(test) without a band does not ask for a rate in the green band, and marks the lowest loss', () => {
  const points = [1e-4, 1e-3, 1e-2, 1e-1].map((lr, i) => ({ lr, loss: 2 - 0.1 * i, smoothed: 2 - 0.1 * i }));
  const spec = JSON.stringify(lrRangeChart({ points, configuredLr: 1e-3, suggested: null, steepestLr: null, divergenceLr: null, minLossLr: 1e-1 }));
  assert.doesNotMatch(spec, /green band/);
  assert.match(spec, /lowest loss at 0\.1/);
  const banded = JSON.stringify(lrRangeChart({ points, configuredLr: 1e-3, suggested: [1e-4, 1e-3], steepestLr: null, divergenceLr: null }));
  assert.match(banded, /green band/);
});

test('firstStepGain(optimizer) is 1/sqrt(1 - rho) for a fresh RMSProp, [1 - m, 1] for Momentum and 1 for Adam', () => {
  const rmsprop = tf.train.rmsprop(1e-3);
  const momentum = tf.train.momentum(0.01, 0.9);
  const adam = tf.train.adam(1e-3);
  assert.ok(Math.abs(firstStepGain(rmsprop)[0] - Math.sqrt(10)) < 1e-9);
  assert.deepEqual(firstStepGain(momentum).map((v) => Math.round(v * 1e9) / 1e9), [0.1, 1]);
  assert.deepEqual(firstStepGain(adam), [1, 1]);
  [rmsprop, momentum, adam].forEach((o) => o.dispose());
});
