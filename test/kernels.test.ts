/**
 * The wasm training kernels tfjs-doctor registers, against the cpu backend
 * (tfjs's reference) and, where cpu ignores an attribute (depthwise dilations),
 * against the definition written out directly.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { seeded, size } from './helpers/seeded';
import { assertClose, compareWithCpu, runKernel, type Result } from './helpers/kernel-compare';
import { registerTrainingKernels } from '../src/backend/kernels';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

before(async () => {
  assert.equal(await ready(), 'wasm');
});

// --- Conv2DBackpropFilter -------------------------------------------------

const conv2dCases: Array<{ name: string; x: Shape4; filter: Shape4; strides: number | [number, number]; pad: Pad; dataFormat?: 'NHWC' | 'NCHW' }> = [
  { name: 'batch 1, non-square input and kernel, stride 1, same', x: [1, 7, 5, 2], filter: [3, 2, 2, 3], strides: 1, pad: 'same' },
  { name: 'stride 2 not dividing the input, valid', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  { name: 'stride 3, same', x: [3, 10, 7, 2], filter: [4, 3, 2, 2], strides: 3, pad: 'same' },
  { name: 'strides [2, 3], same', x: [2, 7, 9, 3], filter: [3, 2, 3, 4], strides: [2, 3], pad: 'same' },
  { name: 'strides [2, 3], explicit padding', x: [2, 8, 9, 1], filter: [2, 3, 1, 5], strides: [2, 3], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: 'numeric padding 1', x: [2, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: 1 },
  { name: 'NCHW, stride 2, same', x: [2, 3, 7, 6], filter: [3, 3, 3, 2], strides: 2, pad: 'same', dataFormat: 'NCHW' },
  { name: 'one input channel (the patches path), stride 2, same', x: [2, 9, 7, 1], filter: [3, 3, 1, 12], strides: 2, pad: 'same' },
  { name: 'one input channel, batch 1, explicit padding, strides [1, 3]', x: [1, 6, 8, 1], filter: [2, 2, 1, 6], strides: [1, 3], pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { name: 'two input channels, valid, the shape of a first layer', x: [3, 10, 10, 2], filter: [3, 3, 2, 20], strides: 1, pad: 'valid' },
  { name: 'as many taps as output channels (the patches path, untransposed), batch 1, stride 2, same', x: [1, 7, 6, 1], filter: [2, 2, 1, 4], strides: 2, pad: 'same' },
];

for (const c of conv2dCases) {
  test(`Conv2DBackpropFilter on wasm matches cpu: ${c.name}`, async (t) => {
    const dataFormat = c.dataFormat ?? 'NHWC';
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, undefined, false, dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst');
    await compareWithCpu(
      t,
      tf.Conv2DBackpropFilter,
      () => ({ x: tf.tensor(seeded(size(c.x), 1), c.x), dy: tf.tensor(seeded(size(info.outShape), 2), info.outShape) }),
      { strides: c.strides, pad: c.pad, dataFormat, filterShape: c.filter },
    );
  });
}

for (const c of conv2dCases) {
  test(`Conv2DBackpropInput on wasm matches cpu: ${c.name}`, async (t) => {
    const dataFormat = c.dataFormat ?? 'NHWC';
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, undefined, false, dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst');
    await compareWithCpu(
      t,
      tf.Conv2DBackpropInput,
      () => ({ dy: tf.tensor(seeded(size(info.outShape), 2), info.outShape), filter: tf.tensor(seeded(size(c.filter), 3), c.filter) }),
      { strides: c.strides, pad: c.pad, dataFormat, inputShape: c.x },
    );
  });
}

// --- Depthwise backprops ----------------------------------------------------

interface DepthwiseCase {
  name: string;
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: Pad;
}

const depthwiseCases: DepthwiseCase[] = [
  { name: 'batch 1, non-square, multiplier 2, same', x: [1, 7, 5, 3], filter: [3, 2, 3, 2], strides: 1, dilations: 1, pad: 'same' },
  { name: 'stride 2 not dividing the input, multiplier 3, valid', x: [2, 9, 8, 2], filter: [3, 3, 2, 3], strides: 2, dilations: 1, pad: 'valid' },
  { name: 'stride 3, multiplier 1, same', x: [2, 10, 7, 2], filter: [2, 3, 2, 1], strides: 3, dilations: 1, pad: 'same' },
  { name: 'strides [2, 1], explicit padding', x: [2, 8, 9, 2], filter: [2, 2, 2, 2], strides: [2, 1], dilations: 1, pad: [[0, 0], [2, 1], [1, 0], [0, 0]] },
  { name: 'numeric padding 1', x: [2, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, dilations: 1, pad: 1 },
];

const dilatedCases: DepthwiseCase[] = [
  { name: 'dilation 2, same', x: [2, 9, 9, 3], filter: [3, 3, 3, 2], strides: 1, dilations: 2, pad: 'same' },
  { name: 'dilations [2, 3], valid, non-square', x: [1, 11, 10, 2], filter: [2, 3, 2, 2], strides: 1, dilations: [2, 3], pad: 'valid' },
];

function depthwiseInfo(c: DepthwiseCase) {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations, c.pad, undefined, true);
}

function depthwiseAttrs(c: DepthwiseCase): tf.NamedAttrMap {
  return { strides: c.strides, dilations: c.dilations, pad: c.pad };
}

for (const c of depthwiseCases) {
  const info = depthwiseInfo(c);
  test(`DepthwiseConv2dNativeBackpropFilter on wasm matches cpu: ${c.name}`, async (t) => {
    await compareWithCpu(
      t,
      tf.DepthwiseConv2dNativeBackpropFilter,
      () => ({ x: tf.tensor(seeded(size(c.x), 3), c.x), dy: tf.tensor(seeded(size(info.outShape), 4), info.outShape) }),
      { ...depthwiseAttrs(c), filterShape: c.filter },
    );
  });
  test(`DepthwiseConv2dNativeBackpropInput on wasm matches cpu: ${c.name}`, async (t) => {
    await compareWithCpu(
      t,
      tf.DepthwiseConv2dNativeBackpropInput,
      () => ({ dy: tf.tensor(seeded(size(info.outShape), 5), info.outShape), filter: tf.tensor(seeded(size(c.filter), 6), c.filter) }),
      { ...depthwiseAttrs(c), inputShape: c.x },
    );
  });
}

/** Both depthwise gradients straight from their definition (the cpu kernels ignore dilations). */
function depthwiseReference(c: DepthwiseCase, x: Float32Array, filter: Float32Array, dy: Float32Array): { dW: Float32Array; dx: Float32Array } {
  const info = depthwiseInfo(c);
  const [n, h, w, ch] = c.x;
  const [fh, fw, , m] = c.filter;
  const dW = new Float32Array(size(c.filter));
  const dx = new Float32Array(size(c.x));
  for (let b = 0; b < n; b++)
    for (let i = 0; i < info.outHeight; i++)
      for (let j = 0; j < info.outWidth; j++)
        for (let a = 0; a < fh; a++)
          for (let e = 0; e < fw; e++) {
            const row = i * info.strideHeight + a * info.dilationHeight - info.padInfo.top;
            const col = j * info.strideWidth + e * info.dilationWidth - info.padInfo.left;
            if (row < 0 || row >= h || col < 0 || col >= w) continue;
            for (let k = 0; k < ch; k++)
              for (let q = 0; q < m; q++) {
                const g = dy[((b * info.outHeight + i) * info.outWidth + j) * ch * m + k * m + q];
                const xi = ((b * h + row) * w + col) * ch + k;
                const wi = ((a * fw + e) * ch + k) * m + q;
                dW[wi] += x[xi] * g;
                dx[xi] += filter[wi] * g;
              }
          }
  return { dW, dx };
}

