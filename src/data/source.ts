/**
 * User data in any accepted form -> a DataSource that can be streamed batch by
 * batch, validated before tfjs sees it so mistakes surface as clear errors.
 *
 * Streaming reads numbers, not tensors: a tensor given whole is read ONCE
 * (one dataSync; slicing it chunk by chunk would copy the whole tensor for
 * every chunk on the wasm backend) and handed out as views of row ranges;
 * a dataset's elements are read and disposed one at a time. No tensor made
 * here outlives the batch it belongs to.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from './errors';
import type { DiagnoseData, TensorLike } from '../options';

export type DataSource =
  | { kind: 'tensors'; x: tf.Tensor; y: tf.Tensor; rows: number; owned: tf.Tensor[] }
  | { kind: 'dataset'; dataset: tf.data.Dataset<tf.TensorContainer> };

/** One batch of rows as plain numbers (row-major), with its shapes. */
export interface Batch {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  /** Shape of one input row and one label row (without the batch axis). */
  rowShape: number[];
  labelShape: number[];
  /** Stream position of the batch's first row. */
  offset: number;
}

/** Limits of one stream: rows read at most, cancellation, and how often the event loop gets a turn. */
export interface StreamLimits {
  /** Rows read at most; the stream stops there (datasets may be endless). */
  maxRows: number;
  signal?: AbortSignal;
  /** Longest stretch of work between two turns of the event loop, in ms. */
  yieldMs: number;
}

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

function isDataset(value: unknown): value is tf.data.Dataset<tf.TensorContainer> {
  return typeof value === 'object' && value !== null && typeof (value as { iterator?: unknown }).iterator === 'function';
}

function firstLeaf(value: unknown): unknown {
  let leaf = value;
  while (Array.isArray(leaf)) {
    if (leaf.length === 0) return undefined;
    leaf = leaf[0];
  }
  return leaf;
}

export function toTensor(value: TensorLike | undefined, name: string, owned: tf.Tensor[]): tf.Tensor {
  if (value === undefined || value === null) throw inputError('valueMissing', name);
  if (isTensor(value)) {
    if (value.isDisposed) throw inputError('tensorDisposed', name);
    if (value.dtype === 'string') throw inputError('tensorStrings', name);
    return value;
  }
  if (ArrayBuffer.isView(value)) throw inputError('typedArray', name, value.constructor.name);
  if (!Array.isArray(value)) throw inputError('notArray', name, value);
  if (value.length === 0) throw inputError('arrayEmpty', name);
  const leaf = firstLeaf(value);
  if (ArrayBuffer.isView(leaf)) throw inputError('typedArray', name, `array of ${leaf.constructor.name}`);
  if (typeof leaf !== 'number' && typeof leaf !== 'boolean') throw inputError('arrayNotNumbers', name, leaf === null ? 'null' : typeof leaf);
  let tensor: tf.Tensor;
  try {
    tensor = tf.tensor(value as number[]);
  } catch (error) {
    throw inputError('arrayRagged', name, error instanceof Error ? error.message : String(error));
  }
  owned.push(tensor);
  return tensor;
}

/**
 * Validates the shape of the data (not its values: the checks judge those) and
 * wraps it. Tensors made here from arrays are listed in `owned` for disposal.
 */
export function toDataSource(data: DiagnoseData | undefined, name: string): DataSource {
  if (data === undefined || data === null) throw inputError('dataMissing', name);
  if (typeof data !== 'object') throw inputError('dataWrongKind', name, data);
  if (isDataset(data)) return { kind: 'dataset', dataset: data };
  if (ArrayBuffer.isView(data) || Array.isArray(data) || isTensor(data)) throw inputError('dataWrongKind', name, data);
  if (!('x' in data) || !('y' in data)) throw inputError('dataNotXY', name, Object.keys(data));
  if (!isTensor(data.x) && !Array.isArray(data.x) && !ArrayBuffer.isView(data.x) && typeof data.x === 'object' && data.x !== null) {
    throw inputError('dataSeveralInputs', name);
  }
  const owned: tf.Tensor[] = [];
  try {
    // An object x was refused above; an array of tensors fails toTensor's number check with its message.
    const x = toTensor(data.x as TensorLike, `${name}.x`, owned);
    const y = toTensor(data.y as TensorLike, `${name}.y`, owned);
    if (x.rank === 0 || y.rank === 0) throw inputError('scalarData', name);
    const rows = x.shape[0];
    if (rows === 0) throw inputError('noSamples', name);
    if (y.shape[0] !== rows) throw inputError('lengthMismatch', name, rows, y.shape[0]);
    return { kind: 'tensors', x, y, rows, owned };
  } catch (error) {
    owned.forEach((t) => t.dispose());
    throw error;
  }
}

