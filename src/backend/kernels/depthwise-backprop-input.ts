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
import { backpropInputPads, cropNegative, spreadByStride } from './backprop-geometry';
import { runComposed, spatialPads } from './wasm-ops';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

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
