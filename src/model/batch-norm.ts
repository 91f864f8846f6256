/**
 * Batch-normalization moving statistics on clones. A freshly built or briefly
 * trained model's moving mean and variance lag far behind the batch
 * statistics (momentum 0.99: after 100 steps they hold ~37% of their initial
 * 0 / 1), so its inference-mode outputs describe statistics it has not
 * collected yet. Probes that judge inference-mode outputs settle them first:
 * the moving statistics become those of the probe batch, as long training
 * would make them.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardOutput } from './loss';

const DROPOUT = new Set(['Dropout', 'SpatialDropout1D', 'AlphaDropout', 'GaussianDropout']);

export interface SettleOptions {
  /** 'off': dropout is switched off for the settling pass (statistics as inference sees them). Defaults to 'as-is'. */
  dropout?: 'off' | 'as-is';
}

/** Sets every batch-norm layer's moving statistics of `model` (a clone) to those of `x`, in one training-mode pass. */
export function settleBatchNorm(model: tf.LayersModel, x: tf.Tensor, options: SettleOptions = {}): void {
  const norms = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
  if (norms.length === 0) return;
  const dropouts = options.dropout === 'off' ? model.layers.filter((layer) => DROPOUT.has(layer.getClassName())) : [];
  const rates = dropouts.map((layer) => Reflect.get(layer, 'rate'));
  const momenta = norms.map((layer) => Reflect.get(layer, 'momentum'));
  dropouts.forEach((layer) => Reflect.set(layer, 'rate', 0));
  norms.forEach((layer) => Reflect.set(layer, 'momentum', 0));
  try {
    tf.tidy(() => {
      forwardOutput(model, x, true);
    });
  } finally {
    norms.forEach((layer, i) => Reflect.set(layer, 'momentum', momenta[i]));
    dropouts.forEach((layer, i) => Reflect.set(layer, 'rate', rates[i]));
  }
}

/** Whether the model has batch-normalization layers. */
export function hasBatchNorm(model: tf.LayersModel): boolean {
  return model.layers.some((layer) => layer.getClassName() === 'BatchNormalization');
}
