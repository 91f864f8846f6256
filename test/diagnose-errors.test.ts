/**
 * Bad input: diagnose() rejects with a DiagnoseInputError that names the
 * argument and the fix, before tfjs can throw from deep inside, and leaks nothing.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose, DiagnoseInputError, type DiagnoseData, type DiagnoseOptions } from '../src/diagnose';
import { mnistMlp, tabularArrays, tabularClassifier } from './helpers/models';

before(() => ready());

async function rejectsClearly(run: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof DiagnoseInputError, `expected DiagnoseInputError, got ${String(error)}`);
    assert.ok(error.code !== undefined, 'the message comes from the catalogue');
    assert.match(error.message, message);
    return true;
  });
  assert.equal(tf.memory().numTensors, before, 'a rejected diagnose() leaked tensors');
}

const quiet: DiagnoseOptions = { display: false };

test('diagnose(model, data) rejects x and y of different lengths, naming both', async () => {
  const model = tabularClassifier();
  const { x, labels } = tabularArrays(50);
  await rejectsClearly(() => diagnose(model, { x, y: labels.slice(0, 40) }, quiet), /data\.x has 50 samples but data\.y has 40/);
  model.dispose();
});

test('diagnose(model, data) rejects inputs of the wrong shape with the expected shape and a reshape hint', async () => {
  const model = mnistMlp();
  const x = tf.zeros([10, 28, 28]);
  const y = tf.zeros([10, 10]);
  await rejectsClearly(() => diagnose(model, { x, y }, quiet), /data\.x has shape \[n, 28, 28\] but the model expects \[n, 784\]; reshape it: x\.reshape\(\[-1, 784\]\)/);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) rejects empty data and a dataset that yields nothing', async () => {
  const model = tabularClassifier();
  await rejectsClearly(() => diagnose(model, { x: [], y: [] }, quiet), /data\.x is empty/);
  const empty = tf.data.array<tf.TensorContainer>([]);
  await rejectsClearly(() => diagnose(model, empty, quiet), /data yielded no samples/);
  model.dispose();
});

test('diagnose(model, data) rejects string tensors and string arrays with an encoding hint', async () => {
  const model = tabularClassifier(1);
  const x = tf.tensor2d([[1], [2]]);
  const y = tf.tensor1d(['cat', 'dog'], 'string');
  await rejectsClearly(() => diagnose(model, { x, y }, quiet), /data\.y holds strings; encode them as numbers/);
  await rejectsClearly(() => diagnose(model, { x: [['a'], ['b']] as unknown as number[][], y: [0, 1] }, quiet), /data\.x holds string values/);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) asks for options.loss when the model is not compiled, and accepts it', async () => {
  const model = mnistMlp(1, { compile: false });
  const x = tf.zeros([20, 784]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'int32'), 10);
  await rejectsClearly(() => diagnose(model, { x, y }, quiet), /not compiled.*model\.compile\(.*or pass options\.loss/);
  const report = await diagnose(model, { x, y }, { ...quiet, loss: 'categoricalCrossentropy', checks: { only: ['labels', 'initial-loss'] } });
  assert.equal(report.context.lossName, 'categoricalCrossentropy');
  assert.equal(report.context.optimizerName, 'Adam');
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data) says plainly how to pass data to multi-input and multi-output models', async () => {
  const a = tf.input({ shape: [3] });
  const b = tf.input({ shape: [2] });
  const merged = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1 }).apply(merged) as tf.SymbolicTensor;
  const twoInputs = tf.model({ inputs: [a, b], outputs: out });
  twoInputs.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const data: DiagnoseData = { x: [[1, 2, 3]], y: [[1]] };
  await rejectsClearly(() => diagnose(twoInputs, data, quiet), /data.x holds 1 input tensor, but the model has 2 inputs/);
  const c = tf.input({ shape: [3] });
  const twoOutputs = tf.model({ inputs: c, outputs: [tf.layers.dense({ units: 1 }).apply(c) as tf.SymbolicTensor, tf.layers.dense({ units: 2 }).apply(c) as tf.SymbolicTensor] });
  twoOutputs.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  await rejectsClearly(() => diagnose(twoOutputs, data, quiet), /data.y holds 1 label tensor, but the model has 2 outputs/);
  twoInputs.dispose();
  twoOutputs.dispose();
});

test('diagnose(model, data) rejects a dataset of the wrong element form or unbatched samples', async () => {
  const model = tabularClassifier(2);
  const wrongKeys = tf.data.array([{ x: [1, 2], y: 0 }]);
  await rejectsClearly(() => diagnose(model, wrongKeys, quiet), /data yields \{ x, y \}; it must yield \{ xs, ys \}/);
  const unbatched = tf.data.array([{ xs: [1, 2], ys: 0 }]).map((e) => {
    const { xs, ys } = e as { xs: number[]; ys: number };
    return { xs: tf.tensor1d(xs), ys: tf.scalar(ys) };
  });
  await rejectsClearly(() => diagnose(model, unbatched, quiet), /data yields single samples \(xs of shape \[2\], ys of shape \[\]\), not batches; batch it .*dataset\.batch\(32\)/);
  model.dispose();
});

test('diagnose(model, data, options) rejects bad option values naming the option', async () => {
  const model = tabularClassifier(2);
  const data = { x: [[1, 2], [3, 4]], y: [0, 1] };
  await rejectsClearly(() => diagnose(model, data, { budget: 'fast' as 'quick' }), /options\.budget is "fast"; use one of 'quick', 'thorough'/);
  await rejectsClearly(() => diagnose(model, data, { batchSize: 0 }), /options\.batchSize is 0; use a positive integer/);
  await rejectsClearly(() => diagnose(model, data, { loss: 'crossEntropy' }), /options\.loss 'crossEntropy' is not a loss tfjs-doctor knows/);
  await rejectsClearly(() => diagnose({} as tf.LayersModel, data), /model must be a tf\.LayersModel/);
  model.dispose();
});

test('diagnose(model, dataset) stops at the first batch whose shape the model cannot take', async () => {
  const model = mnistMlp();
  let batchesRead = 0;
  const dataset = tf.data.generator(function* () {
    for (let i = 0; i < 100; i++) {
      batchesRead++;
      yield { xs: tf.zeros([8, 28, 28]), ys: tf.zeros([8, 10]) };
    }
  });
  await rejectsClearly(() => diagnose(model, dataset, quiet), /data has shape \[n, 28, 28\] but the model expects \[n, 784\]/);
  assert.ok(batchesRead <= 2, `read ${batchesRead} batches before refusing`);
  model.dispose();
});
