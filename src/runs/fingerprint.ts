/**
 * What identifies a run's ingredients: the model's architecture (names left
 * out), its weights when the run started, and the data. Read-only: nothing of
 * the model changes; every tensor read here is disposed.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import type { DataRecord, LayerRecord, ModelRecord, OptimizerRecord } from './format';

/** Rows hashed at most; larger data is hashed at an even stride of rows (the shape is hashed too). */
export const MAX_HASHED_VALUES = 4_000_000;

function sha256(update: (hash: ReturnType<typeof createHash>) => void): string {
  const hash = createHash('sha256');
  update(hash);
  return hash.digest('hex');
}

/** Names differ between two builds of one architecture; initializer seeds show in the weights hash instead. */
const IGNORED_KEYS = new Set(['name', 'seed']);

function withoutNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNames);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([key]) => !IGNORED_KEYS.has(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, inner]) => [key, withoutNames(inner)]);
  return Object.fromEntries(entries);
}

/** The architecture: each layer's class and config without names and seeds, and which layers feed it (by position). */
export function architectureHash(model: tf.LayersModel): string {
  const layers = model.layers;
  const description = layers.map((layer) => ({
    className: layer.getClassName(),
    config: withoutNames(layer.getConfig()),
    inputs: layer.inboundNodes.flatMap((node) => node.inboundLayers.map((inbound) => layers.indexOf(inbound))),
  }));
  return sha256((hash) => hash.update(JSON.stringify(description)));
}

export function weightsHash(model: tf.LayersModel): string {
  return sha256((hash) => {
    for (const weight of model.weights) {
      const values = weight.read().dataSync();
      hash.update(weight.shape.join('x'));
      hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
  });
}

function shapeText(shape: unknown): string {
  if (!Array.isArray(shape)) return String(shape);
  // Several outputs: a list of shapes.
  if (shape.length > 0 && Array.isArray(shape[0])) return shape.map(shapeText).join(', ');
  return `[${shape.map((d) => (d === null ? 'batch' : String(d))).join(', ')}]`;
}

export function layerRecords(model: tf.LayersModel): LayerRecord[] {
  return model.layers.map((layer) => {
    let outputShape: unknown;
    try {
      outputShape = layer.outputShape;
    } catch {
      outputShape = '?';
    }
    return { name: layer.name, className: layer.getClassName(), outputShape: shapeText(outputShape), params: layer.countParams() };
  });
}

export function modelRecord(model: tf.LayersModel): ModelRecord {
  return {
    name: model.name,
    architectureHash: architectureHash(model),
    weightsHash: weightsHash(model),
    parameterCount: model.countParams(),
    layers: layerRecords(model),
  };
}

function lossName(model: tf.LayersModel): string | undefined {
  const loss = (model as { loss?: unknown }).loss;
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'function') return loss.name || 'custom';
  if (Array.isArray(loss)) return loss.map((l) => (typeof l === 'string' ? l : 'custom')).join(', ');
  return undefined;
}

/** The compiled optimizer and loss, when the model is compiled. */
export function optimizerRecord(model: tf.LayersModel): OptimizerRecord | undefined {
  let optimizer: tf.Optimizer | undefined;
  try {
    optimizer = model.optimizer;
  } catch {
    optimizer = undefined;
  }
  if (!optimizer) return undefined;
  const config = optimizer.getConfig();
  const learningRate = typeof config.learningRate === 'number' ? config.learningRate : undefined;
  return { name: optimizer.getClassName(), learningRate, loss: lossName(model) };
}

function hashTensor(hash: ReturnType<typeof createHash>, tensor: tf.Tensor): number {
  const rows = tensor.shape[0] ?? 1;
  const perRow = rows === 0 ? 0 : tensor.size / rows;
  const stride = Math.max(1, Math.ceil(tensor.size / MAX_HASHED_VALUES));
  hash.update(`${tensor.dtype}:${tensor.shape.join('x')}:${stride};`);
  const picked = stride === 1 ? tensor : tf.tidy(() => tf.gather(tensor, tf.range(0, rows, stride, 'int32')));
  try {
    const values = picked.dataSync();
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } finally {
    if (picked !== tensor) picked.dispose();
  }
  return perRow === 0 ? 0 : Math.ceil(rows / stride);
}

/** A fingerprint of `{ x, y }`: same values, same fingerprint; large data is hashed at an even stride of rows. */
export function dataRecord(data: { x: tf.Tensor; y: tf.Tensor }): DataRecord {
  let rowsHashed = 0;
  const fingerprint = sha256((hash) => {
    rowsHashed = hashTensor(hash, data.x);
    hashTensor(hash, data.y);
  });
  return { xShape: data.x.shape, yShape: data.y.shape, fingerprint, rowsHashed };
}
