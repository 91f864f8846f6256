/**
 * MaxPoolGrad on wasm as tfjs-doctor's own SIMD module runs it
 * (src/backend/wasm-module/max-pool-grad.wat), against the cpu backend and
 * against its JavaScript fallback, on odd shapes, and the module loader's
 * fallbacks (test/wasm-module.test.ts checks the built modules themselves).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { MAX_POOL_GRAD_MODULE } from '../src/backend/kernels/max-pool-grad';
import { backendMemory, substituteWasmModule, wasmModule, wasmModuleFailure } from '../src/backend/wasm-module/loader';
import { seeded, size } from './helpers/seeded';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number;

interface PoolCase {
  name: string;
  x: Shape4;
  filterSize: [number, number];
  strides: [number, number];
  pad: Pad;
  /** Values from seeded numbers in [-1, 1) and their index. */
  values?: (v: number, i: number) => number;
}

const CASES: PoolCase[] = [
  { name: 'the bench CNN\'s first pool: [32,26,26,16], 2x2 stride 2, valid (windows tile the input)', x: [32, 26, 26, 16], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { name: 'the bench CNN\'s second pool: [32,11,11,32], 2x2 stride 2, valid (the last row and column in no window)', x: [32, 11, 11, 32], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { name: '2x2 stride 2, same, odd input, 7 channels (clipped windows, a 4-channel group and 3 alone)', x: [2, 9, 7, 7], filterSize: [2, 2], strides: [2, 2], pad: 'same' },
  { name: '3x3 stride 2, valid, batch 1, 5 channels (overlapping windows)', x: [1, 7, 9, 5], filterSize: [3, 3], strides: [2, 2], pad: 'valid' },
  { name: '3x3 stride 3, same, 6 channels (padding before: windows clipped at the top and left)', x: [1, 7, 8, 6], filterSize: [3, 3], strides: [3, 3], pad: 'same' },
  { name: '3x3 stride 2, numeric padding 1, all-negative values, 8 channels', x: [2, 6, 7, 8], filterSize: [3, 3], strides: [2, 2], pad: 1, values: (v) => v - 2 },
  { name: '2x2 stride 1, batch 1, 4 channels (overlapping 2x2 windows, the unrolled path)', x: [1, 5, 6, 4], filterSize: [2, 2], strides: [1, 1], pad: 'valid' },
  { name: 'window [3, 2], strides [1, 2], same, 13 channels (overlap along rows only)', x: [2, 5, 7, 13], filterSize: [3, 2], strides: [1, 2], pad: 'same' },
  { name: '1x1 window, strides [2, 1], 3 channels (no SIMD group; rows in no window)', x: [2, 5, 4, 3], filterSize: [1, 1], strides: [2, 1], pad: 'valid' },
  { name: 'window [2, 3], strides [3, 2], valid, 4 channels (gaps between windows)', x: [1, 8, 9, 4], filterSize: [2, 3], strides: [3, 2], pad: 'valid' },
  {
    name: 'NaN and -Infinity, also first in a window, 2x2 stride 2, 4 channels: NaN never wins, a window of -Infinity sends nothing',
    x: [1, 6, 6, 4],
    filterSize: [2, 2],
    strides: [2, 2],
    pad: 'valid',
    values: (v, i) => (i % 5 === 0 ? Number.NaN : i < 48 ? Number.NEGATIVE_INFINITY : v),
  },
  {
    name: 'NaN and -Infinity, 3x3 stride 2, same, 6 channels (the general SIMD path and the scalar one)',
    x: [2, 7, 5, 6],
    filterSize: [3, 3],
    strides: [2, 2],
    pad: 'same',
    values: (v, i) => (i % 7 === 2 ? Number.NaN : i % 11 === 0 || i < 60 ? Number.NEGATIVE_INFINITY : v),
  },
  {
    name: 'ties and ReLU zeros go to the first maximum, 3x3 stride 2, valid, 4 channels',
    x: [1, 9, 9, 4],
    filterSize: [3, 3],
    strides: [2, 2],
    pad: 'valid',
    values: (v) => Math.max(0, Math.round(v * 2)),
  },
];

interface Gradient {
  values: Float32Array;
  shape: number[];
}

function inputs(c: PoolCase): tf.NamedTensorMap {
  const x = tf.tensor4d(seeded(size(c.x), 31).map(c.values ?? ((v) => v)), c.x);
  const output = tf.maxPool(x, c.filterSize, c.strides, c.pad);
  const dy = tf.tensor(seeded(output.size, 32), output.shape);
  return { dy, input: x, output };
}

/** MaxPoolGrad of the case on `backend`; asserts no tensor or backend buffer is left behind. */
async function gradient(backend: string, c: PoolCase): Promise<Gradient> {
  await tf.setBackend(backend);
  const named = inputs(c);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const out = tf.engine().runKernel(tf.MaxPoolGrad, named, { filterSize: c.filterSize, strides: c.strides, pad: c.pad });
  assert.ok(!Array.isArray(out));
  const result = { values: Float32Array.from(out.dataSync()), shape: out.shape };
  out.dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore, `MaxPoolGrad on ${backend} leaked tensors`);
  assert.equal(tf.engine().backend.numDataIds(), buffersBefore, `MaxPoolGrad on ${backend} leaked backend buffers`);
  tf.dispose(Object.values(named));
  await tf.setBackend('wasm');
  return result;
}

/** Runs `body` with the module replaced by `bytes` (null: missing), then restores it. */
async function withModule<T>(bytes: Uint8Array<ArrayBuffer> | null, body: () => Promise<T>): Promise<T> {
  substituteWasmModule(MAX_POOL_GRAD_MODULE, bytes);
  try {
    return await body();
  } finally {
    substituteWasmModule(MAX_POOL_GRAD_MODULE, undefined);
  }
}

const overlaps = (c: PoolCase) => c.strides[0] < c.filterSize[0] || c.strides[1] < c.filterSize[1];

/** Indices where the two differ, NaN equal to NaN and 0 to -0. */
function differences(a: Float32Array, b: Float32Array, tolerance: number): number[] {
  const out: number[] = [];
  a.forEach((v, i) => {
    const same = (Number.isNaN(v) && Number.isNaN(b[i])) || Math.abs(v - b[i]) <= tolerance;
    if (!same) out.push(i);
  });
  return out;
}

before(async () => {
  await ready();
  assert.equal(tf.getBackend(), 'wasm');
});

test('wasmModule loads max-pool-grad on the wasm backend (the kernel does not fall back here)', () => {
  assert.notEqual(wasmModule(tf.engine().backend, MAX_POOL_GRAD_MODULE), undefined, wasmModuleFailure(MAX_POOL_GRAD_MODULE));
  assert.equal(wasmModuleFailure(MAX_POOL_GRAD_MODULE), undefined);
});

for (const c of CASES) {
  test(`MaxPoolGrad's wasm module matches cpu and the JavaScript fallback: ${c.name}`, async (t) => {
    const baseline = tf.memory().numTensors;
    const wasm = await gradient('wasm', c);
    assert.equal(wasmModuleFailure(MAX_POOL_GRAD_MODULE), undefined, 'the wasm module did not run');
    const fallback = await withModule(null, async () => {
      const result = await gradient('wasm', c);
      assert.match(wasmModuleFailure(MAX_POOL_GRAD_MODULE) ?? '', /not available/);
      return result;
    });
    const cpu = await gradient('cpu', c);
    assert.deepEqual(wasm.shape, cpu.shape);
    assert.ok(cpu.values.some((v) => v !== 0), 'the reference is all zeros: the case tests nothing');
    // Both wasm paths add in dy order in float32: the same bits.
    assert.deepEqual(differences(wasm.values, fallback.values, 0), [], 'the wasm module and the JavaScript fallback differ');
    // cpu sums overlapping windows in float64: the same up to rounding there, exactly elsewhere.
    const tolerance = overlaps(c) ? 1e-6 : 0;
    const off = differences(wasm.values, cpu.values, tolerance);
    t.diagnostic(`${wasm.values.length} values, ${wasm.values.filter((v) => v !== 0).length} non-zero, ${off.length} off cpu`);
    assert.deepEqual(off.slice(0, 5).map((i) => [i, wasm.values[i], cpu.values[i]]), [], 'wasm differs from cpu');
    assert.equal(tf.memory().numTensors, baseline);
  });
}

test('MaxPoolGrad runs its JavaScript fallback when the wasm module does not compile, and wasmModuleFailure says so', async () => {
  const c = CASES[2];
  const broken = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 255]);
  const viaFallback = await withModule(broken, async () => {
    const result = await gradient('wasm', c);
    assert.match(wasmModuleFailure(MAX_POOL_GRAD_MODULE) ?? '', /^compiling max-pool-grad\.wasm/);
    return result;
  });
  const cpu = await gradient('cpu', c);
  assert.deepEqual(differences(viaFallback.values, cpu.values, 0), []);
  assert.notEqual(wasmModule(tf.engine().backend, MAX_POOL_GRAD_MODULE), undefined, 'the module is back once the substitute is removed');
});

