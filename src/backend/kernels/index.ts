/**
 * The training kernels the wasm backend lacks, built from kernels it has.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

export const TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Registers every kernel in TRAINING_KERNELS that its backend does not have
 * yet. Safe to call repeatedly: a kernel already registered (by us, or by a
 * future tfjs release) is left alone, so tfjs never warns about duplicates.
 */
export function registerTrainingKernels(): string[] {
  const added: string[] = [];
  for (const config of TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName) == null) {
      tf.registerKernel(config);
      added.push(config.kernelName);
    }
  }
  return added;
}
