/**
 * 'same' padding for the wasm convolutions, passed as explicit numbers.
 *
 * tfjs-backend-wasm 4.22 hands 'same' to XNNPACK as a flag, and XNNPACK then
 * pads differently from TensorFlow when a stride exceeds the kernel size
 * (e.g. kernel 2, stride 3): Conv2D and DepthwiseConv2dNative, fused or not,
 * return wrong numbers. With the padding TensorFlow would use spelled out as
 * explicit numbers, the same kernels match the cpu backend. Other paddings
 * pass through untouched.
 */
import * as tf from '@tensorflow/tfjs';
import { input, pairAttr, roundingAttr, shape4D } from './attrs';
import { spatialPads } from './wasm-ops';

/** The wasm kernels that take 'same' padding as a flag, and whether each is depthwise. */
export const SAME_PADDING_KERNELS: ReadonlyArray<{ kernelName: string; depthwise: boolean }> = [
  { kernelName: tf.Conv2D, depthwise: false },
  { kernelName: tf.FusedConv2D, depthwise: false },
  { kernelName: tf.DepthwiseConv2dNative, depthwise: true },
  { kernelName: tf.FusedDepthwiseConv2D, depthwise: true },
];

function withExplicitSamePadding(kernelName: string, depthwise: boolean, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined): tf.NamedAttrMap | undefined {
  if (attrs?.pad !== 'same' || (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC')) return attrs;
  const info = tf.backend_util.computeConv2DInfo(
    shape4D(input(inputs, 'x', kernelName), 'x', kernelName),
    shape4D(input(inputs, 'filter', kernelName), 'filter', kernelName),
    pairAttr(attrs, 'strides', kernelName),
    pairAttr(attrs, 'dilations', kernelName),
    'same',
    roundingAttr(attrs, kernelName),
    depthwise,
  );
  const { top, bottom, left, right } = info.padInfo;
  return { ...attrs, pad: spatialPads(top, bottom, left, right) };
}

/** The wasm kernel `original`, fed explicit numbers in place of 'same'. */
export function explicitSamePadding(original: tf.KernelConfig, depthwise: boolean): tf.KernelConfig {
  const run = original.kernelFunc;
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => run({ inputs, backend, attrs: withExplicitSamePadding(original.kernelName, depthwise, inputs, attrs) }),
  };
}
