/**
 * User data in any accepted form -> a DataSource that can be streamed batch by
 * batch, validated before tfjs sees it so mistakes surface as clear errors.
 */
import * as tf from '@tensorflow/tfjs';
import { DiagnoseInputError } from './errors';
import type { DiagnoseData, TensorLike } from '../options';

export type DataSource =
  | { kind: 'tensors'; x: tf.Tensor; y: tf.Tensor; rows: number; owned: tf.Tensor[] }
  | { kind: 'dataset'; dataset: tf.data.Dataset<tf.TensorContainer> };

/** One batch as the stream yields it; the consumer disposes x and y. */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Stream position of the batch's first row. */
  offset: number;
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

function toTensor(value: TensorLike | undefined, name: string, owned: tf.Tensor[]): tf.Tensor {
  if (value === undefined || value === null) {
    throw new DiagnoseInputError(`${name} is missing; pass a tensor or a nested array of numbers.`);
  }
  if (isTensor(value)) {
    if (value.isDisposed) throw new DiagnoseInputError(`${name} is a disposed tensor; pass a live tensor (was it created inside tf.tidy?).`);
    if (value.dtype === 'string') {
      throw new DiagnoseInputError(`${name} holds strings; encode them as numbers first (class indices, one-hot, or embeddings).`);
    }
    return value;
  }
  if (!Array.isArray(value)) {
    throw new DiagnoseInputError(`${name} is a ${typeof value}; pass a tf.Tensor or a nested array of numbers.`);
  }
  if (value.length === 0) throw new DiagnoseInputError(`${name} is empty; pass at least one sample.`);
  const leaf = firstLeaf(value);
  if (typeof leaf !== 'number' && typeof leaf !== 'boolean') {
    throw new DiagnoseInputError(`${name} holds ${typeof leaf} values; pass numbers (encode strings as class indices or one-hot first).`);
  }
  let tensor: tf.Tensor;
  try {
    tensor = tf.tensor(value as number[]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DiagnoseInputError(`${name} is not a rectangular array of numbers (${reason}); give every sample the same shape.`);
  }
  owned.push(tensor);
  return tensor;
}

/**
 * Validates the shape of the data (not its values: the checks judge those) and
 * wraps it. Tensors made here from arrays are listed in `owned` for disposal.
 */
export function toDataSource(data: DiagnoseData | undefined, name: string): DataSource {
  if (data === undefined || data === null || typeof data !== 'object') {
    throw new DiagnoseInputError(`${name} is missing; pass { x, y } (tensors or arrays) or a tf.data.Dataset of { xs, ys }.`);
  }
  if (isDataset(data)) return { kind: 'dataset', dataset: data };
  if (!('x' in data) || !('y' in data)) {
    throw new DiagnoseInputError(`${name} must be { x, y } or a tf.data.Dataset of { xs, ys }; got an object with keys ${Object.keys(data).join(', ') || '(none)'}.`);
  }
  if (!isTensor(data.x) && !Array.isArray(data.x) && typeof data.x === 'object' && data.x !== null) {
    throw new DiagnoseInputError(`${name}.x is an object of inputs: models with several inputs are not supported yet; diagnose a single-input model.`);
  }
  const owned: tf.Tensor[] = [];
  try {
    const x = toTensor(data.x, `${name}.x`, owned);
    const y = toTensor(data.y, `${name}.y`, owned);
    if (x.rank === 0 || y.rank === 0) throw new DiagnoseInputError(`${name}.x and ${name}.y need a first (sample) axis; got a scalar.`);
    const rows = x.shape[0];
    if (rows === 0) throw new DiagnoseInputError(`${name}.x is empty (0 samples); pass at least one sample.`);
    if (y.shape[0] !== rows) {
      throw new DiagnoseInputError(`${name}.x has ${rows} samples but ${name}.y has ${y.shape[0]}; give one label per sample (same first dimension).`);
    }
    return { kind: 'tensors', x, y, rows, owned };
  } catch (error) {
    owned.forEach((t) => t.dispose());
    throw error;
  }
}

function describeElement(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return `{ ${Object.keys(value).join(', ')} }`;
}

/** Reads one dataset element as a batch, with clear errors for the usual mistakes. */
function elementToBatch(value: unknown, name: string, offset: number): Batch {
  const element = value as { xs?: unknown; ys?: unknown };
  if (typeof value !== 'object' || value === null || !('xs' in element) || !('ys' in element)) {
    throw new DiagnoseInputError(`${name} yields ${describeElement(value)}; it must yield { xs, ys } as model.fitDataset expects (map it: ds.map(e => ({ xs: e.x, ys: e.y }))).`);
  }
  if (!isTensor(element.xs)) {
    throw new DiagnoseInputError(`${name} yields xs that is not a tensor (an object or array of inputs): models with several inputs are not supported yet.`);
  }
  if (!isTensor(element.ys)) {
    throw new DiagnoseInputError(`${name} yields ys that is not a tensor (an object or array of outputs): models with several outputs are not supported yet.`);
  }
  const { xs, ys } = element;
  if (xs.dtype === 'string' || ys.dtype === 'string') {
    throw new DiagnoseInputError(`${name} yields string tensors; encode them as numbers first.`);
  }
  if (xs.rank === 0 || ys.rank === 0 || xs.shape[0] !== ys.shape[0]) {
    throw new DiagnoseInputError(`${name} yields xs of shape [${xs.shape}] and ys of shape [${ys.shape}]; both need the same batch size on the first axis (did you forget .batch(32)?).`);
  }
  return { x: xs, y: ys, offset };
}

/**
 * Streams the data in batches. Tensors are sliced `chunkRows` at a time;
 * datasets are iterated as training would, one element at a time, never
 * materialized. The consumer disposes every batch it receives.
 */
export async function* streamBatches(source: DataSource, chunkRows: number, name: string): AsyncGenerator<Batch> {
  if (source.kind === 'tensors') {
    for (let offset = 0; offset < source.rows; offset += chunkRows) {
      const size = Math.min(chunkRows, source.rows - offset);
      const x = tf.slice(source.x, offset, size);
      const y = tf.slice(source.y, offset, size);
      yield { x, y, offset };
    }
    return;
  }
  let iterator: Awaited<ReturnType<tf.data.Dataset<tf.TensorContainer>['iterator']>>;
  try {
    iterator = await source.dataset.iterator();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DiagnoseInputError(`${name} could not be iterated (${reason}).`);
  }
  let offset = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    let batch: Batch;
    try {
      batch = elementToBatch(next.value, name, offset);
    } catch (error) {
      tf.dispose(next.value as tf.TensorContainer);
      throw error;
    }
    offset += batch.x.shape[0];
    yield batch;
  }
}

export function disposeSource(source: DataSource): void {
  if (source.kind === 'tensors') source.owned.forEach((t) => t.dispose());
}
