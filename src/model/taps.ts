/**
 * Activation taps: ONE extra model that outputs every layer's output, so a
 * single forward pass shows the whole network (no pass per layer). Per-layer
 * statistics are computed on the backend and read back in one transfer.
 */
import * as tf from '@tensorflow/tfjs';
import { finiteOrNull, type LayerActivation } from '../measurements';
import { listLayers, type LayerInfo } from './layers';
import { modelInputs } from './packing';

export interface TapModel {
  /** Shares the user's layers and weights: never dispose it (that would free the user's variables). */
  model: tf.LayersModel;
  layers: LayerInfo[];
}

/** Sigmoid outputs beyond these bounds sit where its slope is below ~0.01 (of 0.25 at 0). */
const SIGMOID_FLAT = 0.01;
/** |tanh| beyond this sits where its slope is below ~0.04 (of 1 at 0). */
const TANH_FLAT = 0.98;

function singleOutput(layer: tf.layers.Layer): tf.SymbolicTensor | null {
  // Layers called more than once (shared) have no single output to tap.
  if (layer.inboundNodes.length !== 1) return null;
  const output = layer.output;
  return Array.isArray(output) ? null : output;
}

/** A model from the user's inputs to every tappable layer output, in model order. */
export function tapModel(model: tf.LayersModel): TapModel {
  const layers: LayerInfo[] = [];
  const outputs: tf.SymbolicTensor[] = [];
  listLayers(model).forEach((info) => {
    const layer = model.layers[info.index];
    if (info.className === 'InputLayer') return;
    const output = singleOutput(layer);
    if (output === null) return;
    layers.push(info);
    outputs.push(output);
  });
  return { model: tf.model({ inputs: model.inputs, outputs }), layers };
}

const STAT_COUNT = 6;

/** Per-layer activation statistics of one forward pass (inference mode) over `x`. */
export async function activationStats(taps: TapModel, x: tf.Tensor): Promise<LayerActivation[]> {
  if (taps.layers.length === 0) return [];
  const packed = tf.tidy(() => {
    const raw = taps.model.predict(modelInputs(taps.model, x));
    const outputs = Array.isArray(raw) ? raw : [raw];
    return tf.stack(outputs.map((output, i) => layerStats(output, taps.layers[i])));
  });
  const numbers = await packed.data();
  packed.dispose();
  return taps.layers.map((info, i): LayerActivation => {
    const [mean, std, rms, dead, saturated, nonFinite] = Array.from(numbers.subarray(i * STAT_COUNT, (i + 1) * STAT_COUNT));
    return {
      layer: info.name,
      layerIndex: info.index,
      activation: info.activation,
      mean: finiteOrNull(mean),
      std: finiteOrNull(std),
      rms: finiteOrNull(rms),
      deadFraction: info.family === 'relu' ? finiteOrNull(dead) : null,
      saturatedFraction: info.family === 'sigmoid' || info.family === 'tanh' ? finiteOrNull(saturated) : null,
      nonFiniteCount: nonFinite,
    };
  });
}

/** [mean, std, rms, dead fraction, saturated fraction, non-finite count] of one layer output. */
function layerStats(output: tf.Tensor, info: LayerInfo): tf.Tensor1D {
  const values = output.toFloat();
  const finiteMask = tf.isFinite(values);
  const clean = tf.where(finiteMask, values, tf.zerosLike(values));
  const { mean, variance } = tf.moments(clean);
  const rms = clean.square().mean().sqrt();
  // A unit is dead when it is zero for every sample (and every position, for
  // conv maps): reduce over all axes but the last (units or channels).
  const unitAxes = Array.from({ length: values.rank - 1 }, (_, axis) => axis);
  const dead = info.family === 'relu' && values.rank >= 2
    ? clean.max(unitAxes).lessEqual(0).toFloat().mean()
    : tf.scalar(0);
  const saturated = info.family === 'sigmoid'
    ? clean.less(SIGMOID_FLAT).logicalOr(clean.greater(1 - SIGMOID_FLAT)).toFloat().mean()
    : info.family === 'tanh'
      ? clean.abs().greater(TANH_FLAT).toFloat().mean()
      : tf.scalar(0);
  const nonFinite = tf.scalar(values.size).sub(finiteMask.toFloat().sum());
  return tf.stack([mean, variance.sqrt(), rms, dead, saturated, nonFinite]) as tf.Tensor1D;
}
