/**
 * watch() under unusual use: fit, fitDataset, a custom loop, a NaN loss, a
 * non-model, a disposed model, options of the wrong type, and closing twice.
 * Each case asserts its exact outcome (the error class and its catalogue
 * entry, or the right answer) and that no tensor is left behind.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { watch, type WatchOptions } from '../src/live';
import { WatchOptionsError } from '../src/live/options';
import { WATCH_ERRORS, messageOf, type WatchErrorCode } from '../src/messages/errors';

before(() => ready());

function tiny(): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return model;
}

function rows(n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
    return { x, y: tf.oneHot(x.slice([0, 0], [n, 1]).reshape([n]).greater(0).cast('int32'), 3).cast('float32') as tf.Tensor2D };
  });
}

function throwsWatch<K extends WatchErrorCode>(run: () => unknown, code: K, ...args: Parameters<(typeof WATCH_ERRORS)[K]>): void {
  const before = tf.memory().numTensors;
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof WatchOptionsError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.message, messageOf(WATCH_ERRORS, code, args));
    return true;
  });
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
}

const quiet: WatchOptions = { display: false };

test('watch(model) during model.fit records every step and leaves no tensor after close()', async () => {
  const model = tiny();
  const { x, y } = rows(64);
  const before = tf.memory().numTensors;
  const watcher = watch(model, { ...quiet, sampleEvery: 2 });
  await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [watcher] });
  await watcher.close();
  assert.equal(watcher.history().batches.loss?.length, 8);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
  model.dispose();
});

test('watch(model) during model.fitDataset records every batch of the dataset', async () => {
  const model = tiny();
  const { x, y } = rows(48);
  const dataset = tf.data.zip({ xs: tf.data.array(x.unstack()), ys: tf.data.array(y.unstack()) }).batch(16);
  const watcher = watch(model, quiet);
  await model.fitDataset(dataset, { epochs: 1, verbose: 0, callbacks: [watcher] });
  await watcher.close();
  assert.equal(watcher.history().batches.loss?.length, 3);
  tf.dispose([x, y]);
  model.dispose();
});

test('watch(model).step(loss) follows a custom training loop', async () => {
  const model = tiny();
  const { x, y } = rows(32);
  const optimizer = tf.train.sgd(0.1);
  const watcher = watch(model, quiet);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor) as tf.Scalar, true) as tf.Scalar;
    const result = await watcher.step(loss);
    loss.dispose();
    assert.equal(result.stop, false);
  }
  await watcher.end();
  await watcher.close();
  assert.equal(watcher.history().batches.loss?.length, 5);
  assert.equal(tf.memory().numTensors, before);
  optimizer.dispose();
  tf.dispose([x, y]);
  model.dispose();
});

test('watch(model) stops model.fit at the first NaN loss and reports it', async () => {
  const model = tiny();
  const { x, y } = rows(64);
  const poisoned = tf.tidy(() => x.mul(tf.tensor1d([NaN, 1, 1, 1])));
  const watcher = watch(model, quiet);
  const history = await model.fit(poisoned, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [watcher] });
  await watcher.close();
  assert.equal(history.epoch.length, 1, 'training stopped in the first epoch');
  assert.ok(watcher.findings.some((f) => f.severity === 'error'), 'the NaN is reported');
  tf.dispose([x, y, poisoned]);
  model.dispose();
});

test('watch(notAModel) names what it got', () => {
  throwsWatch(() => watch({ layers: [] } as unknown as tf.LayersModel), 'notModel', { layers: [] });
  throwsWatch(() => watch(undefined as unknown as tf.LayersModel), 'notModel', undefined);
});

test('watch(disposedModel) refuses it', () => {
  const model = tiny();
  model.dispose();
  throwsWatch(() => watch(model, quiet), 'modelDisposed');
});

test('watch(model, { log: 42 }) wants a file path', () => {
  const model = tiny();
  throwsWatch(() => watch(model, { ...quiet, log: 42 as unknown as string }), 'log', 42);
  model.dispose();
});

test("watch(model, { serve: { port: 'abc' } }) refuses a port that would name a Unix socket", () => {
  const model = tiny();
  throwsWatch(() => watch(model, { ...quiet, serve: { port: 'abc' as unknown as number } }), 'port', 'abc');
  throwsWatch(() => watch(model, { ...quiet, serve: { port: 70_000 } }), 'port', 70_000);
  throwsWatch(() => watch(model, { ...quiet, serve: { port: 1.5 } }), 'port', 1.5);
  throwsWatch(() => watch(model, { ...quiet, serve: { host: 'a b' } }), 'host', 'a b');
  throwsWatch(() => watch(model, { ...quiet, serve: 'yes' as unknown as boolean }), 'serve', 'yes');
  model.dispose();
});

test('watch(model, options) refuses options of the wrong type, naming each', () => {
  const model = tiny();
  throwsWatch(() => watch(model, 'serve' as unknown as WatchOptions), 'optionsNotObject', 'serve');
  throwsWatch(() => watch(model, { display: 'yes' as unknown as boolean }), 'display', 'yes');
  throwsWatch(() => watch(model, { ...quiet, throttleMs: -1 }), 'msAtLeastZero', 'throttleMs', -1);
  throwsWatch(() => watch(model, { ...quiet, sampleEvery: 0 }), 'positiveInteger', 'sampleEvery', 0);
  throwsWatch(() => watch(model, { ...quiet, layerStats: 'no' as unknown as boolean }), 'boolean', 'layerStats', 'no');
  throwsWatch(() => watch(model, { ...quiet, chanceLoss: Infinity }), 'finite', 'chanceLoss', Infinity);
  throwsWatch(() => watch(model, { ...quiet, data: { x: [1] } as unknown as { x: tf.Tensor; y: tf.Tensor } }), 'data');
  throwsWatch(() => watch(model, { ...quiet, now: 5 as unknown as () => number }), 'now', 5);
  model.dispose();
});

test('watcher.close() and watcher.end() twice are harmless, and a served dashboard stops at the first close', async () => {
  const model = tiny();
  const { x, y } = rows(32);
  const before = tf.memory().numTensors;
  const watcher = watch(model, { ...quiet, serve: true, data: { x, y } });
  await watcher.ready;
  const url = watcher.url as string;
  assert.equal((await fetch(url)).status, 200);
  await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, callbacks: [watcher] });
  await watcher.end();
  await watcher.close();
  await watcher.close();
  await assert.rejects(() => fetch(url), 'the dashboard is closed');
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
  model.dispose();
});
