import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { diagnose } from '../src/diagnose';
import { chartsDrawn } from '../src/render/report';
import { useBackend, mnistDigits, mlp } from './helpers/network-models';

before(useBackend);

test('diagnose(model, data, { display: false }) draws no chart and builds no HTML; toHTML() later draws them', async () => {
  const model = mlp();
  const data = mnistDigits(200);
  const report = await diagnose(model, data, { display: false, seed: 3 });
  assert.ok(report.measurements.lrRange !== undefined || report.measurements.gradients !== undefined, 'the network checks ran, so there are charts to draw');
  assert.equal(chartsDrawn(report.measurements), false, 'no chart drawn while diagnosing');
  const html = report.toHTML();
  assert.match(html, /^<!DOCTYPE html>/);
  assert.equal(chartsDrawn(report.measurements), true, 'asking for the page draws the charts (the probe above can see a drawing)');
  tf.dispose([data.x, data.y]);
  model.dispose();
});
