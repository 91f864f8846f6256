import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { diagnose } from '../src/diagnose';
import { ready } from '../src/backend';

before(() => ready());
import { mnistTensors, mnistMlp } from './helpers/models';

test('diagnose(model, data) returns a Diagnosis with context for MNIST', async () => {
  const { x, y } = mnistTensors(50);
  const model = mnistMlp();
  const before = tf.memory().numTensors;
  const report = await diagnose(model, { x, y }, { display: false });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(report.context.task.value, 'multiclass');
  console.log(JSON.stringify(report.context), report.checks);
  tf.dispose([x, y]); model.dispose();
});
