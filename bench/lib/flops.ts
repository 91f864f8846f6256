/**
 * Floating-point operations of one training step, from a model's layers:
 * the multiply-adds of every dense and convolution layer (2 FLOPs each),
 * forward, plus the weight gradient (as many again) and the input gradient
 * (as many again, except for the first layer, whose input needs none).
 * Activations, pooling, the loss and the optimizer are left out, as is usual
 * when quoting a step's FLOP rate against a matmul's.
 */
import type * as tf from '@tensorflow/tfjs';

/** Elements of one sample of a layer's (single) output, or 0 when it has several. */
function outputElements(layer: tf.layers.Layer): number {
  const shape: unknown = layer.outputShape;
  if (!Array.isArray(shape) || shape.some((d) => Array.isArray(d))) return 0;
  return shape.slice(1).reduce((a: number, d: unknown) => a * (typeof d === 'number' ? d : 1), 1);
}

/** Multiply-adds of one layer's forward pass, per sample; 0 for layers without weights. */
function forwardMacs(layer: tf.layers.Layer): number {
  const kernel = layer.getWeights().find((w) => w.rank >= 2);
  if (kernel === undefined) return 0;
  const dims = kernel.shape;
  if (dims.length === 2) return dims[0] * dims[1];
  // A conv kernel [fh, fw, ci, co]: every output value takes fh*fw*ci multiply-adds.
  return outputElements(layer) * dims.slice(0, -1).reduce((a, b) => a * b, 1);
}

/** FLOPs of one training step (forward and backward) of `model` on a batch of `batchSize`. */
export function trainingFlops(model: tf.LayersModel, batchSize: number): number {
  const macs = model.layers.map(forwardMacs);
  const first = macs.findIndex((m) => m > 0);
  const total = macs.reduce((sum, m, i) => sum + (i === first ? 2 : 3) * m, 0);
  return 2 * total * batchSize;
}
