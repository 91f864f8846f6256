/**
 * Data for a model with several inputs or outputs, as model.fit takes it:
 * `x` / `y` as arrays (model.inputs / model.outputs order) or objects keyed by
 * input / output name, or a tf.data.Dataset whose `xs` / `ys` are such arrays
 * or objects. Validated up front (clear DiagnoseInputErrors), then cut into
 * "facets": single-x / single-y DataSources the existing pipeline streams, with
 * several inputs (or outputs) packed per sample (see model/packing.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../data/errors';
import { toTensor, type DataSource } from '../data/source';
import { describeValue } from '../messages/errors';
import { packRows } from '../model/packing';
import type { DiagnoseData, TensorLike } from '../options';

type Side = 'inputs' | 'outputs';

export type MultiData =
  | { kind: 'tensors'; inputs: tf.Tensor[]; outputs: tf.Tensor[]; rows: number; owned: tf.Tensor[] }
  | { kind: 'dataset'; dataset: tf.data.Dataset<tf.TensorContainer> };

/** Which inputs and outputs one facet streams (indices into model.inputs / model.outputs). */
export interface FacetPick {
  inputs: readonly number[];
  outputs: readonly number[];
}

function isDataset(value: unknown): value is tf.data.Dataset<tf.TensorContainer> {
  return typeof value === 'object' && value !== null && typeof (value as { iterator?: unknown }).iterator === 'function';
}

/** True for an array holding per-input values (tensors), not the rows of one nested array. */
function isListOfTensors(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof tf.Tensor);
}

/**
 * The values of `value` in model order: one per name. One name takes the value
 * itself (a tensor or nested array) or a one-element list or object.
 */
export function inModelOrder<T>(value: unknown, names: readonly string[], side: Side, name: string, one: (v: unknown) => boolean): T[] {
  if (names.length === 1 && one(value) && !isListOfTensors(value)) return [value as T];
  if (Array.isArray(value)) {
    if (value.length !== names.length) throw inputError('severalCount', name, side, value.length, names);
    return value as T[];
  }
  if (typeof value !== 'object' || value === null || value instanceof tf.Tensor || ArrayBuffer.isView(value)) {
    throw inputError('severalNotList', name, side, describeValue(value), names);
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !names.includes(key));
  if (unknown !== undefined) throw inputError('severalUnknownName', name, side, unknown, names);
  const missing = names.find((key) => !(key in record));
  if (missing !== undefined) throw inputError('severalMissingName', name, side, missing, names);
  return names.map((key) => record[key] as T);
}

const isSingleLike = (v: unknown): boolean => v instanceof tf.Tensor || Array.isArray(v);

function rowCounts(model: tf.LayersModel, inputs: tf.Tensor[], outputs: tf.Tensor[]): string {
  return [
    ...inputs.map((t, i) => `input '${model.inputNames[i]}': ${t.shape[0]}`),
    ...outputs.map((t, i) => `output '${model.outputNames[i]}': ${t.shape[0]}`),
  ].join(', ');
}

/** Validates `data` against the model's inputs and outputs and wraps it; tensors made from arrays are `owned`. */
export function toMultiData(model: tf.LayersModel, data: DiagnoseData | undefined, name: string): MultiData {
  if (data === undefined || data === null) throw inputError('dataMissing', name);
  if (typeof data !== 'object') throw inputError('dataWrongKind', name, data);
  if (isDataset(data)) return { kind: 'dataset', dataset: data };
  if (ArrayBuffer.isView(data) || Array.isArray(data) || data instanceof tf.Tensor) throw inputError('dataWrongKind', name, data);
  if (!('x' in data) || !('y' in data)) throw inputError('dataNotXY', name, Object.keys(data));
  const owned: tf.Tensor[] = [];
  try {
    const xs = inModelOrder<TensorLike>(data.x, model.inputNames, 'inputs', `${name}.x`, isSingleLike);
    const ys = inModelOrder<TensorLike>(data.y, model.outputNames, 'outputs', `${name}.y`, isSingleLike);
    const label = (side: string, names: readonly string[], i: number): string => (names.length > 1 ? `${side}.${names[i]}` : side);
    const inputs = xs.map((v, i) => toTensor(v, label(`${name}.x`, model.inputNames, i), owned));
    const outputs = ys.map((v, i) => toTensor(v, label(`${name}.y`, model.outputNames, i), owned));
    if ([...inputs, ...outputs].some((t) => t.rank === 0)) throw inputError('scalarData', name);
    const rows = inputs[0].shape[0];
    if (rows === 0) throw inputError('noSamples', name);
    if ([...inputs, ...outputs].some((t) => t.shape[0] !== rows)) throw inputError('severalRows', name, rowCounts(model, inputs, outputs));
    return { kind: 'tensors', inputs, outputs, rows, owned };
  } catch (error) {
    owned.forEach((t) => t.dispose());
    throw error;
  }
}

