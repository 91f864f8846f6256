/**
 * DepthwiseConv2dNativeBackpropInput for wasm, as one wasm depthwise convolution.
 *
 * The gradient with respect to the input spreads each output gradient back
 * over the input positions its filter window touched: spread dy out by the
 * stride (zeros between rows and columns), pad it, and run a stride-1
 * depthwise convolution with the filter flipped in space. Each (channel,
 * multiplier) pair is its own channel there; summing over the multiplier
 * gives dx.
 */
import * as tf from '@tensorflow/tfjs';
import { input, padAttr, pairAttr, roundingAttr, shape4D, shape4DAttr } from './attrs';
import { cropNegative } from './conv2d-backprop-filter';
import { runComposed, spatialPads, WasmOps } from './wasm-ops';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

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

function depthwiseBackpropInput({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const dy = input(inputs, 'dy', KERNEL);
  const filter = input(inputs, 'filter', KERNEL);
  const inputShape = shape4DAttr(attrs, 'inputShape', KERNEL);
  const [n, h, w, c] = inputShape;
  const [fh, fw, , m] = shape4D(filter, 'filter', KERNEL);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    shape4D(filter, 'filter', KERNEL),
    pairAttr(attrs, 'strides', KERNEL),
    pairAttr(attrs, 'dilations', KERNEL),
    padAttr(attrs, KERNEL),
    roundingAttr(attrs, KERNEL),
    true,
  );
  const [, outH, outW] = shape4D(dy, 'dy', KERNEL);
  const rows = backpropInputPads(h, outH * info.strideHeight, fh, info.dilationHeight, info.padInfo.top);
  const cols = backpropInputPads(w, outW * info.strideWidth, fw, info.dilationWidth, info.padInfo.left);

  return runComposed(backend, 'wasm', (ops) => {
    const spread = spreadByStride(ops, dy, info.strideHeight, info.strideWidth);
    const flipped = ops.reshape(ops.reverse(filter, [0, 1]), [fh, fw, c * m, 1]);
    const fit = cropNegative(ops, spread, rows, cols);
    const perMultiplier = ops.depthwiseConv2d(fit.x, flipped, [1, 1], [info.dilationHeight, info.dilationWidth], spatialPads(...fit.rows, ...fit.cols));
    if (m === 1) return perMultiplier;
    return ops.reshape(ops.sum(ops.reshape(perMultiplier, [n * h * w * c, m]), [1]), [n, h, w, c]);
  });
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
};
