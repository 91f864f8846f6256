/**
 * Read-only facts about token inputs and recurrent layers (issue 13): which
 * Embedding reads the model input (its inputDim, whether it masks padding),
 * which layers are recurrent, and whether a sequence input is one-hot.
 */
import type * as tf from '@tensorflow/tfjs';

export interface TokenInput {
  /** The Embedding layer that reads the model input directly. */
  layer: string;
  /** Valid ids are 0..inputDim-1. */
  inputDim: number;
  /** True when the Embedding masks id 0 (maskZero: true) for the layers after it. */
  maskZero: boolean;
}

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU']);

/** The Embedding fed by the model input, when there is one (token ids, not measurements). */
export function tokenInput(model: tf.LayersModel): TokenInput | undefined {
  const layer = model.layers.find((l) =>
    l.getClassName() === 'Embedding' &&
    l.inboundNodes.length > 0 &&
    l.inboundNodes.every((node) => node.inboundLayers.every((inbound) => inbound.getClassName() === 'InputLayer')));
  if (!layer) return undefined;
  const config = layer.getConfig();
  const inputDim = Number(config.inputDim);
  if (!Number.isInteger(inputDim) || inputDim <= 0) return undefined;
  return { layer: layer.name, inputDim, maskZero: config.maskZero === true };
}

export interface RecurrentLayer {
  name: string;
  /** Position in model.layers. */
  index: number;
  /** 'LSTM', 'GRU', 'SimpleRNN' (the wrapped cell's class for Bidirectional). */
  cell: string;
  bidirectional: boolean;
  /** Reads the sequence from its end (goBackwards: true). */
  backwards: boolean;
  returnSequences: boolean;
}

function innerConfig(layer: tf.layers.Layer): { className?: string; config?: Record<string, unknown> } | undefined {
  const inner = layer.getConfig().layer;
  return inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as { className?: string; config?: Record<string, unknown> }) : undefined;
}

/** Recurrent layers in model order (plain or inside a Bidirectional wrapper). */
export function recurrentLayers(model: tf.LayersModel): RecurrentLayer[] {
  return model.layers.flatMap((layer, index): RecurrentLayer[] => {
    const className = layer.getClassName();
    const config = layer.getConfig();
    if (RECURRENT.has(className)) {
      return [{ name: layer.name, index, cell: className, bidirectional: false, backwards: config.goBackwards === true, returnSequences: config.returnSequences === true }];
    }
    const inner = innerConfig(layer);
    if (className === 'Bidirectional' && inner?.className && RECURRENT.has(inner.className)) {
      return [{ name: layer.name, index, cell: inner.className, bidirectional: true, backwards: false, returnSequences: inner.config?.returnSequences === true }];
    }
    return [];
  });
}

/** Something between the input and the recurrent layers that passes a mask on (Masking, or an Embedding with maskZero). */
export function masksPadding(model: tf.LayersModel): boolean {
  return model.layers.some((l) => l.getClassName() === 'Masking' || (l.getClassName() === 'Embedding' && l.getConfig().maskZero === true));
}

/**
 * True when every step of every row is one-hot (values 0/1, exactly one 1 per
 * `depth` values): characters or tokens encoded as one-hot vectors. A column
 * that stays 0 is then a symbol that never occurs, not a constant measurement.
 */
export function isOneHotSteps(rows: readonly ArrayLike<number>[], depth: number): boolean {
  if (rows.length === 0 || depth < 2) return false;
  for (const row of rows) {
    if (row.length % depth !== 0) return false;
    for (let start = 0; start < row.length; start += depth) {
      let ones = 0;
      for (let k = start; k < start + depth; k++) {
        const v = row[k];
        if (v === 1) ones++;
        else if (v !== 0) return false;
      }
      if (ones !== 1) return false;
    }
  }
  return true;
}

/** Argmax id of each step of a one-hot row. */
export function stepIds(row: ArrayLike<number>, depth: number): number[] {
  const ids: number[] = [];
  for (let start = 0; start + depth <= row.length; start += depth) {
    let best = start;
    for (let k = start + 1; k < start + depth; k++) if (row[k] > row[best]) best = k;
    ids.push(best - start);
  }
  return ids;
}
