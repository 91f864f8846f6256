/**
 * The layers people use train on the backend ready() picks: the first SGD
 * step agrees with the cpu backend (loss, and the weight change, which is the
 * gradient times the learning rate), a few more steps bring the loss down, and
 * nothing leaks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { seeded, size } from './helpers/seeded';



interface Case {
  name: string;
  layers: () => tf.layers.Layer[];
  inputShape: number[];
  /** Integer inputs in [0, vocab) instead of values in [-1, 1). */
  vocab?: number;
}

const CLASSES = 3;
const BATCH = 16;
const LEARNING_RATE = 0.05;
const STEPS = 6;

const cases: Case[] = [
  {
    name: 'Dense',
    inputShape: [8],
    layers: () => [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] })],
  },
  {
    name: 'Conv2D (stride 2, same, non-square input)',
    inputShape: [10, 9, 2],
    layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [10, 9, 2] }), tf.layers.flatten()],
  },
  {
    name: 'DepthwiseConv2D (multiplier 2, valid)',
    inputShape: [9, 8, 3],
    layers: () => [tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: 'relu', inputShape: [9, 8, 3] }), tf.layers.flatten()],
  },
  {
    name: 'SeparableConv2D (stride 2, same)',
    inputShape: [9, 9, 3],
    layers: () => [
      tf.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu', inputShape: [9, 9, 3] }),
      tf.layers.flatten(),
    ],
  },
  {
    name: 'Embedding',
    inputShape: [6],
    vocab: 20,
    layers: () => [tf.layers.embedding({ inputDim: 20, outputDim: 5, inputLength: 6 }), tf.layers.flatten()],
  },
  {
    name: 'MaxPooling2D and AveragePooling2D',
    inputShape: [12, 12, 1],
    layers: () => [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [12, 12, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 2, activation: 'relu' }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
    ],
  },
  {
    name: 'MaxPooling2D over negative values (conv without activation, stride-3 same conv)',
    inputShape: [7, 9, 2],
    layers: () => [
      tf.layers.conv2d({ filters: 3, kernelSize: 2, strides: 3, padding: 'same', inputShape: [7, 9, 2] }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.flatten(),
    ],
  },
  {
    name: 'BatchNormalization and Dropout',
    inputShape: [8],
    layers: () => [
      tf.layers.dense({ units: 16, inputShape: [8] }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dropout({ rate: 0.25, seed: 7 }),
    ],
  },
];

/** Disposes the model and the optimizer the model was compiled with (which model.dispose() keeps). */
function disposeModel(model: tf.LayersModel): void {
  const optimizer = model.optimizer;
  model.dispose();
  optimizer.dispose();
}

/** The same model, weights and batch on any backend. */
function build(c: Case): { model: tf.Sequential; x: tf.Tensor; y: tf.Tensor } {
  const model = tf.sequential({ layers: [...c.layers(), tf.layers.dense({ units: CLASSES, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.sgd(LEARNING_RATE), loss: 'categoricalCrossentropy' });
  // getWeights() hands out the variables themselves: read shapes, never dispose.
  const weights = model.getWeights().map((w, i) => {
    const values = seeded(w.size, 100 + i);
    // Variances and scales must stay positive; everything else small and signed.
    const positive = /moving_variance|gamma/.test(model.weights[i].name);
    return tf.tensor(values.map((v) => (positive ? 1 + 0.2 * v : 0.4 * v)), w.shape);
  });
  model.setWeights(weights);
  tf.dispose(weights);
  const xValues = seeded(BATCH * size(c.inputShape), 1);
  const x = tf.tensor(c.vocab ? xValues.map((v) => Math.floor(((v + 1) / 2) * c.vocab!)) : xValues, [BATCH, ...c.inputShape]);
  const labels = Array.from({ length: BATCH }, (_, i) => (i * 7) % CLASSES);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat());
  return { model, x, y };
}

async function firstStep(c: Case, backend: string): Promise<{ loss: number; deltas: Float32Array[] }> {
  await tf.setBackend(backend);
  const { model, x, y } = build(c);
  const weightsBefore = model.getWeights().map((w) => w.dataSync().slice());
  const loss = await model.trainOnBatch(x, y);
  const deltas = model.getWeights().map((w, i) => Float32Array.from(w.dataSync(), (v, j) => (v - weightsBefore[i][j]) / LEARNING_RATE));
  disposeModel(model);
  tf.dispose([x, y]);
  return { loss: Number(loss), deltas };
}

before(async () => {
  assert.equal(await ready(), 'wasm');
});

for (const c of cases) {
  test(`${c.name} trains on wasm: first step matches cpu, loss falls, no leaks`, async (t) => {
    const baseline = tf.memory().numTensors;
    const wasm = await firstStep(c, 'wasm');
    const cpu = await firstStep(c, 'cpu');
    await tf.setBackend('wasm');

    assert.ok(Math.abs(wasm.loss - cpu.loss) <= 1e-5 * Math.max(1, Math.abs(cpu.loss)), `first loss ${wasm.loss} on wasm vs ${cpu.loss} on cpu`);
    let maxError = 0;
    let scale = 0;
    cpu.deltas.forEach((d, i) =>
      d.forEach((v, j) => {
        maxError = Math.max(maxError, Math.abs(wasm.deltas[i][j] - v));
        scale = Math.max(scale, Math.abs(v));
      }),
    );
    t.diagnostic(`first loss ${wasm.loss.toFixed(5)}; gradients: max abs error ${maxError.toExponential(2)} (largest ${scale.toFixed(3)})`);
    assert.ok(scale > 0, 'the first step changed no weight: the case tests nothing');
    // Weight changes are differences of float32 weights divided by the learning rate.
    assert.ok(maxError <= 2e-5 * Math.max(1, scale), `gradient max abs error ${maxError} vs cpu`);

    const { model, x, y } = build(c);
    const losses: number[] = [];
    let tensorsAfterFirstStep = 0;
    let buffersAfterFirstStep = 0;
    for (let step = 0; step < STEPS; step++) {
      losses.push(Number(await model.trainOnBatch(x, y)));
      if (step === 0) {
        tensorsAfterFirstStep = tf.memory().numTensors;
        buffersAfterFirstStep = tf.engine().backend.numDataIds();
      }
    }
    assert.equal(tf.memory().numTensors, tensorsAfterFirstStep, 'tensors pile up across training steps');
    // Kernels composed below the engine could leak wasm buffers that no tensor count shows.
    assert.equal(tf.engine().backend.numDataIds(), buffersAfterFirstStep, 'wasm buffers pile up across training steps');
    t.diagnostic(`losses on wasm: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    assert.ok(losses.every(Number.isFinite), `non-finite loss: ${losses}`);
    assert.ok(losses[STEPS - 1] < losses[0], `loss did not fall: ${losses}`);
    disposeModel(model);
    tf.dispose([x, y]);
    assert.equal(tf.memory().numTensors, baseline);
  });
}
