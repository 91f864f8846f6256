/**
 * MaxPoolGrad for wasm, replacing the one tfjs-backend-wasm 4.22 ships.
 *
 * That kernel starts each window's running maximum at the smallest positive
 * float instead of -infinity, so a window whose values are all negative sends
 * no gradient at all (seen: maxPool of [-1, -2] gives gradient [0, 0]; cpu gives
 * [1, 0]). Pooling after a convolution without ReLU, or before batch norm, hits
 * this on every step.
 *
 * This version routes each output gradient to the first maximum of its window
 * (strictly greater wins, from -infinity, padding never counts), as the cpu
 * backend does. It runs as tfjs-doctor's own SIMD wasm kernel
 * (../wasm-module/max-pool-grad.wat) in the backend's memory; where that
 * module cannot run (see wasm-module/loader.ts), as the JavaScript loop below
 * on views of the same memory. Both give cpu's numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { input, padAttr, pairAttr, roundingAttr, shape4D } from './attrs';
import { windowGeometry, type WindowGeometry } from './backprop-geometry';
import { floatView, heapBackend, type HeapBackend } from './heap';
import { exportedFunction, heapAddress, wasmModule } from '../wasm-module/loader';

const KERNEL = 'MaxPoolGrad';
/** The wasm module (src/backend/wasm-module/max-pool-grad.wat). */
export const MAX_POOL_GRAD_MODULE = 'max-pool-grad';


/**
 * The flat index of the first strict maximum of one window (scanned row by row,
 * as cpu does), or -1 when no value beats -infinity. The exact scan, for the
 * windows the fast path cannot decide (a NaN or only -infinity in them).
 */
function firstMaximum(x: Float32Array, corner: number, rows: number, cols: number, rowStride: number, c: number): number {
  let best = Number.NEGATIVE_INFINITY;
  let where = -1;
  for (let row = corner, r = 0; r < rows; r++, row += rowStride) {
    for (let at = row, k = 0; k < cols; k++, at += c) {
      if (x[at] > best) {
        best = x[at];
        where = at;
      }
    }
  }
  return where;
}

/**
 * The commonest window (2x2, wholly inside the input) for all c channels at
 * once: the exact running maximum of cpu, unrolled (strictly greater wins,
 * from -infinity, so NaN never wins and a window of -infinity sends nothing).
 * About twice as fast as the general scan. Returns the next dy index.
 */
function routeTwoByTwo(x: Float32Array, dy: Float32Array, dx: Float32Array, corner: number, rowStride: number, c: number, dyAt: number): number {
  const end = dyAt + c;
  for (let i0 = corner; dyAt < end; dyAt++, i0++) {
    const i1 = i0 + c;
    const i2 = i0 + rowStride;
    const i3 = i2 + c;
    let best = x[i0];
    let at = i0;
    if (!(best > Number.NEGATIVE_INFINITY)) {
      best = Number.NEGATIVE_INFINITY;
      at = -1;
    }
    if (x[i1] > best) {
      best = x[i1];
      at = i1;
    }
    if (x[i2] > best) {
      best = x[i2];
      at = i2;
    }
    if (x[i3] > best) at = i3;
    if (at >= 0) dx[at] += dy[dyAt];
  }
  return dyAt;
}

/**
 * dx += dy routed to the first maximum of each window; dx must start zeroed.
 *
 * `pooled` is the forward result (the wasm MaxPool of the same x), so each
 * window only needs the first position holding that value, which saves the
 * compare-and-branch of a running argmax. Any window where that does not
 * settle it (only -infinity, a NaN, a value above or none equal to the pooled
 * one) gets the exact scan: with a NaN in a window, the wasm pool may return
 * a value that is not the window's maximum.
 */
export function routeToMaxima(x: Float32Array, pooled: Float32Array, dy: Float32Array, dx: Float32Array, g: WindowGeometry): void {
  const { n, h, w, c, outH, outW, fh, fw, sh, sw, top, left } = g;
  const rowStride = w * c;
  const twoByTwo = fh === 2 && fw === 2;
  let dyAt = 0;
  for (let b = 0; b < n; b++) {
    const image = b * h;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - top;
      const yFrom = Math.max(0, y0);
      const rows = Math.min(h, y0 + fh) - yFrom;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sw - left;
        const xFrom = Math.max(0, x0);
        const cols = Math.min(w, x0 + fw) - xFrom;
        const corner = ((image + yFrom) * w + xFrom) * c;
        if (twoByTwo && rows === 2 && cols === 2) {
          dyAt = routeTwoByTwo(x, dy, dx, corner, rowStride, c, dyAt);
          continue;
        }
        for (let ch = 0; ch < c; ch++, dyAt++) {
          const start = corner + ch;
          const m = pooled[dyAt];
          // The first position holding m; any value above m, or a NaN (which
          // the wasm pool may have skipped or returned), sends the window to
          // the exact scan.
          let where = -1;
          let settled = m > Number.NEGATIVE_INFINITY;
          for (let row = start, r = 0; r < rows; r++, row += rowStride) {
            for (let at = row, k = 0; k < cols; k++, at += c) {
              const v = x[at];
              if (where < 0 && v === m) where = at;
              if (!(v <= m)) settled = false;
            }
          }
          if (!settled) where = -1;
          if (where < 0) where = firstMaximum(x, start, rows, cols, rowStride, c);
          if (where >= 0) dx[where] += dy[dyAt];
        }
      }
    }
  }
}

function maxPoolGrad({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const dy = input(inputs, 'dy', KERNEL);
  const x = input(inputs, 'input', KERNEL);
  const pooled = input(inputs, 'output', KERNEL);
  const [n, h, w, c] = shape4D(x, 'input', KERNEL);
  const info = tf.backend_util.computePool2DInfo(
    [n, h, w, c],
    pairAttr(attrs, 'filterSize', KERNEL),
    pairAttr(attrs, 'strides', KERNEL),
    1,
    padAttr(attrs, KERNEL),
    roundingAttr(attrs, KERNEL),
  );
  const heap = heapBackend(backend, KERNEL);
  const out = heap.makeOutput([n, h, w, c], 'float32');
  const g = windowGeometry(info);
  if (x.dtype === 'float32' && dy.dtype === 'float32' && routeInWasm(heap, x, dy, out, g)) return out;
  // Views after the allocation: making the output may grow the heap.
  const dx = floatView(heap, out, KERNEL);
  dx.fill(0);
  routeToMaxima(floatView(heap, x, KERNEL), floatView(heap, pooled, KERNEL), floatView(heap, dy, KERNEL), dx, g);
  return out;
}

/** dx = dy routed to the first maximum of each window, by the wasm module; false when it cannot run here. */
function routeInWasm(heap: HeapBackend, x: tf.TensorInfo, dy: tf.TensorInfo, dx: tf.TensorInfo, g: WindowGeometry): boolean {
  const kernels = wasmModule(heap, MAX_POOL_GRAD_MODULE);
  if (kernels === undefined) return false;
  const { n, h, w, c, outH, outW, fh, fw, sh, sw, top, left } = g;
  exportedFunction(kernels, 'maxPoolGrad')(heapAddress(heap, x), heapAddress(heap, dy), heapAddress(heap, dx), n, h, w, c, outH, outW, fh, fw, sh, sw, top, left);
  return true;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
