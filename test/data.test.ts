/** The streaming statistics under diagnose(): exact against direct computation, bounded, seeded. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { addToGroupStats, addToLabelStats, BatchPurityCounter, emptyGroupStats, emptyLabelStats, rowHash, variance } from '../src/data/stats';
import { profileSplit } from '../src/data/profile';
import { toDataSource } from '../src/data/source';
import { chanceLevel } from '../src/context/chance';
import { gridNeighbourCorrelation, inferInputKind, labelSteps } from '../src/context/infer';
import { gaussian, mnistArrays } from './helpers/models';
import { standardizedMnist } from './helpers/data-models';
import { seededRandom } from '../src/context/random';

before(() => ready());

test('addToGroupStats() merged batch by batch equals the moments of all values at once', () => {
  const random = seededRandom(1);
  const values = Array.from({ length: 3000 }, () => 1000 + random() * 10);
  const streamed = emptyGroupStats(3);
  for (let i = 0; i < values.length; i += 300) addToGroupStats(streamed, values.slice(i, i + 300), 3);
  for (let g = 0; g < 3; g++) {
    const column = values.filter((_, i) => i % 3 === g);
    const mean = column.reduce((a, b) => a + b, 0) / column.length;
    const v = column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
    assert.ok(Math.abs(streamed.mean[g] - mean) < 1e-9);
    assert.ok(Math.abs(variance(streamed, g) - v) / v < 1e-9);
    assert.equal(streamed.min[g], Math.min(...column));
  }
});

test('addToGroupStats() counts NaN and Infinity apart and keeps them out of the moments', () => {
  const stats = emptyGroupStats(1);
  addToGroupStats(stats, [1, NaN, 3, Infinity], 1);
  assert.equal(stats.nonFinite[0], 2);
  assert.equal(stats.mean[0], 2);
  assert.equal(stats.count[0], 2);
});

test('addToLabelStats() finds one-hot rows that do not sum to 1 and values outside [0, 1]', () => {
  const labels = emptyLabelStats(3);
  addToLabelStats(labels, [0, 1, 0, 1, 1, 0, 0, 0, 2], 10);
  assert.equal(labels.rowsNotSummingToOne, 2);
  assert.equal(labels.firstRowNotSummingToOne, 11);
  assert.equal(labels.multiHotRows, 1);
  assert.equal(labels.outsideUnit, 1);
  assert.deepEqual(Array.from(labels.argmaxCounts), [1, 1, 1]); // ties go to the first column
});

test('rowHash() matches identical rows and separates rows differing in one value', () => {
  const a = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const b = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const c = new Float32Array([0.1, 0.2, 0.3, 0.40001]);
  const words = (f: Float32Array) => new Uint32Array(f.buffer);
  assert.equal(rowHash(words(a), 0, 4), rowHash(words(b), 0, 4));
  assert.notEqual(rowHash(words(a), 0, 4), rowHash(words(c), 0, 4));
});

test('BatchPurityCounter counts batches of a single class', () => {
  const purity = new BatchPurityCounter();
  purity.add([1, 1, 1]);
  purity.add([1, 2, 1]);
  purity.add([3, 3]);
  assert.deepEqual(purity.result(), { batches: 3, singleClassBatches: 2, meanTopShare: (1 + 2 / 3 + 1) / 3, firstSingleClassBatch: 0 });
});

test('profileSplit() keeps a seeded reservoir of bounded size from a long stream', async () => {
  const x = tf.tidy(() => tf.range(0, 5000).reshape([5000, 1]));
  const y = tf.zeros([5000, 1]);
  const source = toDataSource({ x, y }, 'data');
  const run = (seed: number) => profileSplit(source, { groups: 1, batchSize: 32, sampleRows: 100, random: seededRandom(seed), keepHashes: false, name: 'data' });
  const a = await run(1);
  const b = await run(1);
  assert.equal(a.sample.x.length, 100);
  assert.deepEqual(a.sample.indices, b.sample.indices);
  assert.ok(a.sample.indices.some((i) => i >= 2500), 'the reservoir reaches the end of the stream');
  assert.deepEqual(a.sample.x.map((row) => row[0]), a.sample.indices);
  assert.equal(a.rows, 5000);
  tf.dispose([x, y]);
});

test('chanceLevel() is ln C for balanced classes, the label entropy for skewed ones, the variance for MSE', () => {
  const balanced = emptyLabelStats(1);
  addToLabelStats(balanced, [0, 1, 2, 3], 0);
  assert.ok(Math.abs((chanceLevel('sparseCategoricalCrossentropy', 4, balanced, [])?.loss ?? 0) - Math.log(4)) < 1e-12);
  const skewed = emptyLabelStats(1);
  addToLabelStats(skewed, [0, 0, 0, 1], 0);
  const entropy = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
  assert.ok(Math.abs((chanceLevel('binaryCrossentropy', 2, skewed, [])?.loss ?? 0) - entropy) < 1e-12);
  const targets = emptyLabelStats(1);
  addToLabelStats(targets, [1, 3, 5, 7], 0);
  assert.equal(chanceLevel('meanSquaredError', undefined, targets, [])?.loss, 5);
});

test('inferInputKind() reads [h, w, c] and square non-negative rows as images, other rows as tables', () => {
  assert.equal(inferInputKind(undefined, [28, 28, 1], 0).value, 'image');
  assert.equal(inferInputKind(undefined, [784], 0).value, 'image');
  assert.equal(inferInputKind(undefined, [784], -1.2).value, 'tabular');
  assert.equal(inferInputKind(undefined, [20], 0).value, 'tabular');
  assert.equal(inferInputKind(undefined, [50, 8], 0).value, 'sequence');
  assert.deepEqual(inferInputKind('tabular', [784], 0), { value: 'tabular', source: 'option' });
});

test('inferInputKind() reads standardized flattened digits as an image by their neighbour correlation, and token ids as a sequence', () => {
  const digits = standardizedMnist(20).x;
  const normal = gaussian(seededRandom(3));
  const table = Array.from({ length: 200 }, () => Array.from({ length: 784 }, () => normal()));
  assert.ok(gridNeighbourCorrelation(digits, 28) > 0.5, String(gridNeighbourCorrelation(digits, 28)));
  assert.ok(Math.abs(gridNeighbourCorrelation(table, 28)) < 0.05);
  assert.equal(inferInputKind(undefined, [784], -0.42, digits).value, 'image');
  assert.equal(inferInputKind(undefined, [784], -4, table).value, 'tabular');
  assert.equal(inferInputKind(undefined, [784], 0, mnistArrays(2).x, true).value, 'sequence');
});

test('labelSteps() counts per-timestep label vectors of a sequence output, and 1 otherwise', () => {
  assert.equal(labelSteps([3, 12], [3, 12]), 3);
  assert.equal(labelSteps([3], [3, 12]), 3);
  assert.equal(labelSteps([3, 1], [3, 12]), 3);
  assert.equal(labelSteps([10], [10]), 1);
  assert.equal(labelSteps([], [1]), 1);
  assert.equal(labelSteps([36], [3, 12]), 1);
});

test('chanceLevel() bands: squared error allows a fresh output spread of order 1 at any target scale; 10 classes allow 1.8 nats', () => {
  const targets = emptyLabelStats(1);
  addToLabelStats(targets, Float32Array.from([1e-4, -1e-4, 1e-4, -1e-4]), 0);
  const tiny = chanceLevel('meanSquaredError', undefined, targets, []);
  assert.ok(tiny !== undefined && Math.abs(tiny.loss - 1e-8) < 1e-12);
  assert.ok(Math.abs((tiny?.band[1] ?? 0) - 4 * (1e-8 + 1)) < 1e-9);
  const classes = emptyLabelStats(1);
  addToLabelStats(classes, Float32Array.from(Array.from({ length: 100 }, (_, i) => i % 10)), 0);
  const ten = chanceLevel('sparseCategoricalCrossentropy', 10, classes, []);
  assert.ok(Math.abs((ten?.band[1] ?? 0) - (Math.log(10) + 1.8)) < 1e-9);
});
