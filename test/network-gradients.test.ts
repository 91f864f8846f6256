import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gradientFlowCheck } from '../src/checks/network/gradients';
import { activationsCheck } from '../src/checks/network/activations';
import { initCheck } from '../src/checks/network/init';
import {
  useBackend, mnistDigits, tabularData, mlp, sigmoidStack, explodingStack, mlpWith, LogLayer,
  runNetworkChecks, findingWith,
} from './helpers/network-models';

before(useBackend);

const ONE_STEP = [activationsCheck, gradientFlowCheck];

test('gradient-flow flags a 10-deep sigmoid stack as gradients-vanishing at its first layer', async () => {
  const model = sigmoidStack(10);
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks(ONE_STEP, model, x, y);
  const finding = findingWith(run, 'gradients-vanishing');
  assert.equal(finding.layer, model.layers[0].name);
  assert.equal(finding.severity, 'error');
  assert.ok(Number(finding.evidence.ratio) < 1e-5);
  assert.equal(run.leaked, 0);
  assert.ok(run.untouched);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow flags ReLU layers initialized 3x too large as gradients-exploding at the first layer', async () => {
  const model = explodingStack(6);
  const { x, y } = tabularData(32);
  const run = await runNetworkChecks(ONE_STEP, model, x, y, { task: 'regression' });
  const finding = findingWith(run, 'gradients-exploding');
  assert.equal(finding.layer, model.layers[0].name);
  assert.ok(!run.findings.some((f) => f.id === 'gradients-vanishing'));
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow flags weights behind dead ReLUs (bias -10) as gradients-zero at that layer', async () => {
  const model = mlp({}, { biasInitializer: tf.initializers.constant({ value: -10 }) });
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks(ONE_STEP, model, x, y);
  const finding = findingWith(run, 'gradients-zero');
  assert.equal(finding.layer, model.layers[0].name);
  assert.equal(finding.evidence.weight, 'kernel');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow flags SGD at learning rate 10 as update-ratio-off, direction high', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks(ONE_STEP, model, x, y, { learningRate: 10, optimizerName: 'SGD', optimizer: () => tf.train.sgd(10) });
  const finding = findingWith(run, 'update-ratio-off');
  assert.equal(finding.evidence.direction, 'high');
  assert.ok(Number(finding.evidence.factor) > 100);
  assert.ok(run.untouched, 'the real step happened on a clone');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow flags Adam at learning rate 1e-7 as update-ratio-off, direction low', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks(ONE_STEP, model, x, y, { learningRate: 1e-7, optimizer: () => tf.train.adam(1e-7) });
  assert.equal(findingWith(run, 'update-ratio-off').evidence.direction, 'low');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('activations names the log layer that turns negative inputs into NaN as nonfinite-values, once', async () => {
  const model = mlpWith(new LogLayer({}));
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks(ONE_STEP, model, x, y);
  const finding = findingWith(run, 'nonfinite-values');
  assert.equal(finding.layer, model.layers[1].name);
  assert.equal(finding.evidence.where, 'activation');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('gradient-flow reports a loss that takes log(0) as nonfinite-values in the loss', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(16);
  const logOfZero = (yTrue: tf.Tensor, yPred: tf.Tensor) => yTrue.mul(yPred.sub(yPred).log()).neg().mean() as tf.Scalar;
  const run = await runNetworkChecks(ONE_STEP, model, x, y, { loss: logOfZero, lossName: 'custom' });
  const finding = findingWith(run, 'nonfinite-values');
  assert.equal(finding.evidence.where, 'loss');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('weight-init flags a zero-initialized kernel as init-scale-off (error) and a 20x too large one (warning)', async () => {
  const zero = mlp({ kernelInitializer: 'zeros' });
  const large = mlp({}, { kernelInitializer: tf.initializers.randomNormal({ stddev: 1 }) });
  const { x, y } = mnistDigits(8);
  const zeroRun = await runNetworkChecks([initCheck], zero, x, y);
  const largeRun = await runNetworkChecks([initCheck], large, x, y);
  assert.equal(findingWith(zeroRun, 'init-scale-off').severity, 'error');
  assert.equal(findingWith(zeroRun, 'init-scale-off').layer, zero.layers[0].name);
  const scale = findingWith(largeRun, 'init-scale-off');
  assert.equal(scale.severity, 'warning');
  assert.equal(scale.layer, large.layers[0].name);
  assert.equal(scale.evidence.direction, 'large');
  assert.equal(zeroRun.leaked + largeRun.leaked, 0);
  tf.dispose([x, y]);
  zero.dispose();
  large.dispose();
});
