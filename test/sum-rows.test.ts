/**
 * Sum over every axis but the last on wasm, as tfjs-doctor's module runs it
 * (sumRows in src/backend/wasm-module/conv-kernels.wat via src/backend/kernels/bias.ts):
 * the same bits as tfjs-backend-wasm's own Sum, and cpu's values to float32
 * rounding; other reductions still go to the original kernel.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { CONV_MODULE as SUM_ROWS_MODULE } from '../src/backend/kernels/conv-module';
import { substituteWasmModule, wasmModuleFailure } from '../src/backend/wasm-module/loader';
import { seeded, size } from './helpers/seeded';

interface SumCase {
  name: string;
  shape: number[];
  axis: number | number[];
  keepDims: boolean;
  /** Whether the module takes it (every axis but the last). */
  ours: boolean;
}

const CASES: SumCase[] = [
  { name: 'a first conv layer\'s bias gradient: [32,26,26,16] over [0,1,2]', shape: [32, 26, 26, 16], axis: [0, 1, 2], keepDims: false, ours: true },
  { name: 'keepDims, 7 channels (a group of 4 and 3 alone)', shape: [2, 3, 5, 7], axis: [0, 1, 2], keepDims: true, ours: true },
  { name: 'the same axes out of order (the original kernel, which adds in that order)', shape: [2, 3, 5, 7], axis: [2, 0, 1], keepDims: true, ours: false },
  { name: 'a dense layer\'s bias gradient: [32,10] over axis 0', shape: [32, 10], axis: 0, keepDims: false, ours: true },
  { name: 'negative axes, rank 3, 6 channels', shape: [3, 4, 6], axis: [-3, -2], keepDims: false, ours: true },
  { name: 'one channel', shape: [9, 1], axis: [0], keepDims: true, ours: true },
  { name: 'the last axis reduced too (the original kernel)', shape: [4, 5, 6], axis: [0, 2], keepDims: false, ours: false },
  { name: 'the inner axes only (the original kernel)', shape: [2, 3, 4, 5], axis: [1, 2], keepDims: false, ours: false },
];

async function sum(backend: string, c: SumCase): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const x = tf.tensor(seeded(size(c.shape), 41), c.shape);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const out = tf.engine().runKernel(tf.Sum, { x }, { axis: c.axis, keepDims: c.keepDims });
  assert.ok(!Array.isArray(out));
  const result = { values: Float32Array.from(out.dataSync()), shape: out.shape };
  out.dispose();
  x.dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore - 1, `Sum on ${backend} leaked tensors`);
  assert.equal(tf.engine().backend.numDataIds(), buffersBefore - 1, `Sum on ${backend} leaked backend buffers`);
  await tf.setBackend('wasm');
  return result;
}

before(async () => {
  await ready();
});

for (const c of CASES) {
  test(`Sum on wasm ${c.ours ? 'by sumRows of the conv-kernels module' : 'by the original kernel'} matches tfjs-backend-wasm's Sum and cpu: ${c.name}`, async () => {
    const baseline = tf.memory().numTensors;
    const wasm = await sum('wasm', c);
    assert.equal(wasmModuleFailure(SUM_ROWS_MODULE), undefined);
    substituteWasmModule(SUM_ROWS_MODULE, null);
    let original;
    try {
      original = await sum('wasm', c);
      if (c.ours) assert.match(wasmModuleFailure(SUM_ROWS_MODULE) ?? '', /not available/, 'the module was not asked: the case tests nothing');
    } finally {
      substituteWasmModule(SUM_ROWS_MODULE, undefined);
    }
    const cpu = await sum('cpu', c);
    assert.deepEqual(wasm.shape, cpu.shape);
    assert.deepEqual(original.shape, cpu.shape);
    assert.deepEqual(Array.from(wasm.values), Array.from(original.values), 'not the bits of the original wasm Sum');
    const scale = Math.max(...cpu.values.map(Math.abs));
    wasm.values.forEach((v, i) => assert.ok(Math.abs(v - cpu.values[i]) <= 1e-5 * Math.max(1, scale), `value ${i}: ${v} against cpu's ${cpu.values[i]}`));
    assert.equal(tf.memory().numTensors, baseline);
  });
}