for (const c of dilatedCases) {
  test(`depthwise backprops on wasm match their definition: ${c.name}`, async (t) => {
    const info = depthwiseInfo(c);
    const [x, filter, dy] = [seeded(size(c.x), 7), seeded(size(c.filter), 8), seeded(size(info.outShape), 9)];
    const expected = depthwiseReference(c, x, filter, dy);
    const dW = await runKernel('wasm', tf.DepthwiseConv2dNativeBackpropFilter, () => ({ x: tf.tensor(x, c.x), dy: tf.tensor(dy, info.outShape) }), {
      ...depthwiseAttrs(c),
      filterShape: c.filter,
    });
    assertClose(t, dW, { values: expected.dW, shape: c.filter });
    const dx = await runKernel('wasm', tf.DepthwiseConv2dNativeBackpropInput, () => ({ dy: tf.tensor(dy, info.outShape), filter: tf.tensor(filter, c.filter) }), {
      ...depthwiseAttrs(c),
      inputShape: c.x,
    });
    assertClose(t, dx, { values: expected.dx, shape: c.x });
  });
}

// --- UnsortedSegmentSum -----------------------------------------------------

const segmentCases: Array<{ name: string; x: number[]; ids: number[]; numSegments: number; dtype?: 'int32' }> = [
  { name: 'repeated ids add up, an unused segment stays zero', x: [6, 3], ids: [0, 2, 2, 1, 0, 2], numSegments: 4 },
  { name: 'negative and too-large ids are dropped, rank-3 data', x: [5, 2, 3], ids: [1, -1, 3, 7, 1], numSegments: 4 },
  { name: 'every id the same, 1D data', x: [4], ids: [3, 3, 3, 3], numSegments: 5 },
  { name: 'int32 data', x: [5, 2], ids: [1, 0, 1, 4, 1], numSegments: 5, dtype: 'int32' },
];

