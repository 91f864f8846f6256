/**
 * What the user did not say, inferred from the loss, the output layer, the
 * shapes and the labels, with the evidence in plain words for the report.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Inferred, InputKind, Task } from '../types';
import type { ModelFacts } from './model-info';
import type { LabelStats } from '../data/stats';

/** How columns of a row are grouped for statistics: per channel/feature. */
export function groupsForShape(rowShape: number[]): number {
  if (rowShape.length === 0) return 1;
  return rowShape.length === 1 ? rowShape[0] : rowShape[rowShape.length - 1];
}

/**
 * Mean correlation, over the sample, between each value and its right and
 * lower neighbour on a side x side grid (pairs where both vary). Pixels of an
 * image move with their neighbours (MNIST: ~0.6); the columns of a table in
 * arbitrary order do not (~0).
 */
export function gridNeighbourCorrelation(sample: readonly ArrayLike<number>[], side: number): number {
  const n = sample.length;
  if (n < 3) return 0;
  const size = side * side;
  const mean = new Float64Array(size);
  const m2 = new Float64Array(size);
  for (const row of sample) for (let j = 0; j < size; j++) mean[j] += row[j] / n;
  for (const row of sample) for (let j = 0; j < size; j++) m2[j] += (row[j] - mean[j]) ** 2;
  let total = 0;
  let pairs = 0;
  const pair = (a: number, b: number): void => {
    if (!(m2[a] > 0) || !(m2[b] > 0)) return;
    let cross = 0;
    for (const row of sample) cross += (row[a] - mean[a]) * (row[b] - mean[b]);
    const r = cross / Math.sqrt(m2[a] * m2[b]);
    if (!Number.isFinite(r)) return;
    total += r;
    pairs++;
  };
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const j = y * side + x;
      if (x + 1 < side) pair(j, j + 1);
      if (y + 1 < side) pair(j, j + side);
    }
  }
  return pairs > 0 ? total / pairs : 0;
}

/** Neighbouring pixels correlate at least this much on average in an image; shuffled table columns sit near 0. */
const IMAGE_NEIGHBOUR_CORRELATION = 0.3;
/** Rows of the sample read to measure it: plenty for a stable mean over hundreds of pairs. */
const CORRELATION_ROWS = 512;

/**
 * A flattened square image side, when a tabular-looking row is probably one (784 = 28x28):
 * non-negative values, or (standardized pixels) values that move with their grid neighbours.
 */
function flatImageSide(rowShape: number[], minValue: number, sample: readonly ArrayLike<number>[]): { side: number; why: string } | undefined {
  if (rowShape.length !== 1) return undefined;
  const side = Math.round(Math.sqrt(rowShape[0]));
  // 16x16 is the smallest common image size.
  if (side < 16 || side * side !== rowShape[0]) return undefined;
  if (minValue >= 0) return { side, why: 'non-negative' };
  const correlation = gridNeighbourCorrelation(sample.slice(0, CORRELATION_ROWS), side);
  return correlation >= IMAGE_NEIGHBOUR_CORRELATION ? { side, why: `neighbour-correlated (mean r = ${correlation.toFixed(2)})` } : undefined;
}

/** True when the model's first layer is an Embedding: its inputs are token ids (indices, not measurements). */
export function feedsEmbedding(model: tf.LayersModel): boolean {
  return model.layers.find((l) => l.getClassName() !== 'InputLayer')?.getClassName() === 'Embedding';
}

/**
 * `sample`: rows of the data (flattened), used to recognise standardized
 * flattened images; `tokens`: the inputs feed an Embedding (a sequence of ids).
 */
export function inferInputKind(
  option: InputKind | undefined, rowShape: number[], minValue: number, sample: readonly ArrayLike<number>[] = [], tokens = false,
): Inferred<InputKind> {
  if (option) return { value: option, source: 'option' };
  if (tokens) return { value: 'sequence', source: 'inferred', reason: `token ids of shape [${rowShape}] feeding an Embedding layer` };
  if (rowShape.length === 3 && [1, 3, 4].includes(rowShape[2])) {
    return { value: 'image', source: 'inferred', reason: `inputs of shape [${rowShape}] (height, width, ${rowShape[2]} channel${rowShape[2] > 1 ? 's' : ''})` };
  }
  const flat = flatImageSide(rowShape, minValue, sample);
  if (flat) {
    return { value: 'image', source: 'inferred', reason: `${rowShape[0]} ${flat.why} features = ${flat.side}x${flat.side}: read as a flattened grayscale image` };
  }
  if (rowShape.length >= 2) {
    return { value: 'sequence', source: 'inferred', reason: `inputs of shape [${rowShape}] (steps, features)` };
  }
  return { value: 'tabular', source: 'inferred', reason: `${rowShape[0] ?? 1} features per sample` };
}

/**
 * Label vectors per sample. A sequence output ([T, C]) is scored per
 * timestep: labels [T, C] (one-hot per step) or [T] / [T, 1] (a class index
 * per step) hold T label vectors of the last axis, each one sample of the
 * loss. Any other labels hold one vector per sample.
 */