test('wasmModule gives undefined, with the reason, for a backend whose memory is shared (the threaded wasm build) or hidden', () => {
  const shared = { wasm: { wasmMemory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }) } };
  assert.equal(wasmModule(shared, MAX_POOL_GRAD_MODULE), undefined);
  assert.match(wasmModuleFailure(MAX_POOL_GRAD_MODULE) ?? '', /^instantiating max-pool-grad\.wasm on the backend's memory/);
  assert.equal(wasmModule({}, MAX_POOL_GRAD_MODULE), undefined);
  assert.match(wasmModuleFailure(MAX_POOL_GRAD_MODULE) ?? '', /exposes no WebAssembly\.Memory/);
  assert.notEqual(wasmModule(tf.engine().backend, MAX_POOL_GRAD_MODULE), undefined);
});

test('MaxPoolGrad\'s wasm module still matches cpu after the backend\'s memory has grown', async () => {
  const memory = backendMemory(tf.engine().backend);
  assert.ok(memory !== undefined);
  const c = CASES[3];
  await gradient('wasm', c);
  const buffer = memory.buffer;
  const held: tf.Tensor[] = [];
  try {
    // Keep allocating (bounded: 16 x 8 MB) until the memory grows.
    for (let i = 0; i < 16 && memory.buffer === buffer; i++) held.push(tf.fill([2 * 1024 * 1024], i));
    assert.notEqual(memory.buffer, buffer, 'the memory did not grow: the test tests nothing');
    const wasm = await gradient('wasm', c);
    assert.equal(wasmModuleFailure(MAX_POOL_GRAD_MODULE), undefined);
    const cpu = await gradient('cpu', c);
    assert.deepEqual(differences(wasm.values, cpu.values, 1e-6), []);
  } finally {
    tf.dispose(held);
  }
});