for (const c of segmentCases) {
  test(`UnsortedSegmentSum on wasm matches cpu: ${c.name}`, async (t) => {
    const values = c.dtype === 'int32' ? Int32Array.from(seeded(size(c.x), 10), (v) => Math.round(v * 50)) : seeded(size(c.x), 10);
    await compareWithCpu(t, tf.UnsortedSegmentSum, () => ({ x: tf.tensor(values, c.x, c.dtype ?? 'float32'), segmentIds: tf.tensor1d(c.ids, 'int32') }), {
      numSegments: c.numSegments,
    });
  });
}

test('an embedding gradient (gather, then UnsortedSegmentSum) on wasm matches cpu', async (t) => {
  const vocab = 50;
  const ids = Int32Array.from({ length: 40 }, (_, i) => (i * 7) % vocab);
  const gradient = async (backend: string): Promise<Result> => {
    await tf.setBackend(backend);
    const table = tf.tensor(seeded(vocab * 8, 11), [vocab, 8]);
    const index = tf.tensor1d(ids, 'int32');
    const g = tf.grad((w: tf.Tensor) => tf.gather(w, index).square().sum())(table);
    const result = { values: Float32Array.from(g.dataSync()), shape: g.shape };
    tf.dispose([table, index, g]);
    return result;
  };
  const baseline = tf.memory().numTensors;
  const wasm = await gradient('wasm');
  const cpu = await gradient('cpu');
  await tf.setBackend('wasm');
  assertClose(t, wasm, cpu);
  assert.equal(tf.memory().numTensors, baseline);
});

// --- Kernels wasm has but gets wrong (replaced) ----------------------------------

const poolCases: Array<{ name: string; x: Shape4; filterSize: [number, number]; strides: number | [number, number]; pad: Pad; ties?: boolean; values?: (v: number, i: number) => number }> = [
  { name: 'all-negative windows, 2x2 stride 2, valid', x: [2, 6, 8, 3], filterSize: [2, 2], strides: 2, pad: 'valid' },
  { name: 'overlapping 3x2 windows, stride 1, same, batch 1', x: [1, 7, 5, 2], filterSize: [3, 2], strides: 1, pad: 'same' },
  { name: 'stride 3 not dividing the input, same', x: [2, 10, 7, 2], filterSize: [2, 2], strides: 3, pad: 'same' },
  { name: 'strides [2, 1], 1x1 window', x: [2, 5, 6, 2], filterSize: [1, 1], strides: [2, 1], pad: 'valid' },
  { name: 'ties go to the first maximum, as on cpu', x: [2, 6, 6, 2], filterSize: [3, 3], strides: 2, pad: 'same', ties: true },
  { name: 'windows of zeros after a ReLU send their gradient to the first position', x: [1, 8, 8, 3], filterSize: [2, 2], strides: 2, pad: 'valid', values: (v) => Math.max(0, v - 0.6) },
  { name: 'NaN is passed over and a window of -Infinity sends nothing, as on cpu', x: [2, 4, 6, 2], filterSize: [2, 3], strides: [2, 3], pad: 'valid', values: (v, i) => (i % 7 === 3 ? Number.NaN : i < 12 ? Number.NEGATIVE_INFINITY : v) },
  { name: 'padding never wins over negative values, same, stride 2', x: [1, 5, 5, 4], filterSize: [3, 3], strides: 2, pad: 'same', values: (v) => v - 2 },
  { name: '2x2 windows (the unrolled path) over all-negative values, with NaN and -Infinity, same padding on an odd input', x: [2, 7, 5, 3], filterSize: [2, 2], strides: 2, pad: 'same', values: (v, i) => (i % 11 === 4 ? Number.NaN : i % 13 === 0 ? Number.NEGATIVE_INFINITY : v - 2) },
  { name: '2x2 windows, stride 1 (overlapping), batch 1, ties', x: [1, 5, 6, 2], filterSize: [2, 2], strides: 1, pad: 'valid', ties: true },
];

