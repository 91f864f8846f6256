/**
 * cloneModel(): a copy that owns its weights, built quietly. Copies of
 * recurrent models used to print tfjs's "Orthogonal initializer ... Slowness
 * may result" once per probe, in the user's notebook.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { cloneModel, withoutOrthogonalInit } from '../src/model/clone';

before(async () => {
  await ready();
});

function lstmModel(): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.lstm({ inputShape: [5, 3], units: 40 }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
}

function captureWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  return run().then((result) => ({ result, warnings }), (error: unknown) => { throw error; }).finally(() => { console.warn = warn; });
}

test('cloneModel(lstm) copies every weight exactly and prints no Orthogonal-initializer warning', async () => {
  const model = lstmModel();
  const tensorsBefore = tf.memory().numTensors;
  const { result: copy, warnings } = await captureWarnings(() => cloneModel(model));
  assert.deepEqual(warnings.filter((w) => /Orthogonal/.test(w)), []);
  const original = model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(copy.getWeights().map((w) => Array.from(w.dataSync())), original);
  copy.dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore);
  model.dispose();
});

test("cloneModel(lstm, { weights: 'initialize' }) still draws an orthogonal recurrent kernel (a re-initialize fix keeps the layer's own initializer)", async () => {
  const model = lstmModel();
  const copy = await cloneModel(model, { weights: 'initialize' });
  const recurrent = copy.layers[0].getWeights()[1]; // [units, 4 * units]: orthogonal rows
  const gram = tf.tidy(() => tf.matMul(recurrent, recurrent, false, true).sub(tf.eye(40)).abs().max().dataSync()[0]);
  assert.ok(gram < 1e-3, `K K^T - I max ${gram}`);
  copy.dispose();
  model.dispose();
});

test('withoutOrthogonalInit(topology) replaces Orthogonal initializers at any depth and nothing else', () => {
  const topology = {
    class_name: 'Sequential',
    config: { layers: [
      { class_name: 'Bidirectional', config: { layer: { class_name: 'LSTM', config: { recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1 } }, kernel_initializer: { class_name: 'GlorotUniform', config: {} } } } } },
    ] },
  };
  const edited = withoutOrthogonalInit(topology);
  const lstm = edited.config.layers[0].config.layer.config as Record<string, unknown>;
  assert.deepEqual(lstm.recurrent_initializer, { class_name: 'Zeros', config: {} });
  assert.deepEqual(lstm.kernel_initializer, { class_name: 'GlorotUniform', config: {} });
  assert.equal(topology.config.layers[0].config.layer.config.recurrent_initializer.class_name, 'Orthogonal', 'the input is not mutated');
});
