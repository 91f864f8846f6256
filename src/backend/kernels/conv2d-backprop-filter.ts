/**
 * Conv2DBackpropFilter for wasm: the gradient of a convolution with respect to
 * its filter.
 *
 * NHWC with output channels a multiple of 4 (nearly every layer): computed
 * directly by a SIMD kernel of our own (direct-filter-grad.ts). Where that
 * module cannot run, or for other channel counts, one of the two ways below.
 *
 * With few input channels (a first layer: fh*fw*ci <= co), NHWC: the input's
 * patches, one row per filter tap (im2col.ts), against dy as one XNNPACK
 * matmul, with the narrower side packed; cheaper than the convolution below,
 * which builds a 26x26-tap XNNPACK operator from dy on every call. (For a
 * later layer, 3x3x16 taps to 32 channels, the patches cost more than that
 * operator: 4.7 against 3.7 ms.) Otherwise, as one wasm convolution:
 *
 *   dW[a,b,ci,co] = sum over n,i,j of x[n, i*s + a - pad, j*s + b - pad, ci] * dy[n,i,j,co]
 *
 * is itself a convolution if batch and channels swap places: the input is x
 * laid out as [ci, h, w, n], the "filter" is dy laid out as [i, j, n, co], the
 * forward stride becomes the dilation, and the result is dW as [ci, a, b, co].
 */
import * as tf from '@tensorflow/tfjs';
import { dataFormatAttr, input, padAttr, pairAttr, roundingAttr, shape4D, shape4DAttr } from './attrs';
import { backpropFilterPads, cropNegative, windowGeometry } from './backprop-geometry';
import { floatView, heapBackend } from './heap';
import { patchRows } from './im2col';
import { convKernels } from './conv-module';
import { directFilterGrad, directFilterGradApplies } from './direct-filter-grad';
import { runComposed, spatialPads } from './wasm-ops';

const KERNEL = 'Conv2DBackpropFilter';

/** The largest patch matrix (in floats, 16 MB) built for the matmul path; larger inputs take the convolution. */
const IM2COL_MAX_ELEMENTS = 4 * 1024 * 1024;

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

  const [fh, fw, ci, co] = filterShape;
  const taps = fh * fw * ci;
  const positions = info.batchSize * outH * outW;
  const direct = dataFormat === 'NHWC' && directFilterGradApplies(co) ? convKernels(backend) : undefined;
  if (direct !== undefined) {
    const heap = heapBackend(backend, KERNEL);
    return runComposed(backend, 'wasm', (ops) => directFilterGrad(ops, heap, direct, x, dy, windowGeometry(info), filterShape));
  }
  if (dataFormat === 'NHWC' && taps <= co && taps * positions <= IM2COL_MAX_ELEMENTS) {
    const heap = heapBackend(backend, KERNEL);
    return runComposed(backend, 'wasm', (ops) => {
      const patches = ops.adopt(heap.makeOutput([1, taps, positions], 'float32'));
      patchRows(floatView(heap, x, KERNEL), floatView(heap, patches, KERNEL), windowGeometry(info));
      const dy2 = ops.reshape(dy, [1, positions, co]);
      if (taps === co) return ops.reshape(ops.matMul(patches, dy2), filterShape);
      // XNNPACK packs the right-hand side anew on every call (its operator
      // cache is keyed by tensor), at a cost that grows with its width: the
      // patches, taps wide, are narrower than dy, so dWᵀ = dyᵀ · patchesᵀ
      // (a 3x3 first layer at batch 32: 1.5 against 2.6 ms CPU).
      const dWT = ops.matMul(ops.transpose(dy2, [0, 2, 1]), ops.transpose(patches, [0, 2, 1]));
      return ops.reshape(ops.transpose(dWT, [0, 2, 1]), filterShape);
    });
  }
  return runComposed(backend, 'wasm', (ops) => {
    // Batch and channels swap places: x -> [ci, h, w, n], dy -> [i, j, n, co].
    const nhwc = dataFormat === 'NHWC';
    const xT = ops.transpose(x, nhwc ? [3, 1, 2, 0] : [1, 2, 3, 0]);
    const dyT = ops.transpose(dy, nhwc ? [1, 2, 0, 3] : [2, 3, 0, 1]);
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
