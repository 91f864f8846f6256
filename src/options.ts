/**
 * Options of diagnose(): their types, their defaults (one object), and the
 * single place where they are resolved (with `??`, never `||`).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Budget, InputKind, Task } from './types';
import type { LossFunction } from './checks/base';
import { DiagnoseInputError } from './data/errors';

/** `{ x, y }` as tensors or nested number arrays, or a tf.data.Dataset of `{ xs, ys }` batches. */
export type TensorLike = tf.Tensor | number[] | number[][] | number[][][] | number[][][][];
export interface XY {
  x: TensorLike;
  y: TensorLike;
}
export type DatasetElement = { xs: tf.Tensor; ys: tf.Tensor };
/** Datasets must yield DatasetElement batches; the element type stays loose because tf.data.map() erases it. */
export type DiagnoseData = XY | tf.data.Dataset<DatasetElement> | tf.data.Dataset<tf.TensorContainer>;

/** What onProgress receives: the check running now and how far the whole diagnosis is. */
export interface ProgressEvent {
  /** 'profile' while streaming the data, then the id of the check running. */
  stage: string;
  message: string;
  /** Completed fraction of the diagnosis, 0..1. */
  fraction: number;
}

export interface DiagnoseOptions {
  /** Validation data, same forms as the training data. Defaults to none (split checks are skipped). */
  validation?: DiagnoseData;
  /** Defaults to inferred from the loss, the output activation and the labels. */
  task?: Task;
  /** Loss name ('categoricalCrossentropy', ...) or function. Defaults to the compiled loss; required for an uncompiled model. */
  loss?: string | LossFunction;
  /** Optimizer for probes. Defaults to a fresh copy of the compiled optimizer's class and settings, else Adam. */
  optimizer?: tf.Optimizer;
  /** Training batch size the probes and batch checks mimic. Defaults to 32. */
  batchSize?: number;
  /** Learning rate for probes. Defaults to the compiled optimizer's (or 0.001 for the Adam fallback). */
  learningRate?: number;
  /** Names of the classes, in index order. Defaults to '0', '1', ... */
  classNames?: string[];
  /** Defaults to inferred from the input shape. */
  inputKind?: InputKind;
  /** Check ids or finding ids to run only, or to skip. Defaults to every check of the budget. */
  checks?: { only?: string[]; skip?: string[] };
  /** 'quick' samples up to 2048 rows and runs the fast checks; 'thorough' samples more and runs all. Defaults to 'quick'. */
  budget?: Budget;
  /** Seed of every random choice (sampling, probes). Defaults to 42. */
  seed?: number;
  /** Render the report: true, false, or 'auto' (render when running inside tslab). Defaults to 'auto'. */
  display?: boolean | 'auto';
  /** Called as the diagnosis advances. Defaults to no-op. */
  onProgress?: (event: ProgressEvent) => void;
}

export const DEFAULTS = {
  batchSize: 32,
  budget: 'quick' as Budget,
  seed: 42,
  display: 'auto' as boolean | 'auto',
  onProgress: (_event: ProgressEvent): void => undefined,
  /** Rows kept in memory as probe tensors, by budget: bounded whatever the data size. */
  sampleRows: { quick: 2048, thorough: 8192 } as Record<Budget, number>,
};

export interface ResolvedOptions {
  validation?: DiagnoseData;
  task?: Task;
  loss?: string | LossFunction;
  optimizer?: tf.Optimizer;
  batchSize: number;
  learningRate?: number;
  classNames?: string[];
  inputKind?: InputKind;
  only: string[];
  skip: string[];
  budget: Budget;
  seed: number;
  display: boolean | 'auto';
  onProgress: (event: ProgressEvent) => void;
  sampleRows: number;
}

const TASKS: readonly Task[] = ['multiclass', 'binary', 'multilabel', 'regression'];
const INPUT_KINDS: readonly InputKind[] = ['image', 'tabular', 'sequence'];

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[]): T | undefined {
  if (value !== undefined && !allowed.includes(value)) {
    throw new DiagnoseInputError(`options.${name} is ${JSON.stringify(value)}; use one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
  }
  return value;
}

function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new DiagnoseInputError(`options.${name} is ${value}; use a positive integer such as 32.`);
  }
  return value;
}

/** Resolves options once, at the top of diagnose(); the result is never mutated. */
export function resolveOptions(options: DiagnoseOptions | undefined): ResolvedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new DiagnoseInputError('options must be an object such as { validation: { x, y } }, or left out.');
  }
  const o = options ?? {};
  const budget = oneOf('budget', o.budget, ['quick', 'thorough']) ?? DEFAULTS.budget;
  if (o.learningRate !== undefined && !(o.learningRate > 0 && Number.isFinite(o.learningRate))) {
    throw new DiagnoseInputError(`options.learningRate is ${o.learningRate}; use a positive number such as 0.001.`);
  }
  if (o.seed !== undefined && !Number.isFinite(o.seed)) {
    throw new DiagnoseInputError(`options.seed is ${o.seed}; use a finite number such as 42.`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new DiagnoseInputError('options.onProgress must be a function (event) => void.');
  }
  if (o.display !== undefined && ![true, false, 'auto'].includes(o.display)) {
    throw new DiagnoseInputError(`options.display is ${JSON.stringify(o.display)}; use true, false or 'auto'.`);
  }
  return {
    validation: o.validation,
    task: oneOf('task', o.task, TASKS),
    loss: o.loss,
    optimizer: o.optimizer,
    batchSize: positiveInteger('batchSize', o.batchSize) ?? DEFAULTS.batchSize,
    learningRate: o.learningRate,
    classNames: o.classNames,
    inputKind: oneOf('inputKind', o.inputKind, INPUT_KINDS),
    only: [...(o.checks?.only ?? [])],
    skip: [...(o.checks?.skip ?? [])],
    budget,
    seed: o.seed ?? DEFAULTS.seed,
    display: o.display ?? DEFAULTS.display,
    onProgress: o.onProgress ?? DEFAULTS.onProgress,
    sampleRows: DEFAULTS.sampleRows[budget],
  };
}
