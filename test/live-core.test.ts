import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedSeries, thinned } from '../src/live/series';
import { RunHistory } from '../src/live/history';
import { detectDivergence, detectPlateau, detectWideningGap } from '../src/live/detectors';
import { formatNumber } from '../src/charts/base';
import * as messages from '../src/live/messages';
import type { SeriesPoint } from '../src/live/series';
import type { EpochRow } from '../src/live/history';

const curve = (values: number[]): SeriesPoint[] => values.map((value, i) => ({ step: i + 1, value }));

test('BoundedSeries.push keeps every point until full, then merges pairs and stays under capacity', () => {
  const series = new BoundedSeries(8);
  for (let step = 1; step <= 7; step++) series.push(step, step);
  assert.deepEqual(series.points().map((p) => p.value), [1, 2, 3, 4, 5, 6, 7]);
  for (let step = 8; step <= 10_000; step++) series.push(step, step);
  assert.ok(series.size <= 8, `size ${series.size}`);
  const points = series.points();
  assert.equal(points[points.length - 1].step, 10_000, 'the last step is always present');
  // Means of consecutive steps: each bucket's value lies between its neighbours'.
  for (let i = 1; i < points.length; i++) assert.ok((points[i].value as number) > (points[i - 1].value as number));
});

test('BoundedSeries.push keeps a bucket null when it held a non-finite value', () => {
  const series = new BoundedSeries(4);
  [1, 2, Number.NaN, 4, 5, 6, 7, 8].forEach((v, i) => series.push(i + 1, v));
  assert.ok(series.points().some((p) => p.value === null));
});

test('thinned(items, capacity) keeps the recent half whole and thins the old part', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const kept = thinned(items, 20);
  assert.ok(kept.length <= 20);
  assert.deepEqual(kept.slice(-10), items.slice(-10));
  assert.equal(kept[0], 0);
});

test('RunHistory.apply folds events into a bounded snapshot', () => {
  const history = new RunHistory({ batchPoints: 16, epochRows: 4, layerSamples: 4, notes: 2 });
  for (let step = 1; step <= 1000; step++) history.apply({ type: 'batch', step, epoch: 0, batch: step - 1, t: step, values: { loss: 1 / step, acc: null } });
  for (let epoch = 0; epoch < 10; epoch++) history.apply({ type: 'epoch', step: epoch * 100, epoch, t: 0, values: { loss: 1 } });
  for (let step = 0; step < 10; step++) history.apply({ type: 'layers', step, rows: [] });
  for (let i = 0; i < 5; i++) history.apply({ type: 'note', step: i, kind: 'info', text: String(i) });
  const snapshot = history.snapshot();
  assert.equal(snapshot.step, 1000);
  assert.ok(snapshot.batches.loss.length <= 16);
  assert.ok(snapshot.epochs.length <= 4);
  assert.ok(snapshot.layers.length <= 4);
  assert.deepEqual(snapshot.notes.map((n) => n.text), ['3', '4']);
});

test('detectDivergence(loss) reports loss-diverging when the smoothed loss climbs past twice its best and its start', () => {
  const falling = Array.from({ length: 40 }, (_, i) => 2.3 - i * 0.03);
  const rising = Array.from({ length: 40 }, (_, i) => 1.1 + i * 0.4);
  const finding = detectDivergence(curve([...falling, ...rising]), 0.5);
  assert.ok(finding);
  assert.equal(finding.id, 'loss-diverging');
  assert.equal(finding.checklist, 'T5');
  assert.equal(finding.evidence.learningRate, 0.5);
  assert.ok((finding.evidence.loss as number) > 2 * (finding.evidence.bestLoss as number));
});

