/**
 * Options of diagnose(): their types, their defaults (one object), and the
 * single place where they are resolved (with `??`, never `||`).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Budget, InputKind, Task } from './types';
import type { LossFunction } from './checks/base';
import { inputError } from './data/errors';
import { OPTIMIZER_NAMES } from './context/optimizer';

/** `{ x, y }` as tensors or nested number arrays, or a tf.data.Dataset of `{ xs, ys }` batches. */
export type TensorLike = tf.Tensor | number[] | number[][] | number[][][] | number[][][][];
/**
 * Models with several inputs (outputs) take one TensorLike per input (output), as model.fit does:
 * an array in model.inputs (model.outputs) order, or an object keyed by input (output) name.
 */
export type SeveralTensorLike = TensorLike | TensorLike[] | Record<string, TensorLike>;
export interface XY {
  x: SeveralTensorLike;
  y: SeveralTensorLike;
}
export type DatasetElement = { xs: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>; ys: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor> };
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
  /**
   * Optimizer for probes: a tf.Optimizer (only its class and settings are read) or a name as model.compile
   * takes it ('sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax'). Defaults to a fresh copy of the
   * compiled optimizer's class and settings, else Adam.
   */
  optimizer?: tf.Optimizer | string;
  /** Training batch size the probes and batch checks mimic. Defaults to 32. */
  batchSize?: number;
  /** Learning rate for probes. Defaults to the compiled optimizer's (or 0.001 for the Adam fallback). */
  learningRate?: number;
  /**
   * Names of the classes, in index order: one list for a single output, or, for a model with several
   * outputs, a list per classification output keyed by output name ({ auxClass: ['circle', 'square'] };
   * outputs left out keep the default). Each list names every class of its output. Defaults to '0', '1', ...
   * (for a next-token output, `vocabulary` when it is as long).
   */
  classNames?: string[] | Record<string, string[]>;
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
  /**
   * Samples read at most from each split; a longer (or endless) dataset is read up to here and the
   * report says so. Defaults to 1,000,000.
   */
  maxSamples?: number;
  /** Cancels the diagnosis: it rejects with signal.reason, leaving no tensors behind. Defaults to none. */
  signal?: AbortSignal;
  /**
   * The token of each id (vocabulary[id]), for token inputs and sequence outputs: prediction views show
   * tokens instead of ids, and an entry named like '[UNK]' or '<unk>' lets the token check measure
   * the share of unknown tokens. Defaults to none (ids are shown).
   */
  vocabulary?: string[];
}

export const DEFAULTS = {
  batchSize: 32,
  budget: 'quick' as Budget,
  seed: 42,
  display: 'auto' as boolean | 'auto',
  onProgress: (_event: ProgressEvent): void => undefined,
  /** Rows kept in memory as probe tensors, by budget: bounded whatever the data size. */
  sampleRows: { quick: 2048, thorough: 8192 } as Record<Budget, number>,
  maxSamples: 1_000_000,
  /** Longest stretch of data reading between two turns of the event loop, in ms. */
  yieldMs: 50,
};

export interface ResolvedOptions {
  validation?: DiagnoseData;
  task?: Task;
  loss?: string | LossFunction;
  optimizer?: tf.Optimizer | string;
  batchSize: number;
  learningRate?: number;
  /** The single-list form of options.classNames. */
  classNames?: string[];
  /** The per-output form of options.classNames, by output name (checked against the model in src/multi/class-names.ts). */
  outputClassNames?: Readonly<Record<string, string[]>>;
  inputKind?: InputKind;
  only: string[];
  skip: string[];
  budget: Budget;
  seed: number;
  display: boolean | 'auto';
  onProgress: (event: ProgressEvent) => void;
  sampleRows: number;
  maxSamples: number;
  signal?: AbortSignal;
  yieldMs: number;
  vocabulary?: string[];
}

const TASKS: readonly Task[] = ['multiclass', 'binary', 'multilabel', 'regression'];
const INPUT_KINDS: readonly InputKind[] = ['image', 'tabular', 'sequence'];

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[]): T | undefined {
  if (value !== undefined && !allowed.includes(value)) throw inputError('optionOneOf', name, value, allowed);
  return value;
}

