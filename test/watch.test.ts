import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { watch } from '../src/live';
import * as messages from '../src/live/messages';
import { Monitor } from '../src/live/monitor';
import { resolveWatchOptions } from '../src/live/options';

before(async () => {
  await ready();
});

function mlp(): tf.Sequential {
  const model = tf.sequential({ name: 'tiny' });
  model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', name: 'hidden1' }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden2' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function data(rows: number) {
  return tf.tidy(() => {
    const x = tf.randomNormal([rows, 8], 0, 1, 'float32', 1);
    const labels = x.slice([0, 0], [rows, 1]).reshape([rows]).greater(0).cast('int32').add(x.slice([0, 1], [rows, 1]).reshape([rows]).greater(0.5).cast('int32'));
    return { x, y: tf.oneHot(labels, 3).cast('float32') };
  });
}

test('watch(model) records losses, metrics and per-layer update ratios during model.fit without leaking tensors', async () => {
  const model = mlp();
  const { x, y } = data(256);
  const numTensors = tf.memory().numTensors;
  const watcher = watch(model, { display: false, sampleEvery: 4, data: { x, y } });
  await model.fit(x, y, { epochs: 2, batchSize: 32, validationSplit: 0.25, callbacks: [watcher], verbose: 0 });
  const history = watcher.history();
  await watcher.close();
  assert.equal(tf.memory().numTensors, numTensors);

  assert.equal(history.step, 12, '192 training rows / 32 per batch x 2 epochs');
  assert.equal(history.run?.totalSteps, 12);
  assert.deepEqual(history.run?.layers, ['hidden1', 'hidden2', 'out']);
  assert.equal(history.run?.chanceLoss, Math.log(3));
  assert.equal(history.batches.loss.length, 12);
  assert.ok('acc' in history.batches);
  assert.deepEqual(history.epochs.map((e) => Object.keys(e.values).sort()), [['acc', 'loss', 'val_acc', 'val_loss'], ['acc', 'loss', 'val_acc', 'val_loss']]);
  // Steps 1, 5, 9 sampled; every layer has both statistics.
  assert.deepEqual(history.layers.map((s) => s.step), [1, 5, 9]);
  for (const sample of history.layers) {
    for (const row of sample.rows) {
      assert.ok(row.updateRatio !== null && row.updateRatio > 0 && row.updateRatio < 1, `update ratio ${row.updateRatio}`);
      assert.ok(row.gradNorm !== null && row.gradNorm > 0);
    }
  }
  assert.equal(history.end?.reason, 'completed');
  assert.deepEqual(history.findings, []);
  tf.dispose([x, y]);
  model.dispose();
});

test('watch(model) stops model.fit at the first NaN and names the step and the layer that overflowed', async () => {
  const model = mlp();
  const { x, y } = data(320);
  const numTensors = tf.memory().numTensors;
  const poisonStep = 7;
  let step = 0;
  // Blows up hidden2 just before step 7: its output overflows to Inf, the loss becomes NaN.
  const poison = new tf.CustomCallback({
    onBatchBegin: () => {
      step += 1;
      if (step !== poisonStep) return;
      const kernel = model.getLayer('hidden2').getWeights()[0];
      const huge = tf.fill(kernel.shape, 1e38);
      model.getLayer('hidden2').setWeights([huge, model.getLayer('hidden2').getWeights()[1]]);
      huge.dispose();
    },
  });
  const watcher = watch(model, { display: false, data: { x, y } });
  const fitted = await model.fit(x, y, { epochs: 3, batchSize: 32, callbacks: [poison, watcher], verbose: 0 });
  const history = watcher.history();
  await watcher.close();
  assert.equal(tf.memory().numTensors, numTensors);
  tf.dispose([x, y]);

  assert.equal(history.step, poisonStep, 'no batch after the NaN');
  assert.equal(step, poisonStep, 'fit did not start another batch');
  assert.equal(fitted.epoch.length, 1, 'fit ended during the first epoch');
  assert.equal(history.end?.reason, 'stopped');
  assert.equal(history.findings.length, 1);
  const { finding } = history.findings[0];
  const lastFinite = history.batches.loss[poisonStep - 2].value;
  assert.deepEqual(finding, messages.nonFiniteLoss({
    step: poisonStep, epoch: 0, batch: poisonStep - 1, trigger: finding.evidence.trigger === 'loss' ? 'loss' : 'weights',
    loss: Number(finding.evidence.loss), lastFiniteLoss: lastFinite,
    source: { kind: 'layer-output', layer: 'hidden2' }, stopped: true,
  }));
  assert.equal(finding.layer, 'hidden2');
  model.dispose();
});

test('watch(model, { stopOnNonFinite: false }) lets training go on after weights turn NaN and reports it once, naming the first NaN weight', async () => {
  const model = mlp();
  const { x, y } = data(128);
  const numTensors = tf.memory().numTensors;
  const poison = new tf.CustomCallback({
    onBatchBegin: (batch) => {
      if (batch !== 1) return;
      const [kernel, bias] = model.getLayer('hidden1').getWeights();
      const bad = tf.fill(kernel.shape, Number.NaN);
      model.getLayer('hidden1').setWeights([bad, bias]);
      bad.dispose();
    },
  });
  const watcher = watch(model, { display: false, stopOnNonFinite: false });
  await model.fit(x, y, { epochs: 1, batchSize: 32, callbacks: [poison, watcher], verbose: 0 });
  const history = watcher.history();
  await watcher.close();
  assert.equal(tf.memory().numTensors, numTensors);
  tf.dispose([x, y]);
  assert.equal(history.step, 4);
  assert.equal(history.end?.reason, 'completed');
  assert.equal(history.findings.length, 1);
  const { finding } = history.findings[0];
  assert.equal(finding.id, 'loss-nonfinite');
  assert.equal(finding.evidence.stopped, false);
  assert.equal(finding.evidence.source, 'weight');
  assert.equal(finding.layer, 'hidden1');
  model.dispose();
});

test('watcher.step(loss, grads) follows a custom training loop and asks it to stop at a NaN loss', async () => {
  const model = mlp();
  const { x, y } = data(64);
  const numTensors = tf.memory().numTensors;
  const watcher = watch(model, { display: false, sampleEvery: 2 });
  const optimizer = tf.train.sgd(0.05);
  const losses = [];
  for (let i = 0; i < 4; i++) {
    const { value, grads } = optimizer.computeGradients(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
    optimizer.applyGradients(grads);
    const result = await watcher.step(value, grads);
    losses.push(result.stop);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const stop = await watcher.step(Number.NaN);
  await watcher.end();
  const history = watcher.history();
  await watcher.close();
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, numTensors);
  tf.dispose([x, y]);
  assert.deepEqual(losses, [false, false, false, false]);
  assert.equal(stop.stop, true);
  assert.equal(stop.finding?.id, 'loss-nonfinite');
  assert.equal(stop.finding?.evidence.step, 5);
  assert.deepEqual(history.layers.map((s) => s.step), [1, 3]);
  assert.ok(history.layers[1].rows.every((r) => r.gradNorm !== null && r.updateRatio !== null));
  model.dispose();
});

test('watch(model) follows model.fitDataset and knows its total steps from batchesPerEpoch', async () => {
  const model = mlp();
  const { x, y } = data(96);
  const rows = { xs: x.unstack(), ys: y.unstack() };
  const dataset = tf.data.zip({ xs: tf.data.array(rows.xs), ys: tf.data.array(rows.ys) }).batch(32).repeat();
  const numTensors = tf.memory().numTensors;
  const watcher = watch(model, { display: false });
  await model.fitDataset(dataset, { epochs: 2, batchesPerEpoch: 3, callbacks: [watcher], verbose: 0 });
  const history = watcher.history();
  await watcher.close();
  assert.equal(tf.memory().numTensors, numTensors);
  assert.equal(history.step, 6);
  assert.equal(history.run?.totalSteps, 6);
  assert.equal(history.epochs.length, 2);
  assert.equal(history.end?.reason, 'completed');
  model.dispose();
  tf.dispose([x, y, ...rows.xs, ...rows.ys]);
});

test('watch(notAModel) throws an error naming the argument', () => {
  assert.throws(() => watch({} as tf.LayersModel), /watch\(model\): model must be a tf\.LayersModel/);
  assert.throws(() => watch(mlp(), { sampleEvery: 0 }), /options\.sampleEvery must be a positive integer/);
});

test('Monitor.batchEnd runs the detectors about once per throttle interval and reports each finding once', async () => {
  const model = mlp();
  const numTensors = tf.memory().numTensors;
  let now = 0;
  const monitor = new Monitor(model, resolveWatchOptions({ display: false, layerStats: false, throttleMs: 1000, now: () => now }));
  monitor.trainBegin({ epochs: 1, samples: 640 * 32, batchSize: 32 });
  // 300 falling steps, then a climb far above the start: loss-diverging; 10 ms per step.
  for (let step = 0; step < 600; step++) {
    now += 10;
    monitor.batchBegin();
    const loss = step < 300 ? 2.3 - step * 0.005 : 0.8 + (step - 300) * 0.05;
    await monitor.batchEnd(step, { batch: step, size: 32, loss });
  }
  await monitor.trainEnd();
  const history = monitor.history.snapshot();
  await monitor.close();
  assert.equal(tf.memory().numTensors, numTensors);
  assert.deepEqual(history.findings.map((f) => f.finding.id), ['loss-diverging']);
  // Detectors run on the throttle (every 100 steps here): found within one interval of the climb becoming clear.
  const step = history.findings[0].step;
  assert.ok(step > 300 && step <= 500, `found at step ${step}`);
  assert.equal(history.findings[0].finding.evidence.learningRate, 0.1);
  model.dispose();
});
