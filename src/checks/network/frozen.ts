/**
 * L5: frozen layers, judged by whether their weights were ever trained. A
 * frozen pretrained base is a standard, working choice (info); a frozen layer
 * whose weights are still what its initializer drew stays random forever
 * (warning). "Still at initialization": every bias exactly zero (the default
 * initializer; trained biases are never exactly 0) and the kernel's values
 * distributed as a fresh draw of the layer's own initializer (quantile by
 * quantile, within a tenth of its standard deviation).
 */
import * as tf from '@tensorflow/tfjs';
import { listLayers, type LayerInfo } from '../../model/layers';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck } from './context';

const SETTINGS = {
  /** Quantiles compared between the kernel and a fresh draw of its initializer. */
  quantiles: 99,
  /**
   * Largest quantile gap, in the initializer's standard deviations, of a
   * kernel "at initialization". Two draws of a 784x128 Glorot kernel differ by
   * ~0.01; a few epochs of training move the tails by 0.2 and more.
   */
  tolerance: 0.1,
  /** Kernels smaller than this have too few values for a distribution to say anything. */
  minValues: 64,
};

/** The first `count + 1`-quantiles of `values` (sorted copy). */
function quantiles(values: Float32Array, count: number): number[] {
  const sorted = Float32Array.from(values).sort();
  return Array.from({ length: count }, (_, i) => sorted[Math.floor(((i + 1) / (count + 1)) * (sorted.length - 1))]);
}

function standardDeviation(values: Float32Array): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

/** How far (in initializer std) the kernel's distribution is from a fresh draw of its initializer; null when it cannot be told. */
export function distanceFromInitializer(layer: tf.layers.Layer, kernel: tf.Tensor): number | null {
  const initializer: unknown = Reflect.get(layer, 'kernelInitializer');
  if (typeof initializer !== 'object' || initializer === null || !('apply' in initializer) || typeof initializer.apply !== 'function') return null;
  if (kernel.size < SETTINGS.minValues) return null;
  const fresh: unknown = Reflect.apply(initializer.apply, initializer, [kernel.shape, 'float32']);
  if (!(fresh instanceof tf.Tensor)) return null;
  const drawn = fresh.dataSync() as Float32Array;
  fresh.dispose();
  const actual = kernel.dataSync() as Float32Array;
  const scale = standardDeviation(drawn);
  if (!(scale > 0)) return null;
  const [a, b] = [quantiles(actual, SETTINGS.quantiles), quantiles(drawn, SETTINGS.quantiles)];
  return Math.max(...a.map((q, i) => Math.abs(q - b[i]))) / scale;
}

interface FrozenLayer {
  layer: LayerInfo;
  /** Quantile distance from a fresh initializer draw; null when unknown (no kernel, custom initializer). */
  distance: number | null;
  zeroBias: boolean;
}

function judge(model: tf.LayersModel, info: LayerInfo): FrozenLayer {
  const layer = model.layers[info.index];
  const kernel = info.weights.find((w) => w.name === 'kernel');
  const bias = info.weights.find((w) => w.name === 'bias');
  const distance = kernel ? distanceFromInitializer(layer, kernel.variable.read()) : null;
  const zeroBias = bias === undefined || tf.tidy(() => bias.variable.read().abs().max().dataSync()[0] === 0);
  return { layer: info, distance, zeroBias };
}

function atInitialization(frozen: FrozenLayer): boolean {
  return frozen.distance !== null && frozen.distance <= SETTINGS.tolerance && frozen.zeroBias;
}

export const frozenLayersCheck: NetworkCheck = {
  id: 'frozen-layers',
  checklist: ['L5'],
  findings: ['layers-frozen'],
  explains: { 'layers-frozen': ['overfit-failed', 'gradients-zero', 'input-ignored'] },
  async run(ctx) {
    const layers = listLayers(ctx.model);
    const withWeights = layers.filter((l) => l.weights.length > 0);
    const frozen = withWeights.filter((l) => !l.trainable);
    // Nothing trainable at all is a configuration error, reported by the loss-config check.
    if (frozen.length === 0 || ctx.model.trainableWeights.length === 0) {
      return { findings: [], skipped: frozen.length === 0 ? 'no frozen layer' : 'every layer is frozen (see loss-config)' };
    }
    const judged = frozen.map((l) => judge(ctx.model, l));
    const untrained = judged.filter(atInitialization);
    const names = (list: FrozenLayer[]) => list.map((f) => f.layer.name);
    const finding = untrained.length > 0
      ? networkMessages.layersFrozenUntrained({ frozen: names(untrained), withWeights: withWeights.length, distance: Math.max(...untrained.map((f) => f.distance ?? 0)) })
      : networkMessages.layersFrozenTrained({ frozen: names(judged), withWeights: withWeights.length });
    return {
      findings: [finding],
      measurements: { extra: { 'frozen-layers': Object.fromEntries(judged.map((f) => [`${f.layer.name}.distanceFromInit`, f.distance])) } },
      note: `${frozen.length} frozen layer(s), ${untrained.length} still at initialization`,
    };
  },
};
