/**
 * Each finding of the data/label/loss checks, injected into an otherwise
 * healthy setup: real MNIST for images, small synthetic tables otherwise.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { seededRandom, shuffledIndices } from '../src/context/random';
import * as msg from '../src/messages/data';
import { DATA_ONLY, diagnoseNoLeak, findingOf } from './helpers/diagnose';
import { mnistArrays, mnistMlp, mnistTensors, oneHot, tabularArrays, tabularClassifier } from './helpers/models';

before(() => ready());

const PER_CLASS = 30;

test('diagnose(model, data) flags NaN inputs as data-nonfinite with the count and first index', async () => {
  const { x, labels } = mnistArrays(PER_CLASS);
  x[7][100] = NaN;
  x[40][3] = Infinity;
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y: oneHot(labels, 10) });
  const f = findingOf(report, 'data-nonfinite');
  assert.equal(f.severity, 'error');
  assert.equal(f.evidence.inputRows, 2);
  assert.equal(f.evidence.firstInputRow, 7);
  assert.equal(f.title, msg.dataNonfinite({ split: 'train', inputRows: 2, firstInputRow: 7, labelRows: 0, firstLabelRow: -1, rows: 300 }).title);
  model.dispose();
});

test('diagnose(model, data) flags raw 0-255 pixels as data-unnormalized', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const raw = tf.mul(x, 255);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x: raw, y });
  const f = findingOf(report, 'data-unnormalized');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.kind, 'raw-pixels');
  assert.equal(f.evidence.max, 255);
  assert.equal(f.fix, msg.dataUnnormalized({ kind: 'raw-pixels', feature: 'gray', mean: 0, std: 0, min: 0, max: 255 }).fix);
  tf.dispose([x, y, raw]);
  model.dispose();
});

test('diagnose(model, data) flags features on scales 1000x apart as data-unnormalized', async () => {
  const { x, labels } = tabularArrays(400);
  const scaled = x.map((row) => row.map((v, j) => (j === 5 ? v * 1000 : v)));
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x: scaled, y: labels });
  const f = findingOf(report, 'data-unnormalized');
  assert.equal(f.evidence.kind, 'scale-spread');
  assert.equal(f.evidence.feature, 'feature 5');
  assert.ok(Number(f.evidence.spread) > 500);
  model.dispose();
});

test('diagnose(model, data) flags a zero-variance column as data-constant-feature', async () => {
  const { x, labels } = tabularArrays(400);
  const withConstant = x.map((row) => row.map((v, j) => (j === 3 ? 2.5 : v)));
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x: withConstant, y: labels });
  const f = findingOf(report, 'data-constant-feature');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.first, 'feature 3');
  assert.equal(f.evidence.constant, 1);
  model.dispose();
});

test('diagnose(model, data) reports few samples per class as data-too-small (info)', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y });
  const f = findingOf(report, 'data-too-small');
  assert.equal(f.severity, 'info');
  assert.equal(f.evidence.smallestCount, PER_CLASS);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) flags 1-based class indices as labels-invalid (out of range)', async () => {
  const { x, labels } = tabularArrays(300);
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x, y: labels.map((c) => c + 1) });
  const f = findingOf(report, 'labels-invalid');
  assert.equal(f.severity, 'error');
  assert.equal(f.evidence.kind, 'out-of-range');
  assert.equal(f.evidence.count, labels.filter((c) => c === 2).length);
  model.dispose();
});

test('diagnose(model, data) flags class indices given to categoricalCrossentropy as labels-invalid', async () => {
  const { x, labels } = mnistArrays(PER_CLASS);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y: labels.map((c) => [c]) });
  const f = findingOf(report, 'labels-invalid');
  assert.equal(f.evidence.kind, 'sparse-for-categorical');
  assert.equal(f.title, msg.labelsInvalid({ kind: 'sparse-for-categorical', count: 0, rows: 0, firstRow: 0, labelWidth: 1, outputUnits: 10, lossName: 'categoricalCrossentropy' }).title);
  model.dispose();
});

test('diagnose(model, data) flags one-hot labels given to sparseCategoricalCrossentropy as labels-invalid', async () => {
  const { x, labels } = mnistArrays(PER_CLASS);
  const model = mnistMlp(1, { loss: 'sparseCategoricalCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y: oneHot(labels, 10) });
  assert.equal(findingOf(report, 'labels-invalid').evidence.kind, 'one-hot-for-sparse');
  model.dispose();
});

test('diagnose(model, data) flags label rows that do not sum to 1 as labels-invalid', async () => {
  const { x, labels } = mnistArrays(PER_CLASS);
  const y = oneHot(labels, 10);
  y[12] = y[12].map((v) => v * 2);
  y[20][3] = 1;
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y });
  const f = findingOf(report, 'labels-invalid');
  assert.equal(f.evidence.kind, 'rows-not-one-hot');
  assert.equal(f.evidence.count, labels[20] === 3 ? 1 : 2);
  assert.equal(f.evidence.firstRow, 12);
  model.dispose();
});

test('diagnose(model, data) flags a rare class as labels-imbalanced with the ratio and the rarest class', async () => {
  const { x, labels } = tabularArrays(900);
  let kept = 0;
  const rows = labels.map((c, i) => ({ c, i })).filter(({ c }) => c !== 2 || kept++ < 12);
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x: rows.map(({ i }) => x[i]), y: rows.map(({ c }) => c) });
  const f = findingOf(report, 'labels-imbalanced');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.rarest, '2');
  assert.equal(f.evidence.rarestCount, 12);
  assert.ok(Number(f.evidence.ratio) >= 10);
  model.dispose();
});

test('diagnose(model, data) flags shuffled labels as labels-unrelated', async () => {
  const { x, labels } = mnistArrays(PER_CLASS);
  // Labels shuffled separately from the images (seeded): the pairing is gone.
  const shuffled = shuffledIndices(labels.length, seededRandom(5)).map((i) => labels[i]);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x, y: oneHot(shuffled, 10) });
  const f = findingOf(report, 'labels-unrelated');
  // Shuffled labels are one more permutation of the null: p > 0.05 (found) in 95% of shuffles; an error when
  // typical of the null (p > 0.25), a warning ("at most a weak link") between the two.
  assert.ok(Number(f.evidence.p) > 0.05, String(f.evidence.p));
  assert.equal(f.severity, Number(f.evidence.p) > 0.25 ? 'error' : 'warning');
  assert.ok(Number(f.evidence.score) <= Number(f.evidence.null95));
  model.dispose();
});

test('diagnose(model, dataset) flags a sorted, unshuffled tf.data dataset as batches-single-label', async () => {
  const { x, labels } = mnistArrays(PER_CLASS);
  const order = labels.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c);
  const dataset = tf.data.array(order.map(({ c, i }) => ({ xs: x[i], ys: oneHot([c], 10)[0] })))
    .map((e) => { const { xs, ys } = e as { xs: number[]; ys: number[] }; return { xs: tf.tensor1d(xs), ys: tf.tensor1d(ys) }; })
    .batch(10);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, dataset);
  const f = findingOf(report, 'batches-single-label');
  assert.equal(f.severity, 'error');
  assert.equal(f.evidence.batches, 30);
  assert.equal(f.evidence.singleClassBatches, 30);
  assert.equal(f.evidence.source, 'dataset');
  model.dispose();
});

test('diagnose(model, data, { validation }) flags training samples copied into validation as split-leakage', async () => {
  const train = mnistArrays(PER_CLASS);
  const fresh = mnistArrays(10, PER_CLASS);
  const copies = [3, 50, 120, 200, 299];
  const validation = { x: [...fresh.x, ...copies.map((i) => train.x[i])], y: oneHot([...fresh.labels, ...copies.map((i) => train.labels[i])], 10) };
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x: train.x, y: oneHot(train.labels, 10) }, { validation });
  const f = findingOf(report, 'split-leakage');
  assert.equal(f.evidence.duplicates, 5);
  assert.equal(f.evidence.firstIndex, 100);
  assert.equal(f.severity, 'warning');
  model.dispose();
});

test('diagnose(model, data, { validation }) flags differently preprocessed validation data as split-shift', async () => {
  const train = mnistArrays(PER_CLASS);
  const other = mnistArrays(10, PER_CLASS);
  // Validation standardized with its own statistics instead of the training split's.
  const validation = { x: other.x.map((row) => row.map((v) => (v - 0.13) / 0.31)), y: oneHot(other.labels, 10) };
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x: train.x, y: oneHot(train.labels, 10) }, { validation });
  const f = findingOf(report, 'split-shift');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.feature, 'gray');
  // Standardized with its own statistics: std 1 against the training 0.31, a factor of ~3.
  assert.equal(f.evidence.measure, 'spread');
  assert.ok(Number(f.evidence.difference) > 2.5 && Number(f.evidence.difference) < 4, String(f.evidence.difference));
  model.dispose();
});

test('diagnose(model, data, { validation }) flags a column constant at different values in each split as split-shift', async () => {
  const train = tabularArrays(400, 8, 7);
  const other = tabularArrays(200, 8, 8);
  // A constant "bias" column written as 1 by the training pipeline and 2 by the validation one.
  const withColumn = (rows: number[][], value: number) => rows.map((row) => [...row.slice(0, 7), value]);
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x: withColumn(train.x, 1), y: train.labels }, {
    ...DATA_ONLY, validation: { x: withColumn(other.x, 2), y: other.labels },
  });
  const f = findingOf(report, 'split-shift');
  assert.equal(f.evidence.measure, 'constant');
  assert.equal(f.evidence.difference, 1);
  assert.equal(f.detail, msg.splitShift({
    feature: String(f.evidence.feature), trainMean: 1, validationMean: 2, trainStd: 0, validationStd: 0,
    measure: 'constant', difference: 1, bound: 0, shifted: 1, total: 8,
  }).detail);
  model.dispose();
});

test('diagnose(model, data, { validation }) does not call a rare binary feature missing from a small validation split a shift', async () => {
  const train = tabularArrays(400, 8, 7);
  const other = tabularArrays(100, 8, 8);
  // 1% ones in training; a 100-row validation split holds none about a third of the time.
  const rare = (rows: number[][], ones: (i: number) => boolean) => rows.map((row, i) => [...row.slice(0, 7), ones(i) ? 1 : 0]);
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x: rare(train.x, (i) => i % 100 === 0), y: train.labels }, {
    ...DATA_ONLY, validation: { x: rare(other.x, () => false), y: other.labels },
  });
  assert.equal(report.findings.find((f) => f.id === 'split-shift'), undefined);
  model.dispose();
});

test('diagnose(model, data) flags softmax with binaryCrossentropy on 10 classes as loss-output-mismatch, a warning (it still trains; the metric misleads)', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const model = mnistMlp(1, { loss: 'binaryCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y });
  const f = findingOf(report, 'loss-output-mismatch');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.kind, 'softmax-binary-crossentropy');
  assert.equal(report.context.task.value, 'multiclass');
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) flags a linear output with categoricalCrossentropy as loss-output-mismatch', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const model = mnistMlp(1, { outputActivation: 'linear' });
  const report = await diagnoseNoLeak(model, { x, y });
  const f = findingOf(report, 'loss-output-mismatch');
  assert.equal(f.evidence.kind, 'linear-probability-loss');
  assert.equal(f.layer, model.layers[1].name);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) flags an overconfident initialization as loss-above-chance', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [784], units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 5, seed: 2 }) }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y });
  const f = findingOf(report, 'loss-above-chance');
  assert.equal(f.severity, 'warning');
  assert.ok(Math.abs(Number(f.evidence.chanceLoss) - Math.log(10)) < 1e-9);
  assert.ok(Number(f.evidence.initialLoss) > Number(f.evidence.upper));
  assert.equal(report.measurements.loss?.initialLoss, f.evidence.initialLoss);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) flags a heavy L2 penalty as regularization-dominates', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [784], units: 32, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 0.5 }), kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y });
  const f = findingOf(report, 'regularization-dominates');
  assert.equal(f.severity, 'warning');
  assert.ok(Number(f.evidence.ratio) > 1);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) reports a frozen layer still at its initialization as layers-frozen (warning), and an all-frozen model as an error', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const model = mnistMlp();
  model.layers[0].trainable = false;
  // A freshly built layer frozen: it stays random (the frozen-layers network check tells it from a pretrained one).
  const some = await diagnoseNoLeak(model, { x, y }, { ...DATA_ONLY, checks: { only: [...(DATA_ONLY.checks?.only ?? []), 'frozen-layers'] } });
  const f = findingOf(some, 'layers-frozen');
  assert.equal(f.severity, 'warning');
  assert.equal(f.evidence.first, model.layers[0].name);
  model.layers[1].trainable = false;
  const all = await diagnoseNoLeak(model, { x, y });
  assert.equal(findingOf(all, 'layers-frozen').severity, 'error');
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) does not flag raw pixels when the model rescales them in its first layer', async () => {
  const { x, y } = mnistTensors(PER_CLASS);
  const raw = tf.mul(x, 255);
  const model = tf.sequential({ layers: [
    tf.layers.rescaling({ inputShape: [784], scale: 1 / 255 }),
    tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const report = await diagnoseNoLeak(model, { x: raw, y });
  assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => f.id), []);
  tf.dispose([x, y, raw]);
  model.optimizer.dispose();
  model.dispose();
});

test('diagnose(model, data) notes sorted tensors as batches-single-label info, since model.fit shuffles them by default', async () => {
  const { x, labels } = mnistArrays(PER_CLASS);
  const order = labels.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x: order.map(({ i }) => x[i]), y: oneHot(order.map(({ c }) => c), 10) }, { batchSize: 10 });
  const f = findingOf(report, 'batches-single-label');
  assert.equal(f.severity, 'info');
  assert.equal(f.evidence.source, 'tensors');
  assert.equal(f.evidence.singleClassBatches, 30);
  model.dispose();
});

test('diagnose(model, data, { validation }) flags out-of-range class indices in the validation labels', async () => {
  const { x, labels } = tabularArrays(300);
  const other = tabularArrays(100, 8, 99);
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x, y: labels }, { validation: { x: other.x, y: other.labels.map((c) => c + 1) } });
  const f = findingOf(report, 'labels-invalid');
  assert.equal(f.evidence.split, 'validation');
  assert.equal(f.evidence.kind, 'out-of-range');
  model.dispose();
});

test('diagnose(model, data) judges the label link of smoothed binary labels (0.1 / 0.9) read at 0.5', async () => {
  const { x, labels } = tabularArrays(400);
  const smoothed = labels.map((c) => [c === 0 ? 0.9 : 0.1]);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [8], units: 8, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const report = await diagnoseNoLeak(model, { x, y: smoothed }, { checks: { only: ['label-relation'] } });
  const run = report.checks.find((c) => c.id === 'label-relation');
  assert.equal(run?.status, 'pass', run?.note);
  assert.equal(report.findings.filter((f) => f.id === 'labels-unrelated').length, 0);
  model.dispose();
});

test('diagnose(model, data) counts smoothed binary labels (0.1 / 0.9) as the classes they lean to', async () => {
  const { x, labels } = tabularArrays(400);
  const hard = labels.map((c) => [c === 0 ? 1 : 0]);
  const smoothed = hard.map(([c]) => [c === 1 ? 0.9 : 0.1]);
  const build = () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    return model;
  };
  const options = { checks: { only: ['labels', 'data-scale'] } };
  const [hardModel, softModel] = [build(), build()];
  const withHard = await diagnoseNoLeak(hardModel, { x, y: hard }, options);
  const withSoft = await diagnoseNoLeak(softModel, { x, y: smoothed }, options);
  assert.deepEqual(withSoft.measurements.dataProfile?.labels, withHard.measurements.dataProfile?.labels);
  // The best constant prediction for soft targets t is mean(t), whose loss H(mean t) lies above H(p) for hard labels.
  assert.ok((withSoft.context.chanceLoss ?? 0) > (withHard.context.chanceLoss ?? Infinity));
  const counts = withSoft.measurements.dataProfile?.labels.map((l) => l.count) ?? [];
  assert.ok(counts.length === 2 && counts.every((n) => n > 50), `both classes counted: ${counts}`);
  hardModel.dispose();
  softModel.dispose();
});

test('diagnose(model, data) skips the label link when the sample holds one class, instead of a tfjs error', async () => {
  const { x } = tabularArrays(200);
  const model = tabularClassifier();
  const report = await diagnoseNoLeak(model, { x, y: x.map(() => 1) }, { checks: { only: ['label-relation'] } });
  const run = report.checks.find((c) => c.id === 'label-relation');
  assert.equal(run?.status, 'skipped', run?.note);
  model.dispose();
});