/** One dataset element's inputs and labels in model order (tensors), with the model's errors for wrong structure. */
function elementParts(model: tf.LayersModel, value: unknown, name: string): { inputs: tf.Tensor[]; outputs: tf.Tensor[] } {
  const element = value as { xs?: unknown; ys?: unknown };
  if (typeof value !== 'object' || value === null || !('xs' in element) || !('ys' in element)) {
    throw inputError('datasetElement', name, value instanceof tf.Tensor ? `a tensor of shape [${value.shape}]` : describeValue(value));
  }
  const tensor = (v: unknown): boolean => v instanceof tf.Tensor;
  const inputs = inModelOrder<unknown>(element.xs, model.inputNames, 'inputs', `${name} xs`, tensor);
  const outputs = inModelOrder<unknown>(element.ys, model.outputNames, 'outputs', `${name} ys`, tensor);
  const all = [...inputs, ...outputs];
  const notTensor = all.findIndex((t) => !(t instanceof tf.Tensor));
  if (notTensor >= 0) throw inputError('severalNotList', `${name} xs/ys`, notTensor < inputs.length ? 'inputs' : 'outputs', describeValue(all[notTensor]), notTensor < inputs.length ? model.inputNames : model.outputNames);
  const ts = all as tf.Tensor[];
  if (ts.some((t) => t.dtype === 'string')) throw inputError('datasetStrings', name);
  const rows = ts[0].rank > 0 ? ts[0].shape[0] : -1;
  if (ts.some((t) => t.rank === 0 || t.shape[0] !== rows)) {
    throw inputError('severalBatchRows', name, rowCounts(model, ts.slice(0, inputs.length), ts.slice(inputs.length)));
  }
  return { inputs: ts.slice(0, inputs.length), outputs: ts.slice(inputs.length) };
}

/** Reads the first element of a dataset to validate its structure (the element is disposed). */
export async function checkFirstElement(model: tf.LayersModel, data: MultiData, name: string): Promise<void> {
  if (data.kind !== 'dataset') return;
  let first: IteratorResult<tf.TensorContainer>;
  try {
    const iterator = await data.dataset.take(1).iterator();
    first = await iterator.next();
  } catch (error) {
    throw inputError('datasetFailed', name, error instanceof Error ? error.message : String(error));
  }
  if (first.done) throw inputError('datasetEmpty', name);
  try {
    const parts = elementParts(model, first.value, name);
    const unbatched = parts.inputs.some((t, i) => t.rank === model.inputs[i].shape.length - 1);
    if (unbatched) throw inputError('datasetUnbatched', name, parts.inputs[0].shape, parts.outputs[0].shape);
  } finally {
    tf.dispose(first.value);
  }
}

/** One tensor for the picked parts: the part itself when there is one, else the parts packed per sample. */
function joined(parts: tf.Tensor[]): tf.Tensor {
  return parts.length === 1 ? parts[0] : packRows(parts);
}

/** The picked inputs and outputs as a DataSource the pipeline streams; packed tensors join `owned`. */
export function facetSource(model: tf.LayersModel, data: MultiData, pick: FacetPick, name: string): DataSource {
  if (data.kind === 'tensors') {
    const x = joined(pick.inputs.map((i) => data.inputs[i]));
    const y = joined(pick.outputs.map((j) => data.outputs[j]));
    const owned = [x, y].filter((t) => !data.inputs.includes(t) && !data.outputs.includes(t));
    return { kind: 'tensors', x, y, rows: data.rows, owned };
  }
  const dataset = data.dataset.map((element) => {
    const parts = elementParts(model, element, name);
    return { xs: joined(pick.inputs.map((i) => parts.inputs[i])), ys: joined(pick.outputs.map((j) => parts.outputs[j])) };
  });
  return { kind: 'dataset', dataset };
}

export function disposeMultiData(data: MultiData): void {
  if (data.kind === 'tensors') data.owned.forEach((t) => t.dispose());
}