function describeElement(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  if (isTensor(value)) return `a tensor of shape [${value.shape}]`;
  return `{ ${Object.keys(value).join(', ')} }`;
}

/** The numbers of a tensor as float32 (one read; int and bool tensors are converted). */
function floatData(t: tf.Tensor): Float32Array {
  const data = t.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/**
 * Reads one dataset element as a batch, with clear errors for the usual
 * mistakes. `modelRank`: rank of one input row the model takes (an unbatched
 * dataset yields xs one rank short); `firstRows`: rows of the first batch.
 */
function elementToBatch(value: unknown, name: string, offset: number, modelRank: number | undefined): Batch {
  const element = value as { xs?: unknown; ys?: unknown };
  if (typeof value !== 'object' || value === null || !('xs' in element) || !('ys' in element)) {
    throw inputError('datasetElement', name, describeElement(value));
  }
  if (!isTensor(element.xs)) throw inputError('datasetSeveralInputs', name);
  if (!isTensor(element.ys)) throw inputError('datasetSeveralOutputs', name);
  const { xs, ys } = element;
  if (xs.dtype === 'string' || ys.dtype === 'string') throw inputError('datasetStrings', name);
  if (modelRank !== undefined && xs.rank === modelRank) throw inputError('datasetUnbatched', name, xs.shape, ys.shape);
  if (xs.rank === 0 || ys.rank === 0 || xs.shape[0] !== ys.shape[0]) throw inputError('datasetBatchMismatch', name, xs.shape, ys.shape);
  return { x: floatData(xs), y: floatData(ys), rows: xs.shape[0], rowShape: xs.shape.slice(1), labelShape: ys.shape.slice(1), offset };
}

/** Gives the event loop a turn (timers, I/O, other cells) after `yieldMs` of work; throws when aborted. */
function pacer(limits: StreamLimits): () => Promise<void> {
  let last = performance.now();
  return async () => {
    limits.signal?.throwIfAborted();
    if (performance.now() - last < limits.yieldMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
    limits.signal?.throwIfAborted();
  };
}

/**
 * Streams the data in batches of plain numbers, at most `limits.maxRows` rows.
 * Tensors are read once and cut into `chunkRows` views; datasets are iterated
 * as training would, one element at a time, never materialized.
 */
export async function* streamBatches(source: DataSource, chunkRows: number, name: string, limits: StreamLimits, modelRank?: number): AsyncGenerator<Batch> {
  const pace = pacer(limits);
  if (source.kind === 'tensors') {
    await pace();
    const rows = Math.min(source.rows, limits.maxRows);
    const x = floatData(source.x);
    const y = floatData(source.y);
    const rowShape = source.x.shape.slice(1);
    const labelShape = source.y.shape.slice(1);
    const xRow = x.length / source.rows;
    const yRow = y.length / source.rows;
    for (let offset = 0; offset < rows; offset += chunkRows) {
      const end = Math.min(rows, offset + chunkRows);
      yield { x: x.subarray(offset * xRow, end * xRow), y: y.subarray(offset * yRow, end * yRow), rows: end - offset, rowShape, labelShape, offset };
      await pace();
    }
    return;
  }
  let iterator: Awaited<ReturnType<tf.data.Dataset<tf.TensorContainer>['iterator']>>;
  try {
    iterator = await source.dataset.iterator();
  } catch (error) {
    throw inputError('datasetNotIterable', name, error instanceof Error ? error.message : String(error));
  }
  let offset = 0;
  while (offset < limits.maxRows) {
    await pace();
    let next: IteratorResult<tf.TensorContainer>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw inputError('datasetFailed', name, error instanceof Error ? error.message : String(error));
    }
    if (next.done) return;
    let batch: Batch;
    try {
      batch = elementToBatch(next.value, name, offset, modelRank);
    } finally {
      tf.dispose(next.value);
    }
    const keep = Math.min(batch.rows, limits.maxRows - offset);
    if (keep < batch.rows) {
      const xRow = batch.x.length / batch.rows;
      const yRow = batch.y.length / batch.rows;
      batch = { ...batch, x: batch.x.subarray(0, keep * xRow), y: batch.y.subarray(0, keep * yRow), rows: keep };
    }
    offset += batch.rows;
    yield batch;
  }
}

export function disposeSource(source: DataSource): void {
  if (source.kind === 'tensors') source.owned.forEach((t) => t.dispose());
}
