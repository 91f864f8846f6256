/**
 * The shape arithmetic the backprop kernels share: how far to pad or crop an
 * axis so a stride-1 convolution lines up with the forward pass, and how to
 * spread an output gradient back out by its stride.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WasmOps } from './wasm-ops';

/**
 * How much to pad (positive) or crop (negative) one spatial axis of the input
 * so that sliding the output gradient over it, `stride` apart, gives exactly
 * `filterSize` positions. Cropping happens when the stride does not divide the
 * input: the forward pass never read the last rows.
 */
export function backpropFilterPads(inSize: number, outSize: number, filterSize: number, stride: number, dilation: number, padBefore: number): [number, number] {
  const paddedLength = (filterSize - 1) * dilation + (outSize - 1) * stride + 1;
  return [padBefore, paddedLength - inSize - padBefore];
}

/** Crops by the negative amounts; returns the input and the padding left for the convolution. */
export function cropNegative(ops: WasmOps, x: tf.TensorInfo, rows: [number, number], cols: [number, number]): { x: tf.TensorInfo; rows: [number, number]; cols: [number, number] } {
  const crop = (p: number) => Math.min(0, p);
  const keep = (p: number) => Math.max(0, p);
  const needsCrop = [...rows, ...cols].some((p) => p < 0);
  const cropped = needsCrop
    ? ops.padOrCrop(x, [[0, 0], [crop(rows[0]), crop(rows[1])], [crop(cols[0]), crop(cols[1])], [0, 0]])
    : x;
  return { x: cropped, rows: [keep(rows[0]), keep(rows[1])], cols: [keep(cols[0]), keep(cols[1])] };
}

/** dy with (stride - 1) zeros after every row and column: [n, outH*sh, outW*sw, k]. */
export function spreadByStride(ops: WasmOps, dy: tf.TensorInfo, strideH: number, strideW: number): tf.TensorInfo {
  const [n, outH, outW, k] = dy.shape;
  let spread = dy;
  if (strideH > 1) {
    const rows = ops.pad(ops.reshape(spread, [n, outH, 1, outW * k]), [[0, 0], [0, 0], [0, strideH - 1], [0, 0]]);
    spread = ops.reshape(rows, [n, outH * strideH, outW, k]);
  }
  if (strideW > 1) {
    const height = spread.shape[1];
    const cols = ops.pad(ops.reshape(spread, [n * height, outW, 1, k]), [[0, 0], [0, 0], [0, strideW - 1], [0, 0]]);
    spread = ops.reshape(cols, [n, height, outW * strideW, k]);
  }
  return spread;
}

/** Padding before/after one axis of the spread dy so a stride-1 pass yields `inSize` positions. */
export function backpropInputPads(inSize: number, spreadSize: number, filterSize: number, dilation: number, padBefore: number): [number, number] {
  const reach = (filterSize - 1) * dilation;
  const before = reach - padBefore;
  return [before, inSize + reach - before - spreadSize];
}

/**
 * Where a convolution's or pool's windows sit on an NHWC input: batch, input
 * size and channels, output size, window size, strides and the padding before.
 */
export interface WindowGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  outH: number;
  outW: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

/** The window geometry of a tfjs conv or pool info (computeConv2DInfo / computePool2DInfo, NHWC). */
export function windowGeometry(info: tf.backend_util.Conv2DInfo): WindowGeometry {
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    c: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}
