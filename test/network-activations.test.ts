import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { activationsCheck } from '../src/checks/network/activations';
import { activationStats, tapModel } from '../src/model/taps';
import { useBackend, mnistDigits, mlp, runNetworkChecks, findingWith } from './helpers/network-models';

before(useBackend);

test('activations flags ReLUs behind a -10 bias as activations-dead at that layer, with per-layer health', async () => {
  const model = mlp({}, { biasInitializer: tf.initializers.constant({ value: -10 }) });
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks([activationsCheck], model, x, y);
  const finding = findingWith(run, 'activations-dead');
  assert.equal(finding.layer, model.layers[0].name);
  assert.equal(finding.severity, 'error');
  assert.equal(finding.evidence.deadFraction, 1);
  const layers = run.results[0].measurements?.activations?.layers ?? [];
  assert.deepEqual(layers.map((l) => l.layer), model.layers.map((l) => l.name));
  assert.equal(layers[0].rms, 0);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('activations flags sigmoid layers with 20x too large weights as activations-saturated at the first', async () => {
  const model = mlp({ activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 3 }) });
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks([activationsCheck], model, x, y);
  const finding = findingWith(run, 'activations-saturated');
  assert.equal(finding.layer, model.layers[0].name);
  assert.ok(Number(finding.evidence.saturatedFraction) > 0.3);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('tapModel(model) taps every layer in one model that shares the user\'s weights, leak-free', async () => {
  const model = mlp();
  const { x } = mnistDigits(16);
  const tensors = tf.memory().numTensors;
  const taps = tapModel(model);
  assert.equal(taps.model.outputs.length, 3);
  assert.equal(taps.model.layers[1], model.layers[0], 'same layer objects, no copies');
  const stats = await activationStats(taps, x);
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(stats.map((s) => s.activation), ['relu', 'relu', 'softmax']);
  assert.ok(Math.abs((stats[2].mean ?? 0) - 0.1) < 1e-6, 'softmax outputs average 1/10');
  assert.equal(stats[2].deadFraction, null);
  tf.dispose([x]);
  model.dispose();
});