test('detectDivergence(loss) compares the loss with its low and start after the warm-up, so the low is never above the start', () => {
  // A first batch far below the rest (2.3, then ~8) used to become the "low", while the detail
  // quoted the warmed-up start (5.1) as "where it started": two baselines in one message.
  const spiky = [2.3, 9, 9, 9, 9, ...Array.from({ length: 30 }, () => 8), ...Array.from({ length: 40 }, (_, i) => 8 + i)];
  const finding = detectDivergence(curve(spiky), 0.5);
  assert.ok(finding);
  const { bestLoss, startLoss, bestStep, startStep } = finding.evidence as Record<string, number>;
  assert.ok(bestLoss <= startLoss, `low ${bestLoss} must not exceed start ${startLoss}`);
  assert.ok(bestStep >= startStep);
  assert.ok(finding.title.includes(`up from ${formatNumber(bestLoss)} at step ${bestStep}`), finding.title);
  assert.ok(finding.detail.includes(`level at step ${startStep} (${formatNumber(startLoss)})`), finding.detail);
  assert.match(finding.title, /moving average/);
});

test('detectDivergence(loss) stays silent on a healthy noisy curve', () => {
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.4;
  const healthy = Array.from({ length: 500 }, (_, i) => 2.3 * Math.exp(-i / 100) + 0.1 + noise() * Math.exp(-i / 200));
  assert.equal(detectDivergence(curve(healthy), 0.01), null);
});

test('detectWideningGap(epochs) reports val-loss-rising when validation loss rises while training loss falls', () => {
  const epochs: EpochRow[] = [
    [1.0, 1.05], [0.6, 0.7], [0.4, 0.6], [0.25, 0.66], [0.15, 0.75],
  ].map(([loss, val], epoch) => ({ epoch, step: (epoch + 1) * 10, values: { loss, val_loss: val } }));
  const finding = detectWideningGap(epochs);
  assert.deepEqual(finding, messages.wideningGap({
    epoch: 4, step: 50, trainLoss: 0.15, validationLoss: 0.75, bestValidationLoss: 0.6, bestEpoch: 2, trainLossAtBest: 0.4,
  }));
});

test('detectWideningGap(epochs) stays silent while both losses fall', () => {
  const epochs: EpochRow[] = [1, 0.8, 0.6, 0.5, 0.45].map((loss, epoch) => ({ epoch, step: epoch, values: { loss, val_loss: loss * 1.1 } }));
  assert.equal(detectWideningGap(epochs), null);
});

test('detectPlateau(series, points) notes a flat curve after enough steps and not a falling one', () => {
  const flat = Array.from({ length: 400 }, (_, i) => (i < 100 ? 2 - i / 100 : 1));
  const plateau = detectPlateau('training loss', curve(flat));
  assert.ok(plateau);
  assert.equal(plateau.value, 1);
  const falling = Array.from({ length: 400 }, (_, i) => 2 - i / 400);
  assert.equal(detectPlateau('training loss', curve(falling)), null);
});

test('RunHistory.apply starts afresh when a start event brings another run id', () => {
  const history = new RunHistory();
  const run = { modelName: 'm', layers: [], lossName: 'mse', chanceLoss: null, chanceReason: null, totalSteps: null, epochs: null, startedAt: 0, startStep: 0 };
  history.apply({ type: 'start', run: { ...run, runId: 'a' } });
  history.apply({ type: 'batch', step: 1, epoch: 0, batch: 0, t: 1, values: { loss: 1 } });
  history.apply({ type: 'start', run: { ...run, runId: 'a', startStep: 1 } });
  assert.equal(history.snapshot().batches.loss.length, 1, 'the same watcher fitting again keeps its history');
  history.apply({ type: 'start', run: { ...run, runId: 'b' } });
  assert.deepEqual(history.snapshot().batches, {});
  assert.equal(history.snapshot().step, 0);
});

test('formatDuration(seconds) rounds before splitting, so no unit ever reads 60', () => {
  assert.equal(messages.formatDuration(59.4), '59 s');
  assert.equal(messages.formatDuration(59.6), '1 min 0 s');
  assert.equal(messages.formatDuration(119.6), '2 min 0 s');
  assert.equal(messages.formatDuration(3599.6), '1 h 0 min');
  assert.equal(messages.formatDuration(5430), '1 h 31 min');
  assert.equal(messages.formatDuration(7199.9), '2 h 0 min');
});