export function labelSteps(labelShape: readonly number[], outputShape: readonly (number | null)[]): number {
  if (outputShape.length < 2) return 1;
  const lead = outputShape.length - 1;
  if (labelShape.length !== lead && labelShape.length !== outputShape.length) return 1;
  // The timestep axes must be the output's ([n, 36] labels against a [3, 12] output are a shape mistake, not steps).
  const steps = labelShape.slice(0, lead);
  if (steps.some((d, i) => outputShape[i] !== null && outputShape[i] !== d)) return 1;
  return steps.reduce((a, b) => a * b, 1);
}

/** Height, width and channels of an image row, for drawing samples. */
export function imageDims(rowShape: number[]): [number, number, number] | undefined {
  if (rowShape.length === 3) return [rowShape[0], rowShape[1], rowShape[2]];
  if (rowShape.length === 2) return [rowShape[0], rowShape[1], 1];
  const side = Math.round(Math.sqrt(rowShape[0] ?? 0));
  return side * side === rowShape[0] ? [side, side, 1] : undefined;
}

const CROSS_ENTROPY = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy']);

function isOneHot(labels: LabelStats): boolean {
  return labels.width > 1 && labels.multiHotRows === 0 && labels.rowsNotSummingToOne === 0;
}

/** 0/1 label rows, one column per output unit, some holding more than one 1: several labels per sample. */
export function isMultiHot(labels: LabelStats, units: number): boolean {
  return units > 1 && labels.width === units && labels.nonBinary === 0 && labels.multiHotRows > 0;
}

function isBinaryColumn(labels: LabelStats): boolean {
  return labels.width === 1 && labels.nonBinary === 0;
}

export function inferTask(option: Task | undefined, lossName: string, facts: ModelFacts, labels: LabelStats): Inferred<Task> {
  if (option) return { value: option, source: 'option' };
  const act = facts.outputActivation;
  const units = facts.outputUnits;
  if (lossName === 'categoricalCrossentropy' && isMultiHot(labels, units)) {
    return { value: 'multilabel', source: 'inferred', reason: `${labels.multiHotRows} label rows hold several 1s: several labels per sample (trained with ${lossName})` };
  }
  if (CROSS_ENTROPY.has(lossName)) return { value: 'multiclass', source: 'inferred', reason: `loss ${lossName}` };
  if (lossName === 'binaryCrossentropy') {
    if (units === 1) return { value: 'binary', source: 'inferred', reason: 'binaryCrossentropy on 1 output unit' };
    if (act === 'softmax' && isOneHot(labels)) {
      return { value: 'multiclass', source: 'inferred', reason: `softmax output with ${units} units and one-hot labels` };
    }
    return { value: 'multilabel', source: 'inferred', reason: `binaryCrossentropy on ${units} output units${isMultiHot(labels, units) ? ` and ${labels.multiHotRows} label rows with several 1s` : ''}` };
  }
  if (act === 'softmax' && units > 1) return { value: 'multiclass', source: 'inferred', reason: `softmax output with ${units} units` };
  if (act === 'sigmoid' && units === 1 && isBinaryColumn(labels)) {
    return { value: 'binary', source: 'inferred', reason: 'sigmoid output with 0/1 labels' };
  }
  if (act === 'sigmoid' && units > 1 && labels.width === units && labels.nonBinary === 0) {
    return { value: 'multilabel', source: 'inferred', reason: `sigmoid output with ${units} units and 0/1 labels` };
  }
  return { value: 'regression', source: 'inferred', reason: `loss ${lossName} with a ${act} output` };
}

/** Number of classes for classification tasks. */
export function inferClassCount(task: Task, facts: ModelFacts, labels: LabelStats): number | undefined {
  if (task === 'regression') return undefined;
  if (task === 'binary') return 2;
  if (facts.outputUnits > 1) return facts.outputUnits;
  if (labels.width > 1) return labels.width;
  const values = [...labels.valueCounts.keys()].filter(Number.isInteger);
  return values.length > 0 ? Math.max(...values) + 1 : undefined;
}

/**
 * Count of each class 0..C-1 in the labels (sparse values or one-hot argmax).
 * Binary targets in [0, 1] that are not 0 or 1 (label smoothing: 0.1/0.9)
 * count as the class they lean to, as a 0.5 threshold reads them.
 */
export function classCounts(labels: LabelStats, numClasses: number): number[] {
  if (labels.width > 1) return Array.from(labels.argmaxCounts.slice(0, numClasses));
  const counts = new Array<number>(numClasses).fill(0);
  for (const [value, count] of labels.valueCounts) {
    if (Number.isInteger(value) && value >= 0 && value < numClasses) counts[value] += count;
    else if (numClasses === 2 && value > 0 && value < 1) counts[value >= 0.5 ? 1 : 0] += count;
  }
  return counts;
}
