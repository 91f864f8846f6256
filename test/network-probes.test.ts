import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { overfitCheck } from '../src/checks/network/overfit';
import { initCheck } from '../src/checks/network/init';
import { lrRangeCheck } from '../src/checks/network/lr-range';
import { inputDependenceCheck } from '../src/checks/network/input';
import { trainEvalCheck } from '../src/checks/network/train-eval';
import { networkMessages } from '../src/messages/network';
import {
  useBackend, mnistDigits, mlp, mlpWith, sigmoidStack, runNetworkChecks, findingWith,
} from './helpers/network-models';

before(useBackend);

test('overfit-tiny-batch reports overfit-failed (error) when dead ReLUs keep even a reference Adam from fitting 16 digits', async () => {
  const model = mlp({}, { biasInitializer: tf.initializers.constant({ value: -10 }) });
  const { x, y } = mnistDigits(16);
  const run = await runNetworkChecks([overfitCheck], model, x, y);
  const finding = findingWith(run, 'overfit-failed');
  assert.equal(finding.severity, 'error');
  assert.equal(finding.evidence.referenceSucceeded, false);
  const curves = run.results[0].measurements?.curves;
  assert.equal(curves?.chanceLoss, Math.log(10));
  assert.ok((curves?.points.length ?? 0) > 100, 'the curve of both runs');
  assert.ok(run.untouched);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('overfit-tiny-batch fits 16 digits with a healthy MLP and records the curve against chance', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(16);
  const run = await runNetworkChecks([overfitCheck], model, x, y);
  assert.deepEqual(run.findings, []);
  const extra = run.results[0].measurements?.extra?.['overfit-tiny-batch'];
  assert.equal(extra?.succeeded, true);
  assert.ok(Number(extra?.steps) <= 60, `fit in ${extra?.steps} steps`);
  assert.ok(run.untouched);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('lr-range after the overfit probe flags SGD at learning rate 10 as lr-too-high (error: the loss went up) with a suggested range', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(128);
  const run = await runNetworkChecks([overfitCheck, lrRangeCheck], model, x, y, { learningRate: 10, optimizerName: 'SGD', optimizer: () => tf.train.sgd(10) });
  const finding = findingWith(run, 'lr-too-high');
  assert.equal(finding.severity, 'error');
  assert.equal(finding.evidence.overfitProbe, 'went-up');
  assert.ok(Number(finding.evidence.suggestedHigh) < 10);
  assert.equal(findingWith(run, 'overfit-failed').severity, 'info', 'the model itself can fit');
  const lrRange = run.results[1].measurements?.lrRange;
  assert.equal(lrRange?.configuredLr, 10);
  assert.ok(lrRange?.suggested && lrRange.suggested[0] < lrRange.suggested[1]);
  assert.ok(run.untouched);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('lr-range flags Adam at learning rate 1e-7 as lr-too-low, confirmed by the overfit probe it needs', async () => {
  const model = mlp();
  const { x, y } = mnistDigits(64);
  const run = await runNetworkChecks([lrRangeCheck], model, x, y, { learningRate: 1e-7, optimizer: () => tf.train.adam(1e-7) });
  const finding = findingWith(run, 'lr-too-low');
  const number = (key: string) => Number(finding.evidence[key]);
  assert.deepEqual(finding, networkMessages.lrTooLow({
    configuredLr: 1e-7,
    minLossLr: number('minLossLr'),
    minLoss: number('minLoss'),
    startLoss: number('startLoss'),
    lossAtConfigured: number('lossAtConfigured'),
    divergenceLr: number('divergenceLr'),
    suggestedLow: number('suggestedLow'),
    suggestedHigh: number('suggestedHigh'),
    optimizer: 'adam',
    // lr-range needs the overfit probe's outcome: it runs first, even when only lr-range was asked for.
    overfitProbe: 'stalled',
    probeSteps: 0,
    probeInitialLoss: Number.NaN,
    probeYourLoss: Number.NaN,
    probeLowerLr: Number.NaN,
    probeLowerLoss: Number.NaN,
    alreadyTrained: false,
  }));
  assert.ok(number('suggestedLow') > 1e-7, 'the band it points to lies above the rate');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('lr-range blames no learning rate when the loss falls at no rate (10-deep sigmoid stack), and draws no band', async () => {
  const model = sigmoidStack(10);
  const { x, y } = mnistDigits(64);
  const run = await runNetworkChecks([lrRangeCheck], model, x, y);
  assert.deepEqual(run.findings, []);
  assert.equal(run.results[0].measurements?.lrRange?.suggested, null);
  assert.equal(run.results[0].measurements?.lrRange?.steepestLr, null);
  assert.match(run.results[0].note ?? '', /never fell/);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('input-dependence flags a frozen zero first layer as input-ignored', async () => {
  const model = mlp({}, { kernelInitializer: 'zeros', trainable: false });
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks([inputDependenceCheck], model, x, y);
  findingWith(run, 'input-ignored');
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('input-dependence and weight-init spare a deliberately zero-initialized output layer', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 32, activation: 'relu', inputShape: [784] }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'zeros' }),
    ],
  });
  const { x, y } = mnistDigits(32);
  const run = await runNetworkChecks([initCheck, inputDependenceCheck], model, x, y);
  assert.deepEqual(run.findings, []);
  assert.equal(run.leaked, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('train-eval-mode flags dropout 0.9 as train-eval-gap at the dropout layer, and spares dropout 0.2', async () => {
  const heavy = mlpWith(tf.layers.dropout({ rate: 0.9 }));
  const light = mlpWith(tf.layers.dropout({ rate: 0.2 }));
  const { x, y } = mnistDigits(64);
  const heavyRun = await runNetworkChecks([trainEvalCheck], heavy, x, y);
  const lightRun = await runNetworkChecks([trainEvalCheck], light, x, y);
  assert.equal(findingWith(heavyRun, 'train-eval-gap').layer, heavy.layers[1].name);
  assert.deepEqual(lightRun.findings, []);
  assert.equal(heavyRun.leaked + lightRun.leaked, 0);
  tf.dispose([x, y]);
  heavy.dispose();
  light.dispose();
});

test('train-eval-mode flags dropout placed before batch normalization, and a fresh batch-norm model is not blamed', async () => {
  const build = (dropoutFirst: boolean) => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 64, inputShape: [784], activation: 'relu' }));
    if (dropoutFirst) model.add(tf.layers.dropout({ rate: 0.3 }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    return model;
  };
  const shifted = build(true);
  const plain = build(false);
  const { x, y } = mnistDigits(64);
  const shiftedRun = await runNetworkChecks([trainEvalCheck], shifted, x, y);
  const plainRun = await runNetworkChecks([trainEvalCheck], plain, x, y);
  const finding = findingWith(shiftedRun, 'train-eval-gap');
  assert.deepEqual(finding, networkMessages.dropoutBeforeBatchNorm({ dropout: shifted.layers[1].name, batchNorm: shifted.layers[2].name }));
  assert.deepEqual(plainRun.findings, []);
  assert.ok(plainRun.untouched, 'batch-norm statistics were settled on a clone');
  tf.dispose([x, y]);
  shifted.dispose();
  plain.dispose();
});
