/**
 * Conv2D by a SIMD kernel of our own (wasm-module/conv-kernels.wat,
 * conv4x8) where it beats XNNPACK's: NHWC float32 with at least 8 input
 * channels and output channels a multiple of 8. Four positions by eight
 * output channels per step, summed over the taps straight from the input
 * (no indirection buffer, no packed filter, which XNNPACK rebuilds whenever
 * the weights change, so on every training step): 1.3 to 1.1 ms for the
 * bench CNN's second layer ([32, 13, 13, 16] by 3x3 to 32 channels). With
 * one input channel XNNPACK stays ahead (0.48 against 0.54 ms for the first
 * layer), so fewer channels go to `inner`, as does everything else, and every
 * backend where the module cannot run. Any stride, padding and dilation.
 */
import * as tf from '@tensorflow/tfjs';
import { input, padAttr, pairAttr, roundingAttr, shape4D } from './attrs';
import { convKernels } from './conv-module';
import { heapBackend } from './heap';
import { runComposed } from './wasm-ops';
import { heapAddress } from '../wasm-module/loader';

const KERNEL = 'Conv2D';
const POSITIONS_PER_GROUP = 4;

export function directConv2D(inner: tf.KernelConfig): tf.KernelConfig {
  const run = inner.kernelFunc;
  return {
    ...inner,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x', KERNEL);
      const filter = input(inputs, 'filter', KERNEL);
      const nhwc = attrs?.dataFormat === undefined || attrs.dataFormat === 'NHWC';
      const [fh, fw, ci, co] = shape4D(filter, 'filter', KERNEL);
      const applies = nhwc && x.dtype === 'float32' && filter.dtype === 'float32' && ci >= 8 && co % 8 === 0;
      const kernels = applies ? convKernels(backend) : undefined;
      const info = tf.backend_util.computeConv2DInfo(shape4D(x, 'x', KERNEL), [fh, fw, ci, co], pairAttr(attrs, 'strides', KERNEL), pairAttr(attrs, 'dilations', KERNEL), padAttr(attrs, KERNEL), roundingAttr(attrs, KERNEL));
      const positions = info.batchSize * info.outHeight * info.outWidth;
      if (kernels === undefined || positions < POSITIONS_PER_GROUP) return run({ inputs, backend, attrs });
      const { top, left } = info.padInfo;
      const [, h, w] = x.shape;
      const bottom = Math.max(0, (info.outHeight - 1) * info.strideHeight + (fh - 1) * info.dilationHeight + 1 - h - top);
      const right = Math.max(0, (info.outWidth - 1) * info.strideWidth + (fw - 1) * info.dilationWidth + 1 - w - left);
      const heap = heapBackend(backend, KERNEL);
      return runComposed(backend, 'wasm', (ops) => {
        const xp = top > 0 || left > 0 || bottom > 0 || right > 0 ? ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
        const [, hp, wp] = xp.shape;
        const y = ops.adopt(heap.makeOutput(info.outShape, 'float32'));
        // Addresses only now: making the outputs may have grown the memory.
        const at = [heapAddress(heap, xp), heapAddress(heap, filter), heapAddress(heap, y)];
        const geometry = [
          info.outHeight, info.outWidth, co, ci, fh, fw,
          hp * wp * ci * 4, info.strideHeight * wp * ci * 4, info.strideWidth * ci * 4,
          info.dilationHeight * wp * ci * 4, info.dilationWidth * ci * 4,
        ];
        const groups = Math.floor(positions / POSITIONS_PER_GROUP);
        kernels.conv4x8(...at, 0, groups, ...geometry);
        // The last positions % 4: one more group ending at the last position
        // (the positions it repeats are stored again with the same numbers).
        if (groups * POSITIONS_PER_GROUP < positions) kernels.conv4x8(...at, positions - POSITIONS_PER_GROUP, 1, ...geometry);
        return y;
      });
    },
  };
}
