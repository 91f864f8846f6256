/**
 * A convolution's input gradient computed directly by the SIMD kernels of
 * wasm-module/conv-kernels.wat, NHWC, input channels a multiple of 8: every
 * position of dy scatters sum over o of dy[n, i, j, o] * W[a, b, c, o] to
 * dx[n, i*sh + a - top, j*sw + b - left, c], for each tap (a, b).
 *
 * The XNNPACK way (a convolution of dy, spread by the stride and padded by
 * the filter size, with the flipped filter) also multiplies the padding: for
 * a 3x3 filter on an 11x11 dy, 13x13 outputs of 9 taps each where 11x11 hold
 * numbers, 40% more work (2.4 against 1.6 ms for the bench CNN's second layer).
 * The scatter touches only real products: positions four at a time, eight
 * input channels of a tap in registers, summed over o, then added to dx.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WindowGeometry } from './backprop-geometry';
import { floatView, type HeapBackend } from './heap';
import type { WasmOps } from './wasm-ops';
import type { ConvKernels } from './conv-module';
import { heapAddress } from '../wasm-module/loader';

const POSITIONS_PER_GROUP = 4;

/** Whether the direct kernel computes this gradient (else the caller takes another path). */
export function directInputGradApplies(inChannels: number): boolean {
  return inChannels % 8 === 0;
}

/**
 * The filter [fh, fw, ci, co] with its channel axes swapped, [fh, fw, co, ci],
 * and with `flip` also reversed in space, in one loop over the heap (wasm's
 * Reverse then Transpose took 0.2 ms for a 3x3x16x32 filter, 100 times this).
 */
export function swappedFilter(ops: WasmOps, heap: HeapBackend, filter: tf.TensorInfo, flip: boolean, kernel: string): tf.TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  const out = ops.adopt(heap.makeOutput([fh, fw, co, ci], 'float32'));
  const from = floatView(heap, filter, kernel);
  const to = floatView(heap, out, kernel);
  let at = 0;
  for (let row = 0; row < fh; row++) {
    for (let col = 0; col < fw; col++) {
      const tap = ((flip ? fh - 1 - row : row) * fw + (flip ? fw - 1 - col : col)) * ci * co;
      for (let o = 0; o < co; o++) {
        for (let c = 0; c < ci; c++) to[at++] = from[tap + c * co + o];
      }
    }
  }
  return out;
}

/**
 * dx, shaped like the forward input (geometry `g`), of output gradient `dy`
 * and `filter`, made through `ops` (intermediates are released with them; the
 * result is owned by the caller).
 */
export function directInputGrad(ops: WasmOps, heap: HeapBackend, kernels: ConvKernels, dy: tf.TensorInfo, filter: tf.TensorInfo, g: WindowGeometry, kernel: string): tf.TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  // dx with the forward padding around it, large enough for every window.
  const hp = Math.max(g.top + g.h, (g.outH - 1) * g.sh + fh);
  const wp = Math.max(g.left + g.w, (g.outW - 1) * g.sw + fw);
  const padded = hp !== g.h || wp !== g.w;
  const wt = swappedFilter(ops, heap, filter, false, kernel);
  const dxp = ops.adopt(heap.makeOutput([g.n, hp, wp, ci], 'float32'));
  floatView(heap, dxp, kernel).fill(0);
  // Addresses only now: making the outputs may have grown the memory.
  const at = { dy: heapAddress(heap, dy), wt: heapAddress(heap, wt), dx: heapAddress(heap, dxp) };
  const positions = g.n * g.outH * g.outW;
  const groups = Math.floor(positions / POSITIONS_PER_GROUP);
  const geometry = [g.outH, g.outW, co, ci, fh, fw, hp * wp * ci * 4, g.sh * wp * ci * 4, g.sw * ci * 4, wp * ci * 4, ci * 4];
  kernels.inputGrad4x8(at.dy, at.wt, at.dx, 0, groups, ...geometry);
  const done = groups * POSITIONS_PER_GROUP;
  if (done < positions) kernels.inputGrad1x8(at.dy, at.wt, at.dx, done, positions - done, ...geometry);
  return padded ? ops.slice(dxp, [0, g.top, g.left, 0], [g.n, g.h, g.w, ci]) : dxp;
}
