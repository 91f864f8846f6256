/**
 * Prepares the wasm backend for training: adds the kernels it lacks, built
 * from kernels it has, and replaces the ones it gets wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { fastBatchMatMul } from './batch-mat-mul';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { fastConv2DBackpropInput } from './conv2d-backprop-input';
import { directConv2D } from './direct-conv';
import { sharingCast, sharingIdentity } from './identity';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input';
import { maxPoolGradConfig } from './max-pool-grad';
import { dtypeHonouringOneHot } from './one-hot';
import { explicitSamePadding, SAME_PADDING_KERNELS } from './same-padding';
import { leadingAxesSum, rowBroadcastAdd } from './bias';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** Kernels wasm lacks and training needs (gradients of conv, depthwise conv, gather). */
export const TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Kernel functions tfjs-doctor put in place, so that nothing is added or wrapped twice. */
const ours = new WeakSet<tf.KernelFunc>();

function replace(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) != null) {
    tf.unregisterKernel(config.kernelName, config.backendName);
  }
  tf.registerKernel(config);
  ours.add(config.kernelFunc);
}

function isOurs(kernelName: string, backendName: string): boolean {
  const current = tf.getKernel(kernelName, backendName);
  return current != null && ours.has(current.kernelFunc);
}

/**
 * Registers every kernel in TRAINING_KERNELS that its backend does not have
 * yet, and corrects three wasm kernels that give wrong numbers: MaxPoolGrad,
 * the convolutions with 'same' padding, and OneHot with a float dtype (see
 * max-pool-grad.ts, same-padding.ts, one-hot.ts), and swaps its slow
 * Conv2DBackpropInput loop for an XNNPACK convolution (conv2d-backprop-input.ts)
 * and its scalar transposed matmul for XNNPACK's (batch-mat-mul.ts), and makes
 * Identity (and a Cast to the same dtype) share its input instead of copying it (identity.ts), and
 * adds and sums a bias over rows in SIMD loops (bias.ts). Safe to call repeatedly: a kernel
 * already in place (ours, or one a future tfjs release adds) is left alone,
 * so tfjs never warns about duplicates. Returns the kernel names it changed.
 */
export function registerTrainingKernels(): string[] {
  const changed: string[] = [];
  for (const config of TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName) == null) {
      replace(config);
      changed.push(config.kernelName);
    }
  }
  if (!isOurs(maxPoolGradConfig.kernelName, maxPoolGradConfig.backendName)) {
    replace(maxPoolGradConfig);
    changed.push(maxPoolGradConfig.kernelName);
  }
  const wrappers: Array<[string, (original: tf.KernelConfig) => tf.KernelConfig]> = [
    ...SAME_PADDING_KERNELS.map(({ kernelName, depthwise }): [string, (original: tf.KernelConfig) => tf.KernelConfig] => [
      kernelName,
      // Conv2D also takes our own kernel first where it is faster (direct-conv.ts).
      kernelName === tf.Conv2D ? (original) => directConv2D(explicitSamePadding(original, depthwise)) : (original) => explicitSamePadding(original, depthwise),
    ]),
    [tf.OneHot, dtypeHonouringOneHot],
    [tf.Conv2DBackpropInput, fastConv2DBackpropInput],
    [tf.BatchMatMul, fastBatchMatMul],
    [tf.Identity, sharingIdentity],
    [tf.Cast, sharingCast],
    [tf.Sum, leadingAxesSum],
    [tf.Add, rowBroadcastAdd],
  ];
  for (const [kernelName, wrap] of wrappers) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (original != null && !isOurs(kernelName, 'wasm')) {
      replace(wrap(original));
      changed.push(kernelName);
    }
  }
  return changed;
}
