/**
 * Conv2DBackpropFilter for wasm: the gradient of a convolution with respect to
 * its filter, as one fast wasm convolution.
 *
 *   dW[a,b,ci,co] = sum over n,i,j of x[n, i*s + a - pad, j*s + b - pad, ci] * dy[n,i,j,co]
 *
 * is itself a convolution if batch and channels swap places: the input is x
 * laid out as [ci, h, w, n], the "filter" is dy laid out as [i, j, n, co], the
 * forward stride becomes the dilation, and the result is dW as [ci, a, b, co].
 */
import * as tf from '@tensorflow/tfjs';
import { dataFormatAttr, input, padAttr, pairAttr, roundingAttr, shape4D, shape4DAttr } from './attrs';
import { backpropFilterPads, cropNegative } from './backprop-geometry';
import { runComposed, spatialPads } from './wasm-ops';

const KERNEL = 'Conv2DBackpropFilter';

function conv2DBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = input(inputs, 'x', KERNEL);
  const dy = input(inputs, 'dy', KERNEL);
  const dataFormat = dataFormatAttr(attrs, KERNEL);
  const filterShape = shape4DAttr(attrs, 'filterShape', KERNEL);
  const info = tf.backend_util.computeConv2DInfo(
    shape4D(x, 'x', KERNEL),
    filterShape,
    pairAttr(attrs, 'strides', KERNEL),
    1,
    padAttr(attrs, KERNEL),
    roundingAttr(attrs, KERNEL),
    false,
    dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst',
  );
  const [outH, outW] = dataFormat === 'NHWC' ? [dy.shape[1], dy.shape[2]] : [dy.shape[2], dy.shape[3]];
  const rows = backpropFilterPads(info.inHeight, outH, info.filterHeight, info.strideHeight, 1, info.padInfo.top);
  const cols = backpropFilterPads(info.inWidth, outW, info.filterWidth, info.strideWidth, 1, info.padInfo.left);

  return runComposed(backend, 'wasm', (ops) => {
    // Batch and channels swap places: x -> [ci, h, w, n], dy -> [i, j, n, co].
    const xT = ops.transpose(x, dataFormat === 'NHWC' ? [3, 1, 2, 0] : [1, 2, 3, 0]);
    const dyT = ops.transpose(dy, dataFormat === 'NHWC' ? [1, 2, 0, 3] : [2, 3, 0, 1]);
    const fit = cropNegative(ops, xT, rows, cols);
    const dW = ops.conv2d(fit.x, dyT, [1, 1], [info.strideHeight, info.strideWidth], spatialPads(...fit.rows, ...fit.cols));
    return ops.transpose(dW, [1, 2, 0, 3]);
  });
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
