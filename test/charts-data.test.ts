/**
 * Data helpers of the chart kit: PNG data URLs for image samples and LTTB
 * downsampling of long series.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { pixelsToPngDataUrl, lttbIndices, downsampleRows } from '../src/charts';
import { seededRandom } from './fixtures/measurements';

function decode(url: string): PNG {
  const prefix = 'data:image/png;base64,';
  assert.ok(url.startsWith(prefix), url.slice(0, 40));
  return PNG.sync.read(Buffer.from(url.slice(prefix.length), 'base64'));
}

/** Red, green, blue, alpha of every pixel, in order. */
function rgba(png: PNG): number[][] {
  return Array.from({ length: png.width * png.height }, (_, p) => Array.from(png.data.subarray(p * 4, p * 4 + 4)));
}

function noLeak(name: string, body: () => void): void {
  test(name, () => {
    const before = tf.memory().numTensors;
    body();
    assert.equal(tf.memory().numTensors, before);
  });
}

noLeak('pixelsToPngDataUrl(pixels, [h, w, 1]) maps 0..1 values to grey levels', () => {
  const png = decode(pixelsToPngDataUrl(new Float32Array([0, 0.5, 1, 0.25, 0, 1]), [2, 3, 1]));
  assert.equal(png.width, 3);
  assert.equal(png.height, 2);
  assert.deepEqual(rgba(png).map((p) => p[0]), [0, 128, 255, 64, 0, 255]);
  assert.deepEqual(rgba(png)[1], [128, 128, 128, 255]);
});

noLeak('pixelsToPngDataUrl(pixels, [h, w]) detects raw 0-255 values and keeps them', () => {
  const png = decode(pixelsToPngDataUrl([0, 17, 200, 255], [2, 2]));
  assert.deepEqual(rgba(png).map((p) => p[0]), [0, 17, 200, 255]);
});

noLeak('pixelsToPngDataUrl(pixels, shape) stretches standardized values from their min to their max', () => {
  const png = decode(pixelsToPngDataUrl([-2, 0, 2, 1], [1, 4]));
  assert.deepEqual(rgba(png).map((p) => p[0]), [0, 128, 255, 191]);
});

noLeak('pixelsToPngDataUrl(pixels, shape, {range}) uses the given range and clamps outside it', () => {
  const png = decode(pixelsToPngDataUrl([-1, 0, 1, 3], [2, 2], { range: [-1, 1] }));
  assert.deepEqual(rgba(png).map((p) => p[0]), [0, 128, 255, 255]);
});

noLeak('pixelsToPngDataUrl(pixels, [h, w, 3]) and [h, w, 4] keep colour and alpha; NaN becomes black', () => {
  const rgb = decode(pixelsToPngDataUrl([1, 0, 0, 0, 1, 0, NaN, 0, 1], [1, 3, 3]));
  assert.deepEqual(rgba(rgb), [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255]]);
  const withAlpha = decode(pixelsToPngDataUrl([0, 0, 255, 128, 255, 255, 255, 0], [1, 2, 4]));
  assert.deepEqual(rgba(withAlpha), [[0, 0, 255, 128], [255, 255, 255, 0]]);
});

noLeak('pixelsToPngDataUrl(pixels, shape) rejects a shape that does not match, naming the argument and the fix', () => {
  assert.throws(() => pixelsToPngDataUrl(new Float32Array(784 * 2), [28, 28, 1]), {
    message: 'pixelsToPngDataUrl: pixels has 1568 values but shape [28, 28, 1] needs 784; pass one image (slice a batch first).',
  });
  assert.throws(() => pixelsToPngDataUrl([0, 0], [1, 1, 2]), /shape must be \[height, width\] or \[height, width, channels\] with channels 1, 3 or 4/);
  assert.throws(() => pixelsToPngDataUrl([0], [1, 1], { range: [0, NaN] }), /options\.range must be two finite numbers/);
});

noLeak('pixelsToPngDataUrl(mnist digit) makes a small data URL (no upscaling in the PNG)', () => {
  const random = seededRandom(1);
  const pixels = Array.from({ length: 28 * 28 }, () => (random() < 0.2 ? random() : 0));
  const url = pixelsToPngDataUrl(pixels, [28, 28, 1]);
  assert.equal(decode(url).width, 28);
  assert.ok(url.length < 2000, `${url.length} characters`);
});

noLeak('lttbIndices(xs, ys, 300) bounds 10,000 points, keeps first and last, and keeps peaks and dips', () => {
  const random = seededRandom(2);
  const xs = Array.from({ length: 10_000 }, (_, i) => i);
  const ys = xs.map((i) => Math.exp(-i / 3000) + 0.02 * random());
  ys[4_321] = 5; // a spike
  ys[7_777] = -3; // a dip
  const kept = lttbIndices(xs, ys, 300);
  assert.equal(kept.length, 300);
  assert.equal(kept[0], 0);
  assert.equal(kept[kept.length - 1], 9_999);
  assert.ok(kept.includes(4_321), 'spike kept');
  assert.ok(kept.includes(7_777), 'dip kept');
  assert.ok(kept.every((k, i) => i === 0 || k > kept[i - 1]), 'strictly increasing');
});

noLeak('lttbIndices(xs, ys, n) returns every index when the series already fits, and rejects bad input', () => {
  assert.deepEqual(lttbIndices([0, 1, 2], [5, 6, 7], 10), [0, 1, 2]);
  assert.throws(() => lttbIndices([0, 1], [1], 10), /xs has 2 values but ys has 1/);
  assert.throws(() => lttbIndices([0, 1], [1, 2], 2), /threshold must be an integer >= 3/);
});

noLeak('downsampleRows(rows, x, y, n) keeps the first row of every run of non-finite values', () => {
  const rows = Array.from({ length: 5_000 }, (_, step) => ({ step, loss: step >= 2_000 && step < 2_010 ? null : step >= 4_900 ? null : 1 / (step + 1) }));
  const out = downsampleRows(rows, (r) => r.step, (r) => r.loss, 200);
  assert.ok(out.length <= 200, `${out.length} rows`);
  assert.deepEqual(out.filter((r) => r.loss === null).map((r) => r.step), [2_000, 4_900]);
  assert.equal(out[0].step, 0);
  assert.equal(out.filter((r) => r.loss !== null).at(-1)?.step, 4_899);
});