for (const c of poolCases) {
  test(`MaxPoolGrad on wasm matches cpu: ${c.name}`, async (t) => {
    const values = c.ties ? seeded(size(c.x), 12).map((v) => Math.round(v * 2)) : seeded(size(c.x), 12).map(c.values ?? ((v) => v));
    await compareWithCpu(
      t,
      tf.MaxPoolGrad,
      () => {
        const x = tf.tensor4d(values, c.x);
        const output = tf.maxPool(x, c.filterSize, c.strides, c.pad === 'same' || c.pad === 'valid' ? c.pad : 'valid');
        const dy = tf.tensor(seeded(output.size, 13), output.shape);
        return { dy, input: x, output };
      },
      { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
    );
  });
}

const matMulCases: Array<{ name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { name: 'aᵀ·b (a dense layer\'s weight gradient)', a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { name: 'a·bᵀ (a dense layer\'s input gradient)', a: [4, 6], b: [5, 6], transposeA: false, transposeB: true },
  { name: 'aᵀ·bᵀ, batch of one row', a: [6, 1], b: [3, 6], transposeA: true, transposeB: true },
  { name: 'a batch of a against one b, transposed', a: [3, 4, 5], b: [2, 5], transposeA: false, transposeB: true },
  { name: 'a batch of aᵀ against a rank-3 b of batch 1', a: [2, 5, 4], b: [1, 5, 3], transposeA: true, transposeB: false },
  { name: 'a rank-2 aᵀ against a rank-3 b of batch 1 (the batch axis stays)', a: [5, 4], b: [1, 5, 3], transposeA: true, transposeB: false },
  { name: 'a·b with b much wider than a (XNNPACK packs aᵀ)', a: [3, 300], b: [300, 256], transposeA: false, transposeB: false },
  { name: 'a·bᵀ with b much wider than a, batch of a', a: [2, 2, 300], b: [260, 300], transposeA: false, transposeB: true },
  { name: 'batched on both sides (the original kernel)', a: [2, 3, 4], b: [2, 3, 2], transposeA: true, transposeB: false },
];

for (const c of matMulCases) {
  test(`BatchMatMul on wasm matches cpu: ${c.name}`, async (t) => {
    await compareWithCpu(
      t,
      tf.BatchMatMul,
      () => ({ a: tf.tensor(seeded(size(c.a), 21), c.a), b: tf.tensor(seeded(size(c.b), 22), c.b) }),
      { transposeA: c.transposeA, transposeB: c.transposeB },
    );
  });
}

const samePaddingCases: Array<{ name: string; op: 'conv2d' | 'depthwise' | 'fused conv2d' | 'fused depthwise'; filter: Shape4; strides: number | [number, number] }> = [
  { name: 'kernel 2, stride 3', op: 'conv2d', filter: [2, 2, 3, 4], strides: 3 },
  { name: 'kernel 3x2, strides [2, 3]', op: 'depthwise', filter: [3, 2, 3, 2], strides: [2, 3] },
  { name: 'kernel 2, stride 3, bias and relu', op: 'fused conv2d', filter: [2, 2, 3, 4], strides: 3 },
  { name: 'kernel 2x2, strides [3, 1], bias and relu', op: 'fused depthwise', filter: [2, 2, 3, 2], strides: [3, 1] },
];

for (const c of samePaddingCases) {
  test(`${c.op} with 'same' padding on wasm matches cpu when the stride exceeds the kernel: ${c.name}`, async (t) => {
    const xShape: Shape4 = [2, 7, 9, 3];
    const outChannels = c.op.includes('depthwise') ? c.filter[2] * c.filter[3] : c.filter[3];
    const forward = (backend: string): Promise<Result> =>
      (async () => {
        await tf.setBackend(backend);
        const out = tf.tidy(() => {
          const x = tf.tensor4d(seeded(size(xShape), 14), xShape);
          const filter = tf.tensor4d(seeded(size(c.filter), 15), c.filter);
          const bias = tf.tensor(seeded(outChannels, 16), [outChannels]);
          switch (c.op) {
            case 'conv2d':
              return tf.conv2d(x, filter, c.strides, 'same');
            case 'depthwise':
              return tf.depthwiseConv2d(x, filter, c.strides, 'same');
            case 'fused conv2d':
              return tf.fused.conv2d({ x, filter, strides: c.strides, pad: 'same', bias, activation: 'relu' });
            case 'fused depthwise':
              return tf.fused.depthwiseConv2d({ x, filter, strides: c.strides, pad: 'same', bias, activation: 'relu' });
          }
        });
        const result = { values: Float32Array.from(out.dataSync()), shape: out.shape };
        out.dispose();
        return result;
      })();
    const baseline = tf.memory().numTensors;
    const wasm = await forward('wasm');
    const cpu = await forward('cpu');
    await tf.setBackend('wasm');
    assertClose(t, wasm, cpu);
    assert.equal(tf.memory().numTensors, baseline);
  });
}

for (const dtype of ['float32', 'int32'] as const) {
  test(`OneHot on wasm matches cpu for dtype ${dtype}, out-of-range ids included`, async (t) => {
    await compareWithCpu(t, tf.OneHot, () => ({ indices: tf.tensor1d([2, 0, 4, -1, 1], 'int32') }), { depth: 4, onValue: 5, offValue: -1, dtype });
  });
}

test('registerTrainingKernels() changes nothing the second time', () => {
  assert.deepEqual(registerTrainingKernels(), []);
});

// --- Bad input ----------------------------------------------------------------

test('Conv2DBackpropFilter on wasm names the attribute it cannot read', async () => {
  await tf.setBackend('wasm');
  const baseline = tf.memory().numTensors;
  const x = tf.zeros([1, 4, 4, 1]);
  const dy = tf.zeros([1, 4, 4, 1]);
  assert.throws(
    () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 1, pad: 'full', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] }),
    /attribute 'pad' is "full"/,
  );
  tf.dispose([x, dy]);
  assert.equal(tf.memory().numTensors, baseline);
});

