/**
 * Data-side false alarms and their buggy twins (issue 10 §1, issue 13):
 * each healthy setup must stay clean (no warning, no error from the data
 * checks), and the fault it is confused with must still be found.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { seededRandom, shuffledIndices } from '../src/context/random';
import * as msg from '../src/messages/data';
import { assertNoProblems, diagnoseNoLeak, findingOf } from './helpers/diagnose';
import { mnistArrays, mnistMlp, oneHot, regressionModel, tabularArrays, tabularClassifier } from './helpers/models';
import {
  additionData, additionModel, charModel, mnistCnn, nextCharacterData, perPixelStandardizedMnist, scaledRegression, sentimentModel, standardizedMnist, tokenReviews,
} from './helpers/data-models';

before(() => ready());

const PER_CLASS = 60;
const shuffle = (labels: number[], seed: number): number[] => shuffledIndices(labels.length, seededRandom(seed)).map((i) => labels[i]);

test('diagnose(mlp, standardized flat MNIST) reads the pixels as one image channel: no data-unnormalized, no data-constant-feature', async () => {
  const { x, labels } = standardizedMnist(PER_CLASS);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y: oneHot(labels, 10) });
  assert.equal(report.context.inputKind.value, 'image', report.context.inputKind.reason);
  assertNoProblems(report);
  model.dispose();
});

test('diagnose(mlp, per-pixel standardized MNIST) does not take rare lit pixels (values ~30) for raw 0-255 pixels', async () => {
  const { x, labels } = perPixelStandardizedMnist(PER_CLASS);
  assert.ok(x.flat().reduce((a, b) => Math.max(a, b)) > 20, 'a rarely lit pixel reaches a large standardized value');
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y: oneHot(labels, 10) });
  assertNoProblems(report);
  model.dispose();
});

test('diagnose(mlp, [0, 1] MNIST) and diagnose(cnn, [0, 1] and standardized MNIST images) stay clean', async () => {
  const plain = mnistArrays(PER_CLASS);
  const mlp = mnistMlp();
  assertNoProblems(await diagnoseNoLeak(mlp, { x: plain.x, y: oneHot(plain.labels, 10) }));
  mlp.dispose();
  for (const { x, labels } of [plain, standardizedMnist(PER_CLASS)]) {
    const cnn = mnistCnn();
    const xs = tf.tensor4d(x.flat(), [x.length, 28, 28, 1]);
    const ys = tf.tensor2d(oneHot(labels, 10));
    assertNoProblems(await diagnoseNoLeak(cnn, { x: xs, y: ys }));
    tf.dispose([xs, ys]);
    cnn.dispose();
  }
});

test('diagnose(model, table with a rare 0/1 flag) does not call the flag another scale; a column in other units still is', async () => {
  const { x, labels } = tabularArrays(400);
  // Feature 6 is a flag set in 2 rows of 400: std ~0.07 against ~1, yet the same kind of values.
  const flagged = x.map((row, i) => row.map((v, j) => (j === 6 ? Number(i % 200 === 7) : v)));
  const model = tabularClassifier();
  const clean = await diagnoseNoLeak(model, { x: flagged, y: labels });
  assert.equal(clean.findings.find((f) => f.id === 'data-unnormalized'), undefined);
  const millimetres = flagged.map((row) => row.map((v, j) => (j === 2 ? v * 1000 : v)));
  const f = findingOf(await diagnoseNoLeak(model, { x: millimetres, y: labels }), 'data-unnormalized');
  assert.equal(f.evidence.kind, 'scale-spread');
  assert.equal(f.evidence.feature, 'feature 2');
  assert.ok(Number(f.evidence.spread) > 500 && Number(f.evidence.spread) < 2000, String(f.evidence.spread));
  model.dispose();
});

test('diagnose(regression, targets scaled by 1e-4 and by 1e4) stays clean: chance is relative to the target scale', async () => {
  for (const scale of [1e-4, 1e4]) {
    const { x, labels } = scaledRegression(400, scale);
    const model = regressionModel();
    const report = await diagnoseNoLeak(model, { x, y: labels.map((v) => [v]) });
    assertNoProblems(report);
    assert.ok(report.measurements.loss !== undefined, 'the loss was measured against chance');
    model.dispose();
  }
});

test('diagnose(one sigmoid unit, one-hot label rows [n, 2]) reports labels-invalid and no check fails on the shape the loss rejects', async () => {
  const { x, labels } = tokenReviews(300);
  const model = sentimentModel();
  // Every check: the network checks are the ones that ran the loss unguarded.
  const report = await diagnoseNoLeak(model, { x, y: labels.map((l) => (l ? [0, 1] : [1, 0])) }, { display: false, checks: {} });
  assert.equal(report.triage?.first, 'labels-invalid');
  assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.note}`), []);
  assert.match(report.checks.find((c) => c.id === 'gradient-flow')?.note ?? '', /the loss rejects these labels/);
  model.dispose();
});

test('diagnose(regression under Adam, targets x1000) reports data-unnormalized (target-scale) first; targets x1 and x10 stay clean', async () => {
  const adam = (): tf.Sequential => {
    const model = regressionModel();
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    return model;
  };
  const { x, labels } = scaledRegression(400, 1000);
  const model = adam();
  const report = await diagnoseNoLeak(model, { x, y: labels.map((v) => [v]) });
  const f = findingOf(report, 'data-unnormalized');
  assert.equal(f.evidence.kind, 'target-scale');
  assert.equal(f.severity, 'warning');
  // Each Adam step moves the outputs' spread by at most lr * (1 + sum |hidden|): thousands of steps to a spread in the hundreds.
  assert.ok(Number(f.evidence.std) > 100 && Number(f.evidence.steps) > 2000, `std ${f.evidence.std}, steps ${f.evidence.steps}`);
  assert.equal(report.triage?.first, 'data-unnormalized');
  model.dispose();
  for (const scale of [1, 10]) {
    const healthy = scaledRegression(400, scale);
    const fresh = adam();
    assertNoProblems(await diagnoseNoLeak(fresh, { x: healthy.x, y: healthy.labels.map((v) => [v]) }));
    fresh.dispose();
  }
});

test('diagnose(regression, targets far from 0) reports the offset as loss-above-chance info with the target mean, not as overconfidence', async () => {
  const { x, labels } = scaledRegression(400, 1, 20);
  const model = regressionModel();
  const report = await diagnoseNoLeak(model, { x, y: labels.map((v) => [v]) });
  const f = findingOf(report, 'loss-above-chance');
  assert.equal(f.severity, 'info');
  assert.ok(Math.abs(Number(f.evidence.targetMean) - 20) < 0.5, String(f.evidence.targetMean));
  assertNoProblems(report);
  model.dispose();
});

test('diagnose(regression, unscaled inputs and tiny targets) still flags loss-above-chance as a warning', async () => {
  const { x, labels } = scaledRegression(400, 1e-4);
  const model = regressionModel();
  const report = await diagnoseNoLeak(model, { x: x.map((row) => row.map((v) => v * 300)), y: labels.map((v) => [v]) });
  const f = findingOf(report, 'loss-above-chance');
  assert.equal(f.severity, 'warning');
  assert.ok(Number(f.evidence.initialLoss) > Number(f.evidence.upper));
  model.dispose();
});

test('diagnose(regression, a noisy but real link: R2 ~0.1) finds the link against the permutation null: no labels-unrelated', async () => {
  const { x, labels } = scaledRegression(800, 1, 0, 2);
  const model = regressionModel();
  const report = await diagnoseNoLeak(model, { x, y: labels.map((v) => [v]) }, { checks: { only: ['label-relation'] } });
  const run = report.checks.find((c) => c.id === 'label-relation');
  assert.equal(run?.status, 'pass', run?.note);
  const measured = report.measurements.extra?.['label-relation'] as { score: number; p: number; null95: number };
  assert.ok(measured.score > 0.05 && measured.score < 0.3, `R2 ${measured.score}`);
  assert.ok(measured.p <= 0.05 && measured.score > measured.null95);
  assert.ok((report.measurements.extra?.['label-relation'] as { z: number }).z >= 3);
  model.dispose();
});

test('diagnose(regression, shuffled targets) flags labels-unrelated, stating the score against the shuffled-label null', async () => {
  const { x, labels } = scaledRegression(800, 1);
  const model = regressionModel();
  const report = await diagnoseNoLeak(model, { x, y: shuffle(labels, 3).map((v) => [v]) }, { checks: { only: ['label-relation'] } });
  const f = findingOf(report, 'labels-unrelated');
  assert.equal(f.evidence.permutations, 99);
  // Shuffled labels are one more permutation: p is uniform, above 0.05 in 95% of shuffles; error above 0.25.
  assert.ok(Number(f.evidence.p) > 0.05, String(f.evidence.p));
  assert.equal(f.severity, Number(f.evidence.p) > 0.25 ? 'error' : 'warning');
  assert.ok(Number(f.evidence.score) <= Number(f.evidence.null95));
  assert.ok(Number(f.evidence.null95) < 1, 'the printed level is attainable');
  assert.equal(f.detail, msg.labelsUnrelated({
    baseline: String(f.evidence.baseline), score: Number(f.evidence.score), nullMean: Number(f.evidence.nullMean), null95: Number(f.evidence.null95),
    p: Number(f.evidence.p), permutations: 99, metric: 'R2', heldOut: 200, tokens: false, severity: f.severity === 'error' ? 'error' : 'warning',
  }).detail);
  model.dispose();
});

test('diagnose(embedding model, float token ids) judges the label link on bags of tokens: clean when related, labels-unrelated when shuffled', async () => {
  const { x, labels } = tokenReviews(600);
  const model = sentimentModel();
  const healthy = await diagnoseNoLeak(model, { x, y: labels.map((v) => [v]) });
  assert.equal(healthy.context.inputKind.value, 'sequence');
  assertNoProblems(healthy);
  assert.match(healthy.checks.find((c) => c.id === 'label-relation')?.note ?? '', /bags of tokens/);
  const broken = await diagnoseNoLeak(model, { x, y: shuffle(labels, 8).map((v) => [v]) }, { checks: { only: ['label-relation'] } });
  // Shuffled labels make p a uniform draw: above 0.25 it is an error, from 0.05 to 0.25 a warning; either way found.
  const unrelated = findingOf(broken, 'labels-unrelated');
  assert.ok(['error', 'warning'].includes(unrelated.severity));
  assert.ok(Number(unrelated.evidence.p) > 0.05, `p = ${unrelated.evidence.p}`);
  model.dispose();
});

test('diagnose(char LSTM, next-character targets) reports the long tail of characters as info, not labels-imbalanced warning', async () => {
  const { x, y, charset } = nextCharacterData(1500);
  const model = charModel(10, charset.length);
  const report = await diagnoseNoLeak(model, { x, y }, { checks: { only: ['labels'] } });
  const f = findingOf(report, 'labels-imbalanced');
  assert.ok(Number(f.evidence.ratio) >= 10, `a real long tail: ${f.evidence.ratio}`);
  assert.equal(f.severity, 'info');
  assert.equal(f.evidence.reading, 'language');
  assertNoProblems(report);
  model.dispose();
});

test('diagnose(addition rnn, per-timestep one-hot labels [n, 3, 12]) reads 12 classes per timestep: no labels-invalid, chance per timestep, predictions as sequences', async () => {
  const { x, y } = additionData(600);
  const model = additionModel();
  const report = await diagnoseNoLeak(model, { x, y });
  assertNoProblems(report);
  assert.equal(report.context.numClasses, 12);
  // Per-timestep entropy of the answer characters: below ln 12 = 2.48 (spaces and 1s are common), far above 0.49.
  const chance = report.context.chanceLoss ?? 0;
  assert.ok(chance > 1.5 && chance < Math.log(12), String(chance));
  // Judged on each answer's bag of characters: linked.
  assert.equal(report.checks.find((c) => c.id === 'label-relation')?.status, 'pass');
  const rows = report.measurements.predictions?.rows ?? [];
  assert.ok(rows.length > 0 && rows.every((r) => r.label.split(' ').length >= 3), rows[0]?.label);
  assert.equal(report.measurements.dataProfile?.labels.reduce((sum, l) => sum + l.count, 0), 600 * 3);
  model.dispose();
});

test('diagnose(addition rnn, answers shuffled apart from their questions) reports labels-unrelated on the answers\' bags of characters', async () => {
  const { x, y } = additionData(600);
  const answers = y as number[][][];
  const order = shuffledIndices(answers.length, seededRandom(4));
  const model = additionModel();
  const report = await diagnoseNoLeak(model, { x, y: order.map((i) => answers[i]) });
  const f = findingOf(report, 'labels-unrelated');
  // p above 0.25 is an error, between 0.05 and 0.25 a warning: shuffled pairs land in either.
  assert.ok(f.severity === 'error' || f.severity === 'warning', f.severity);
  assert.match(f.detail, /bag of tokens/);
  assert.equal(f.evidence.metric, 'R2');
  assert.equal(report.triage?.first, 'labels-unrelated');
  model.dispose();
});

test('diagnose(addition rnn, per-timestep class indices [n, 3]) with sparseCategoricalCrossentropy stays clean; indices out of range are still found', async () => {
  const { x, y } = additionData(600, true);
  const model = additionModel(true);
  assertNoProblems(await diagnoseNoLeak(model, { x, y }));
  const shifted = (y as number[][]).map((row) => row.map((c) => c + 1));
  const f = findingOf(await diagnoseNoLeak(model, { x, y: shifted }, { checks: { only: ['labels'] } }), 'labels-invalid');
  assert.equal(f.evidence.kind, 'out-of-range');
  model.dispose();
});

test('diagnose(model, 1500 classes as sparse indices) counts every class: no labels-invalid, no missing classes', async () => {
  const classes = 1500;
  const { x } = tabularArrays(3000);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: classes, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y: x.map((_, i) => i % classes) }, { checks: { only: ['labels'] } });
  assert.equal(report.findings.find((f) => f.id === 'labels-invalid'), undefined);
  assert.equal(report.findings.find((f) => f.id === 'labels-imbalanced'), undefined);
  assert.ok(Math.abs((report.context.chanceLoss ?? 0) - Math.log(classes)) < 1e-6);
  model.dispose();
});

test('diagnose(linear model, one raw feature 1..24) flags data-unnormalized (large values); the standardized feature is clean', async () => {
  const random = seededRandom(12);
  const xs = Array.from({ length: 240 }, () => 1 + Math.floor(random() * 24));
  const build = () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
    return model;
  };
  const y = xs.map((v) => [(v + 2) / 10]);
  const raw = build();
  const f = findingOf(await diagnoseNoLeak(raw, { x: xs.map((v) => [v]), y }), 'data-unnormalized');
  assert.equal(f.evidence.kind, 'large-values');
  assert.equal(f.severity, 'warning');
  const scaled = build();
  const report = await diagnoseNoLeak(scaled, { x: xs.map((v) => [(v - 12.5) / 6.9]), y });
  assert.equal(report.findings.find((x) => x.id === 'data-unnormalized'), undefined);
  raw.dispose();
  scaled.dispose();
});

test('diagnose(binary classifier, 12% positives) warns labels-imbalanced (under a quarter of the fair share); 30% positives is at most info', async () => {
  const { x, labels } = tabularArrays(1200);
  const binary = labels.map((c) => Number(c === 0));
  const positives = binary.map((v, i) => ({ v, i })).filter(({ v }) => v === 1).map(({ i }) => i);
  const negatives = binary.map((v, i) => ({ v, i })).filter(({ v }) => v === 0).map(({ i }) => i);
  const build = () => {
    const model = tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [8], units: 8, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ] });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    return model;
  };
  const pick = (rows: number[]) => ({ x: rows.map((i) => x[i]), y: rows.map((i) => [binary[i]]) });
  const mixed = (neg: number, pos: number) => shuffle([...negatives.slice(0, neg), ...positives.slice(0, pos)], 2);
  const model = build();
  const skewed = await diagnoseNoLeak(model, pick(mixed(440, 60)), { checks: { only: ['labels'] } });
  assert.equal(findingOf(skewed, 'labels-imbalanced').severity, 'warning');
  const mild = await diagnoseNoLeak(model, pick(mixed(350, 150)), { checks: { only: ['labels'] } });
  assertNoProblems(mild);
  model.dispose();
});

test('diagnose(10 sigmoid outputs + binaryCrossentropy, one-hot MNIST labels) flags loss-output-mismatch (sigmoid-binary-one-hot)', async () => {
  const { x, labels } = mnistArrays(30);
  const model = mnistMlp(1, { loss: 'binaryCrossentropy', outputActivation: 'sigmoid' });
  const f = findingOf(await diagnoseNoLeak(model, { x, y: oneHot(labels, 10) }), 'loss-output-mismatch');
  assert.equal(f.evidence.kind, 'sigmoid-binary-one-hot');
  assert.equal(f.severity, 'warning');
  // Real multilabel rows (two true classes) are what sigmoid + binaryCrossentropy is for.
  const multi = oneHot(labels, 10).map((row, i) => row.map((v, k) => (k === (labels[i] + 1) % 10 ? 1 : v)));
  const ok = await diagnoseNoLeak(model, { x, y: multi }, { checks: { only: ['loss-config'] } });
  assert.equal(ok.findings.find((x) => x.id === 'loss-output-mismatch'), undefined);
  model.dispose();
});

test('diagnose(model, sorted tf.data dataset with classes that do not fill whole batches) flags batches-single-label by the mean top-class share', async () => {
  const { x, labels } = mnistArrays(50);
  const order = labels.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c);
  const dataset = tf.data.array(order.map(({ c, i }) => ({ xs: x[i], ys: oneHot([c], 10)[0] })))
    .map((e) => { const { xs, ys } = e as { xs: number[]; ys: number[] }; return { xs: tf.tensor1d(xs), ys: tf.tensor1d(ys) }; })
    .batch(32);
  const model = mnistMlp();
  const f = findingOf(await diagnoseNoLeak(model, dataset, { checks: { only: ['batches'] } }), 'batches-single-label');
  assert.ok(Number(f.evidence.share) < 0.5, 'most batches straddle a class boundary');
  assert.ok(Number(f.evidence.meanTopShare) > 0.75 && Number(f.evidence.expectedTopShare) < 0.3);
  const shuffled = tf.data.array(labels.map((c, i) => ({ xs: x[i], ys: oneHot([c], 10)[0] })))
    .map((e) => { const { xs, ys } = e as { xs: number[]; ys: number[] }; return { xs: tf.tensor1d(xs), ys: tf.tensor1d(ys) }; })
    .batch(32);
  assertNoProblems(await diagnoseNoLeak(model, shuffled, { checks: { only: ['batches'] } }));
  model.dispose();
});

test('diagnose(binary classifier, 5% positives with a real link) raises no labels-unrelated: balanced accuracy sees the rare class, and too few rare rows give no verdict', async () => {
  // 600 rows, 30 positives: the positives sit apart from the negatives in feature 0.
  const rows = 600;
  const random = seededRandom(11);
  const y = Array.from({ length: rows }, (_, i) => (i % 20 === 0 ? 1 : 0));
  const x = y.map((label) => Array.from({ length: 8 }, (_, j) => (j === 0 ? label * 2 : 0) + (random() - 0.5) * 2));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  const [xs, ys, xsFew, ysFew] = [tf.tensor2d(x), tf.tensor2d(y.map((v) => [v])), tf.tensor2d(x.slice(0, 160)), tf.tensor2d(y.slice(0, 160).map((v) => [v]))];
  const report = await diagnoseNoLeak(model, { x: xs, y: ys }, { checks: { only: ['label-relation'] } });
  assert.equal(report.findings.find((f) => f.id === 'labels-unrelated'), undefined, report.toText());
  const note = report.checks.find((c) => c.id === 'label-relation')?.note ?? '';
  assert.match(note, /balanced accuracy/);
  // The same link with only 40 rows held out (2 positives): no verdict either way.
  const few = await diagnoseNoLeak(model, { x: xsFew, y: ysFew }, { checks: { only: ['label-relation'] } });
  assert.equal(few.findings.length, 0);
  assert.match(few.checks.find((c) => c.id === 'label-relation')?.note ?? '', /too few held-out samples of class 1/);
  tf.dispose([xs, ys, xsFew, ysFew]);
  model.dispose();
});

test('diagnose(regression, targets averaging 350, Adam 0.001) warns loss-above-chance with the steps the shift needs; at rate 0.3 or with SGD it stays a note', async () => {
  const random = seededRandom(5);
  const rows = 600;
  const features = Array.from({ length: rows }, () => Array.from({ length: 4 }, () => (random() - 0.5) * 3.4));
  const prices = features.map((f) => [350 + 60 * f[0] - 40 * f[1] + 20 * f[2] + (random() - 0.5) * 30]);
  const [x, y] = [tf.tensor2d(features), tf.tensor2d(prices)];
  const pricer = (optimizer: tf.Optimizer) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 32, activation: 'relu' }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    return model;
  };
  const only = { checks: { only: ['initial-loss'] } };
  const slow = findingOf(await diagnoseNoLeak(pricer(tf.train.adam(0.001)), { x, y }, only), 'loss-above-chance');
  assert.equal(slow.severity, 'warning');
  assert.ok(Number(slow.evidence.shiftSteps) > 2000, `shift steps ${slow.evidence.shiftSteps}`);
  assert.match(slow.detail, /takes about [\d,]+ steps/);
  const fast = findingOf(await diagnoseNoLeak(pricer(tf.train.adam(0.3)), { x, y }, only), 'loss-above-chance');
  assert.equal(fast.severity, 'info');
  const sgd = findingOf(await diagnoseNoLeak(pricer(tf.train.sgd(0.001)), { x, y }, only), 'loss-above-chance');
  assert.equal(sgd.severity, 'info', 'SGD steps scale with the gradient: no step count is claimed');
  tf.dispose([x, y]);
});
