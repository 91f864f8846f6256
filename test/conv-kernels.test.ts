/**
 * The SIMD kernels of wasm-module/conv-kernels.wat behind Conv2DBackpropFilter,
 * Conv2DBackpropInput, Conv2D, Sum and Add, against the cpu backend on odd shapes, and the paths taken when
 * the module cannot run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { convKernels } from '../src/backend/kernels/conv-module';
import { substituteWasmModule, wasmModuleFailure } from '../src/backend/wasm-module/loader';
import { compareWithCpu } from './helpers/kernel-compare';
import { seeded, size } from './helpers/seeded';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

before(async () => {
  assert.equal(await ready(), 'wasm');
});

after(() => substituteWasmModule('conv-kernels', undefined));

test('the conv-kernels module runs on the wasm backend (else every case below would test the fallback)', async () => {
  await tf.setBackend('wasm');
  assert.notEqual(convKernels(tf.backend()), undefined, wasmModuleFailure('conv-kernels'));
});

/** Output channels a multiple of 4 (the direct kernel), every other dimension odd somewhere. */
const filterGradCases: Array<{ name: string; x: Shape4; filter: Shape4; strides: number | [number, number]; pad: Pad }> = [
  { name: 'a first layer: 1 channel to 16, 3x3, valid', x: [3, 12, 11, 1], filter: [3, 3, 1, 16], strides: 1, pad: 'valid' },
  { name: 'batch 1, 3 channels to 4 (one 4-wide tile), same', x: [1, 7, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '5 channels to 12 (8 + 4 wide), stride 2 not dividing the input, valid', x: [2, 10, 9, 5], filter: [3, 2, 5, 12], strides: 2, pad: 'valid' },
  { name: '7 taps left over, strides [2, 3], same', x: [2, 9, 11, 7], filter: [1, 1, 7, 8], strides: [2, 3], pad: 'same' },
  { name: 'explicit uneven padding, 2 channels to 36', x: [2, 6, 7, 2], filter: [3, 4, 2, 36], strides: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { name: 'numeric padding 2, stride 3, 16 to 32', x: [3, 11, 10, 16], filter: [5, 5, 16, 32], strides: 3, pad: 2 },
  { name: 'a window as large as the input, batch 1', x: [1, 5, 4, 3], filter: [5, 4, 3, 8], strides: 1, pad: 'valid' },
];

/** Input channels a multiple of 8 (the direct input-gradient kernel), every other dimension odd somewhere. */
const inputGradCases: typeof filterGradCases = [
  { name: 'batch 1, 8 channels from 5, 3x3, same', x: [1, 7, 9, 8], filter: [3, 3, 8, 5], strides: 1, pad: 'same' },
  { name: 'the bench CNN\'s second layer, small: 16 channels from 32, valid', x: [3, 9, 8, 16], filter: [3, 3, 16, 32], strides: 1, pad: 'valid' },
  { name: 'stride 2 not dividing the input (rows no window reads), valid', x: [2, 10, 9, 8], filter: [3, 3, 8, 4], strides: 2, pad: 'valid' },
  { name: '24 channels, strides [2, 3], same, positions not a multiple of 4', x: [1, 7, 11, 24], filter: [2, 3, 24, 7], strides: [2, 3], pad: 'same' },
  { name: 'explicit uneven padding', x: [2, 6, 7, 8], filter: [3, 4, 8, 3], strides: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { name: 'numeric padding 2, stride 3, 5x5', x: [2, 11, 10, 16], filter: [5, 5, 16, 9], strides: 3, pad: 2 },
];

/** The gradient kernels' inputs and attributes for one forward convolution. */
function gradientCase(kernel: string, c: (typeof filterGradCases)[number]) {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  const dy = () => tf.tensor(seeded(size(info.outShape), 2), info.outShape);
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' };
  return kernel === tf.Conv2DBackpropFilter
    ? { inputs: () => ({ x: tf.tensor(seeded(size(c.x), 1), c.x), dy: dy() }), attrs: { ...attrs, filterShape: c.filter } }
    : { inputs: () => ({ dy: dy(), filter: tf.tensor(seeded(size(c.filter), 3), c.filter) }), attrs: { ...attrs, inputShape: c.x } };
}

const gradientSuites = [
  { kernel: tf.Conv2DBackpropFilter, cases: filterGradCases },
  { kernel: tf.Conv2DBackpropInput, cases: inputGradCases },
];

for (const { kernel, cases } of gradientSuites) {
  for (const c of cases) {
    test(`${kernel} on wasm (direct SIMD kernel) matches cpu: ${c.name}`, async (t) => {
      const { inputs, attrs } = gradientCase(kernel, c);
      await compareWithCpu(t, kernel, inputs, attrs);
    });
  }
}

/** At least 8 input channels, output channels a multiple of 8 (the direct forward kernel). */
const forwardCases: Array<{ name: string; x: Shape4; filter: Shape4; strides: number | [number, number]; pad: Pad; dilations?: number | [number, number] }> = [
  { name: 'the bench CNN\'s second layer, small: 16 channels to 32, valid', x: [3, 9, 8, 16], filter: [3, 3, 16, 32], strides: 1, pad: 'valid' },
  { name: 'batch 1, 9 channels, 5x5, same, positions not a multiple of 4', x: [1, 7, 9, 9], filter: [5, 5, 9, 8], strides: 1, pad: 'same' },
  { name: 'strides [2, 3], same, 24 channels out', x: [2, 9, 11, 8], filter: [3, 2, 8, 24], strides: [2, 3], pad: 'same' },
  { name: 'dilations [2, 1], explicit uneven padding', x: [2, 8, 7, 12], filter: [2, 3, 12, 8], strides: 1, pad: [[0, 0], [1, 2], [0, 3], [0, 0]], dilations: [2, 1] },
  { name: 'stride 2 not dividing the input, valid', x: [2, 10, 9, 8], filter: [3, 3, 8, 16], strides: 2, pad: 'valid' },
  { name: 'fewer than 4 positions (the original kernel)', x: [1, 3, 3, 8], filter: [2, 2, 8, 8], strides: 2, pad: 'valid' },
];

function forwardCase(c: (typeof forwardCases)[number]) {
  return {
    inputs: () => ({ x: tf.tensor(seeded(size(c.x), 1), c.x), filter: tf.tensor(seeded(size(c.filter), 3), c.filter) }),
    attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations ?? 1 },
  };
}

for (const c of forwardCases) {
  test(`Conv2D on wasm (direct SIMD kernel) matches cpu: ${c.name}`, async (t) => {
    const { inputs, attrs } = forwardCase(c);
    await compareWithCpu(t, tf.Conv2D, inputs, attrs);
  });
}

const sumCases: Array<{ name: string; shape: number[]; axis: number | number[]; keepDims?: boolean; dtype?: 'float32' | 'int32' }> = [
  { name: 'a conv bias gradient, [3, 6, 5, 16] over axes 0, 1, 2', shape: [3, 6, 5, 16], axis: [0, 1, 2] },
  { name: '37 columns (16 + 16 + 4 + 1 wide)', shape: [4, 3, 37], axis: [0, 1] },
  { name: 'axes out of order (the original kernel)', shape: [4, 3, 37], axis: [1, 0] },
  { name: 'negative axes, keepDims', shape: [2, 5, 7], axis: [-3, -2], keepDims: true },
  { name: 'one leading axis, 3 columns (the scalar tail only)', shape: [9, 3], axis: 0 },
  { name: 'every axis (the original kernel)', shape: [4, 6], axis: [0, 1] },
  { name: 'inner axes (the original kernel)', shape: [4, 6, 3], axis: [1, 2] },
  { name: 'int32 (the original kernel)', shape: [5, 4], axis: 0, dtype: 'int32' },
];

for (const c of sumCases) {
  test(`Sum on wasm matches cpu: ${c.name}`, async (t) => {
    const values = seeded(size(c.shape), 4).map((v) => (c.dtype === 'int32' ? Math.round(v * 50) : v));
    await compareWithCpu(t, tf.Sum, () => ({ x: tf.tensor(values, c.shape, c.dtype ?? 'float32') }), { axis: c.axis, keepDims: c.keepDims ?? false });
  });
}

const addCases: Array<{ name: string; a: number[]; b: number[]; dtype?: 'float32' | 'int32' }> = [
  { name: 'a conv bias, [3, 6, 5, 16] + [16]', a: [3, 6, 5, 16], b: [16] },
  { name: 'the row first, 7 columns (4 + 3)', a: [7], b: [5, 3, 7] },
  { name: 'a row of two axes with a leading 1, [2, 3, 5] + [1, 3, 5]', a: [2, 3, 5], b: [1, 3, 5] },
  { name: 'the same shapes (the original kernel)', a: [4, 6], b: [4, 6] },
  { name: 'a column and a row, [3, 1] + [1, 4] (the original kernel)', a: [3, 1], b: [1, 4] },
  { name: 'int32 (the original kernel)', a: [5, 4], b: [4], dtype: 'int32' },
];

for (const c of addCases) {
  test(`Add on wasm matches cpu: ${c.name}`, async (t) => {
    const values = (shape: number[], seed: number) => seeded(size(shape), seed).map((v) => (c.dtype === 'int32' ? Math.round(v * 50) : v));
    await compareWithCpu(t, tf.Add, () => ({ a: tf.tensor(values(c.a, 5), c.a, c.dtype ?? 'float32'), b: tf.tensor(values(c.b, 6), c.b, c.dtype ?? 'float32') }), {});
  });
}

test('Conv2D, its two gradients, Sum and Add on wasm match cpu without the conv-kernels module (the original and XNNPACK paths)', async (t) => {
  substituteWasmModule('conv-kernels', null);
  try {
    await tf.setBackend('wasm');
    assert.equal(convKernels(tf.backend()), undefined);
    assert.match(wasmModuleFailure('conv-kernels') ?? '', /not available/);
    for (const { kernel, cases } of gradientSuites) {
      for (const c of cases) {
        const { inputs, attrs } = gradientCase(kernel, c);
        await compareWithCpu(t, kernel, inputs, attrs);
      }
    }
    for (const c of forwardCases) {
      const { inputs, attrs } = forwardCase(c);
      await compareWithCpu(t, tf.Conv2D, inputs, attrs);
    }
    await compareWithCpu(t, tf.Sum, () => ({ x: tf.tensor(seeded(96, 4), [2, 3, 16]) }), { axis: [0, 1], keepDims: false });
    await compareWithCpu(t, tf.Add, () => ({ a: tf.tensor(seeded(96, 5), [2, 3, 16]), b: tf.tensor(seeded(16, 6), [16]) }), {});
  } finally {
    substituteWasmModule('conv-kernels', undefined);
  }
});