test('Identity on wasm shares the data: a clone keeps its values after its source is disposed or a variable is reassigned, and frees its memory', async () => {
  await tf.setBackend('wasm');
  const baseline = tf.memory();
  const x = tf.tensor2d([1, -2, 3, 4], [2, 2]);
  const copy = tf.clone(x);
  assert.equal(tf.memory().numDataBuffers, baseline.numDataBuffers + 1, 'the clone holds no second copy of the data');
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1, -2, 3, 4]);
  const [first, second] = [tf.tensor1d([5, 6]), tf.tensor1d([7, 8])];
  const v = tf.variable(first);
  const snapshot = tf.clone(v);
  v.assign(second);
  assert.deepEqual(Array.from(snapshot.dataSync()), [5, 6], 'a snapshot of a variable keeps the values it was taken with');
  assert.deepEqual(Array.from(v.dataSync()), [7, 8]);
  tf.dispose([copy, snapshot, v, first, second]);
  assert.equal(tf.memory().numTensors, baseline.numTensors);
  assert.equal(tf.memory().numDataBuffers, baseline.numDataBuffers);
});

test('Cast on wasm to the dtype a tensor already has shares its data; to another dtype it converts', async () => {
  await tf.setBackend('wasm');
  const baseline = tf.memory();
  const x = tf.tensor1d([1.5, -2, 3]);
  const same = tf.cast(x, 'float32');
  assert.equal(tf.memory().numDataBuffers, baseline.numDataBuffers + 1, 'the cast holds no second copy of the data');
  const ints = tf.cast(x, 'int32');
  assert.equal(ints.dtype, 'int32');
  assert.deepEqual(Array.from(ints.dataSync()), [1, -2, 3]);
  x.dispose();
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3]);
  tf.dispose([same, ints]);
  assert.equal(tf.memory().numTensors, baseline.numTensors);
  assert.equal(tf.memory().numDataBuffers, baseline.numDataBuffers);
});
