/**
 * Conv2DBackpropInput for wasm, replacing the plain loop tfjs-backend-wasm
 * 4.22 ships (the slowest kernel of a small CNN's training step: about 3x the
 * forward and filter-gradient convolutions together). NHWC with input
 * channels a multiple of 8: a SIMD kernel of our own (direct-input-grad.ts).
 * Otherwise, or where that module cannot run, as one XNNPACK convolution:
 *
 * The gradient with respect to the input is a full correlation: spread dy out
 * by the stride, pad it, and convolve with the filter flipped in space and with
 * its in/out channels swapped. NCHW goes to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { dataFormatAttr, input, padAttr, pairAttr, roundingAttr, shape4D, shape4DAttr } from './attrs';
import { backpropInputPads, cropNegative, spreadByStride, windowGeometry } from './backprop-geometry';
import { convKernels } from './conv-module';
import { directInputGrad, directInputGradApplies, swappedFilter } from './direct-input-grad';
import { heapBackend } from './heap';
import { runComposed, spatialPads } from './wasm-ops';

const KERNEL = 'Conv2DBackpropInput';

export function fastConv2DBackpropInput(original: tf.KernelConfig): tf.KernelConfig {
  const fallback = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      if (dataFormatAttr(attrs, KERNEL) !== 'NHWC') return fallback({ inputs, backend, attrs });
      const dy = input(inputs, 'dy', KERNEL);
      const filter = input(inputs, 'filter', KERNEL);
      const inputShape = shape4DAttr(attrs, 'inputShape', KERNEL);
      const [, h, w] = inputShape;
      const [fh, fw] = shape4D(filter, 'filter', KERNEL);
      const info = tf.backend_util.computeConv2DInfo(
        inputShape,
        shape4D(filter, 'filter', KERNEL),
        pairAttr(attrs, 'strides', KERNEL),
        1,
        padAttr(attrs, KERNEL),
        roundingAttr(attrs, KERNEL),
      );
      const [, outH, outW] = shape4D(dy, 'dy', KERNEL);
      const rows = backpropInputPads(h, outH * info.strideHeight, fh, 1, info.padInfo.top);
      const cols = backpropInputPads(w, outW * info.strideWidth, fw, 1, info.padInfo.left);
      const heap = heapBackend(backend, KERNEL);
      const [, , , ci] = inputShape;
      const direct = directInputGradApplies(ci) ? convKernels(backend) : undefined;
      if (direct !== undefined) {
        return runComposed(backend, original.backendName, (ops) => directInputGrad(ops, heap, direct, dy, filter, windowGeometry(info), KERNEL));
      }
      return runComposed(backend, original.backendName, (ops) => {
        const flipped = swappedFilter(ops, heap, filter, true, KERNEL);
        const spread = spreadByStride(ops, dy, info.strideHeight, info.strideWidth);
        const fit = cropNegative(ops, spread, rows, cols);
        return ops.conv2d(fit.x, flipped, [1, 1], [1, 1], spatialPads(...fit.rows, ...fit.cols));
      });
    },
  };
}
