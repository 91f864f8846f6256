/**
 * What the user did not say, inferred from the loss, the output layer, the
 * shapes and the labels, with the evidence in plain words for the report.
 */
import type { Inferred, InputKind, Task } from '../types';
import type { ModelFacts } from './model-info';
import type { LabelStats } from '../data/stats';

/** How columns of a row are grouped for statistics: per channel/feature. */
export function groupsForShape(rowShape: number[]): number {
  if (rowShape.length === 0) return 1;
  return rowShape.length === 1 ? rowShape[0] : rowShape[rowShape.length - 1];
}

/** A flattened square image side, when a tabular-looking row is probably one (784 = 28x28). */
function flatImageSide(rowShape: number[], minValue: number): number | undefined {
  if (rowShape.length !== 1) return undefined;
  const side = Math.round(Math.sqrt(rowShape[0]));
  // 16x16 is the smallest common image size; non-negative values rule out standardized tables.
  return side >= 16 && side * side === rowShape[0] && minValue >= 0 ? side : undefined;
}

export function inferInputKind(option: InputKind | undefined, rowShape: number[], minValue: number): Inferred<InputKind> {
  if (option) return { value: option, source: 'option' };
  if (rowShape.length === 3 && [1, 3, 4].includes(rowShape[2])) {
    return { value: 'image', source: 'inferred', reason: `inputs of shape [${rowShape}] (height, width, ${rowShape[2]} channel${rowShape[2] > 1 ? 's' : ''})` };
  }
  const side = flatImageSide(rowShape, minValue);
  if (side) {
    return { value: 'image', source: 'inferred', reason: `${rowShape[0]} non-negative features = ${side}x${side}: read as a flattened grayscale image` };
  }
  if (rowShape.length >= 2) {
    return { value: 'sequence', source: 'inferred', reason: `inputs of shape [${rowShape}] (steps, features)` };
  }
  return { value: 'tabular', source: 'inferred', reason: `${rowShape[0] ?? 1} features per sample` };
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

function isBinaryColumn(labels: LabelStats): boolean {
  return labels.width === 1 && labels.nonBinary === 0;
}

export function inferTask(option: Task | undefined, lossName: string, facts: ModelFacts, labels: LabelStats): Inferred<Task> {
  if (option) return { value: option, source: 'option' };
  const act = facts.outputActivation;
  const units = facts.outputUnits;
  if (CROSS_ENTROPY.has(lossName)) return { value: 'multiclass', source: 'inferred', reason: `loss ${lossName}` };
  if (lossName === 'binaryCrossentropy') {
    if (units === 1) return { value: 'binary', source: 'inferred', reason: 'binaryCrossentropy on 1 output unit' };
    if (act === 'softmax' && isOneHot(labels)) {
      return { value: 'multiclass', source: 'inferred', reason: `softmax output with ${units} units and one-hot labels` };
    }
    return { value: 'multilabel', source: 'inferred', reason: `binaryCrossentropy on ${units} output units` };
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
