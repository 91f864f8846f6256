/**
 * The tensor work of watch(), kept small: snapshots of the trainable weights
 * before a step (no copy: see sharedReference), per-layer update/weight
 * ratios from a snapshot, a cheap finiteness check, and tracing where a
 * non-finite value came from.
 */
import * as tf from '@tensorflow/tfjs';
import { trainableWeights as trainableModelWeights } from '../model/layers';
import { tapModel } from '../model/taps';
import type { NonFiniteSource } from './messages';

export interface WeightRef {
  layer: string;
  weight: string;
  variable: tf.Variable;
}

/** Trainable weights in model order, each with its layer. */
export function trainableWeights(model: tf.LayersModel): WeightRef[] {
  return trainableModelWeights(model).map(({ layer, weight, variable }) => ({ layer: layer.name, weight: weight.name, variable }));
}

/** Layers that own trainable weights, in model order (the rows of the heatmaps). */
export function trainableLayerNames(weights: readonly WeightRef[]): string[] {
  return [...new Set(weights.map((w) => w.layer))];
}

export interface WeightSnapshot {
  values: tf.Tensor[];
  dispose(): void;
}

/**
 * A tensor on the variable's current buffer. Optimizers never write a buffer
 * in place: they assign the variable a new one, and this reference keeps the
 * old values alive, exactly as Variable.assign shares buffers (engine incRef).
 * tf.clone would do the same on the cpu backend but copies on wasm (~1 ns per
 * value, every batch); this costs a few microseconds whatever the size.
 */
function sharedReference(variable: tf.Variable): tf.Tensor {
  try {
    const engine = tf.engine();
    // The backend must count the buffer's new holder, and the engine the new
    // tensor. The backend first: when it cannot (incRef throws), no tensor has
    // been tracked yet, so the fallback below leaves nothing behind.
    engine.backend.incRef(variable.dataId);
    return tf.keep(engine.makeTensorFromDataId(variable.dataId, variable.shape, variable.dtype));
  } catch {
    return tf.keep(tf.clone(variable));
  }
}

export function snapshotWeights(weights: readonly WeightRef[]): WeightSnapshot {
  const values = weights.map((w) => sharedReference(w.variable));
  return { values, dispose: () => tf.dispose(values) };
}

/** Up to this many values in all, allFinite reads them instead of summing on the backend. */
const READ_FINITE_MAX = 16384;

/**
 * False when any value of the tensors is NaN or Inf: one sum per tensor (NaN
 * and Inf survive summation; opposite infinities give NaN), one read.
 */
export async function allFinite(tensors: readonly tf.Tensor[]): Promise<boolean> {
  if (tensors.length === 0) return true;
  // A few small tensors (a last layer, checked every step): reading the values is cheaper than five kernels.
  if (tensors.reduce((n, t) => n + t.size, 0) <= READ_FINITE_MAX) {
    for (const values of await Promise.all(tensors.map((t) => t.data()))) {
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
    }
    return true;
  }
  const total = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(t))));
  const [value] = await total.data();
  total.dispose();
  return Number.isFinite(value);
}

/**
 * ||after - before|| / ||before|| per layer (weights of a layer pooled), in
 * one backend round trip. Null where the layer's weights were all zero or the
 * result is not finite.
 */
export async function updateRatios(
  weights: readonly WeightRef[],
  before: WeightSnapshot,
): Promise<Map<string, number | null>> {
  const layers = trainableLayerNames(weights);
  const packed = tf.tidy(() => {
    const rows = layers.map((layer) => {
      let update = tf.scalar(0);
      let size = tf.scalar(0);
      weights.forEach((w, i) => {
        if (w.layer !== layer) return;
        const old = before.values[i];
        update = update.add(w.variable.sub(old).square().sum());
        size = size.add(old.square().sum());
      });
      return tf.stack([update, size]);
    });
    return tf.stack(rows);
  });
  const numbers = await packed.data();
  packed.dispose();
  const ratios = new Map<string, number | null>();
  layers.forEach((layer, i) => {
    const [update, size] = [numbers[2 * i], numbers[2 * i + 1]];
    const ratio = Math.sqrt(update) / Math.sqrt(size);
    ratios.set(layer, size > 0 && Number.isFinite(ratio) ? ratio : null);
  });
  return ratios;
}

/** The first weight (model order) holding a NaN or Inf, reading one flag per weight. */
export function firstNonFiniteWeight(weights: readonly WeightRef[], values: readonly tf.Tensor[]): WeightRef | null {
  if (values.length === 0) return null;
  const flags = tf.tidy(() => tf.stack(values.map((v) => tf.logicalNot(tf.all(tf.isFinite(v))))).dataSync());
  const index = flags.findIndex((flag) => flag !== 0);
  return index < 0 ? null : weights[index];
}

/**
 * Where a non-finite loss came from: with the weights of just before the step
 * put back for the duration of the trace, the first non-finite weight, else
 * the first layer whose output on `input` is non-finite, else the loss itself.
 * The model's current weights are restored before returning.
 */
export function traceNonFinite(
  model: tf.LayersModel,
  weights: readonly WeightRef[],
  before: WeightSnapshot | null,
  input: tf.Tensor | null,
): NonFiniteSource {
  const values = before?.values ?? weights.map((w) => w.variable);
  const badWeight = firstNonFiniteWeight(weights, values);
  if (badWeight) return { kind: 'weight', layer: badWeight.layer, weight: badWeight.weight };
  if (input === null) return { kind: 'untraced', reason: 'no held batch: pass watch(model, { data: { x, y } }) to trace layer outputs' };
  const current = before ? weights.map((w) => tf.keep(tf.clone(w.variable))) : [];
  try {
    if (before) weights.forEach((w, i) => w.variable.assign(before.values[i]));
    const layer = firstNonFiniteOutput(model, input);
    return layer === null ? { kind: 'loss' } : { kind: 'layer-output', layer };
  } catch (error) {
    return { kind: 'untraced', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    if (before) weights.forEach((w, i) => w.variable.assign(current[i]));
    tf.dispose(current);
  }
}

/**
 * Name of the first layer (model order) whose output on `input` holds a NaN or
 * Inf, or null. One pass through the tap model of model/taps.ts (layers with
 * one output each; shared layers are skipped).
 */
function firstNonFiniteOutput(model: tf.LayersModel, input: tf.Tensor): string | null {
  const taps = tapModel(model);
  if (taps.layers.length === 0) return null;
  const flags = tf.tidy(() => {
    const results = taps.model.predict(input);
    const list = Array.isArray(results) ? results : [results];
    return tf.stack(list.map((t) => tf.logicalNot(tf.all(tf.isFinite(t))))).dataSync();
  });
  const index = flags.findIndex((flag) => flag !== 0);
  return index < 0 ? null : taps.layers[index].name;
}