function positiveInteger(name: string, value: unknown, example: number): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw inputError('optionPositiveInteger', name, value, example);
  }
  return value;
}

/** A list of strings; a lone string is refused (spreading it would split it into characters). */
function stringList(name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' || typeof v === 'number')) throw inputError('optionStringList', name, value);
  return value.map(String);
}

function checksOption(value: unknown): { only: string[]; skip: string[] } {
  if (value === undefined) return { only: [], skip: [] };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw inputError('checksNotObject', value);
  const { only, skip } = value as { only?: unknown; skip?: unknown };
  return { only: stringList('checks.only', only) ?? [], skip: stringList('checks.skip', skip) ?? [] };
}

function optimizerOption(value: unknown): tf.Optimizer | string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (!OPTIMIZER_NAMES.includes(value)) throw inputError('optimizerUnknown', value, OPTIMIZER_NAMES);
    return value;
  }
  const optimizer = value as Partial<tf.Optimizer> | null;
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.getClassName !== 'function' || typeof optimizer.getConfig !== 'function') {
    throw inputError('optimizerUnknown', value, OPTIMIZER_NAMES);
  }
  return value as tf.Optimizer;
}

function lossOption(value: unknown): string | LossFunction | undefined {
  if (value === undefined || typeof value === 'string' || typeof value === 'function') return value as string | LossFunction | undefined;
  throw inputError('lossNotLoss', value);
}

function signalOption(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw inputError('signalNotSignal', value);
  return value;
}

/** options.classNames: one list, or lists keyed by output name. */
function classNamesOption(value: unknown): { classNames?: string[]; outputClassNames?: Record<string, string[]> } {
  if (value === undefined || Array.isArray(value) || typeof value !== 'object' || value === null) return { classNames: stringList('classNames', value) };
  const entries = Object.entries(value).map(([output, names]): [string, string[]] => [output, stringList(`classNames.${output}`, names) ?? []]);
  return { outputClassNames: Object.fromEntries(entries) };
}

/** A list of token strings (a lone string is refused: spreading it would split it into characters). */
function vocabularyOption(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw inputError('optionStringList', 'vocabulary', value);
  return [...value];
}

/** Resolves options once, at the top of diagnose(); the result is never mutated. */
export function resolveOptions(options: DiagnoseOptions | undefined): ResolvedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) throw inputError('optionsNotObject');
  const o = options ?? {};
  const budget = oneOf('budget', o.budget, ['quick', 'thorough']) ?? DEFAULTS.budget;
  const learningRate: unknown = o.learningRate;
  if (learningRate !== undefined && !(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
    throw inputError('optionPositiveNumber', 'learningRate', learningRate, 0.001);
  }
  const seed: unknown = o.seed;
  if (seed !== undefined && !(typeof seed === 'number' && Number.isFinite(seed))) throw inputError('optionFinite', 'seed', seed, 42);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw inputError('optionFunction', 'onProgress', '(event) => void');
  if (o.display !== undefined && ![true, false, 'auto'].includes(o.display)) throw inputError('optionDisplay', o.display);
  const checks = checksOption(o.checks);
  return {
    validation: o.validation,
    task: oneOf('task', o.task, TASKS),
    loss: lossOption(o.loss),
    optimizer: optimizerOption(o.optimizer),
    batchSize: positiveInteger('batchSize', o.batchSize, 32) ?? DEFAULTS.batchSize,
    learningRate: o.learningRate,
    ...classNamesOption(o.classNames),
    inputKind: oneOf('inputKind', o.inputKind, INPUT_KINDS),
    only: checks.only,
    skip: checks.skip,
    budget,
    seed: o.seed ?? DEFAULTS.seed,
    display: o.display ?? DEFAULTS.display,
    onProgress: o.onProgress ?? DEFAULTS.onProgress,
    sampleRows: DEFAULTS.sampleRows[budget],
    maxSamples: positiveInteger('maxSamples', o.maxSamples, 100_000) ?? DEFAULTS.maxSamples,
    signal: signalOption(o.signal),
    yieldMs: DEFAULTS.yieldMs,
    vocabulary: vocabularyOption(o.vocabulary),
  };
}
