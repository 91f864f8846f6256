/**
 * DepthwiseConv2dNativeBackpropFilter for wasm, as one wasm depthwise convolution.
 *
 *   dW[a,b,c,m] = sum over n,i,j of x[n, i*s + a*d - pad, j*s + b*d - pad, c] * dy[n,i,j,c*M+m]
 *
 * Each (channel, example) pair becomes one channel of a batch-1 image
 * ([1, h, w, c*N + n]); dy becomes a depthwise filter of size [i, j] with
 * multiplier M. The forward stride becomes the dilation and the forward
 * dilation the stride; summing the result over examples gives dW.
 */
import * as tf from '@tensorflow/tfjs';
import { input, padAttr, pairAttr, roundingAttr, shape4D, shape4DAttr } from './attrs';
import { backpropFilterPads, cropNegative } from './backprop-geometry';
import { runComposed, spatialPads } from './wasm-ops';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

function depthwiseBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = input(inputs, 'x', KERNEL);
  const dy = input(inputs, 'dy', KERNEL);
  const [n, h, w, c] = shape4D(x, 'x', KERNEL);
  const [, outH, outW] = shape4D(dy, 'dy', KERNEL);
  const filterShape = shape4DAttr(attrs, 'filterShape', KERNEL);
  const [fh, fw, , m] = filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    [n, h, w, c],
    filterShape,
    pairAttr(attrs, 'strides', KERNEL),
    pairAttr(attrs, 'dilations', KERNEL),
    padAttr(attrs, KERNEL),
    roundingAttr(attrs, KERNEL),
    true,
  );
  const rows = backpropFilterPads(h, outH, fh, info.strideHeight, info.dilationHeight, info.padInfo.top);
  const cols = backpropFilterPads(w, outW, fw, info.strideWidth, info.dilationWidth, info.padInfo.left);

  return runComposed(backend, 'wasm', (ops) => {
    const image = ops.reshape(ops.transpose(x, [1, 2, 3, 0]), [1, h, w, c * n]);
    const dyByPosition = ops.transpose(ops.reshape(dy, [n, outH * outW, c, m]), [1, 2, 0, 3]);
    const filter = ops.reshape(dyByPosition, [outH, outW, c * n, m]);
    const fit = cropNegative(ops, image, rows, cols);
    const perExample = ops.depthwiseConv2d(
      fit.x,
      filter,
      [info.dilationHeight, info.dilationWidth],
      [info.strideHeight, info.strideWidth],
      spatialPads(...fit.rows, ...fit.cols),
    );
    const summed = ops.sum(ops.reshape(perExample, [fh * fw * c, n, m]), [1]);
    return ops.reshape(summed, [fh, fw, c, m]);
  });
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter,
};
