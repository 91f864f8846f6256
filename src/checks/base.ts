/**
 * The Check interface: one checklist item as a function of a context, returning
 * problems as data (findings) and the numbers behind them (measurements).
 * Checks never draw and never print; they never mutate the user's model.
 *
 * CheckContext is owned by the diagnose pipeline (src/diagnose.ts); fields are
 * added as checks need them, never renamed.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Finding, FindingId, DiagnosisContext } from '../types';
import type { Measurements } from '../measurements';
import type { SplitProfile } from '../data/profile';
import type { ModelFacts } from '../context/model-info';
import type { ChanceLevel } from '../context/chance';

/** A bounded, seeded sample of the user's data as tensors, owned (and disposed) by diagnose(). */
export interface ProbeData {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Position of each row in the user's data (or stream order for datasets). */
  indices: number[];
}

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

export interface CheckContext {
  /** The user's model: read it, never change it. Train clones from cloneModel(). */
  readonly model: tf.LayersModel;
  readonly train: ProbeData;
  readonly validation?: ProbeData;
  readonly info: DiagnosisContext;
  /** The training loss as compiled (or given in options), mean over the batch. */
  readonly loss: LossFunction;
  /** A fresh optimizer configured like the user's (same class, learning rate, options). */
  makeOptimizer(): tf.Optimizer;
  /** A deep copy of the model with the same weights, safe to train; the caller disposes it. */
  cloneModel(): Promise<tf.LayersModel>;
  /** Seeded uniform random numbers in [0, 1). */
  random(): number;
  /** Results of the checks that ran before this one (e.g. the initial loss). */
  readonly earlier: { readonly findings: readonly Finding[]; readonly measurements: Measurements };
  /** Reports progress on long work; cheap to call. */
  progress(message: string): void;
  /** The loss of each row (shape [n]) for losses known by name; undefined for custom losses. */
  readonly lossPerRow?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
  /** Streaming statistics of the whole data, one pass per split, computed before any check. */
  readonly profile: DataProfiles;
  /** Read-only facts about the model: input/output shapes, output activation, parameter count. */
  readonly facts: ModelFacts;
  /** The chance-level loss for these labels and this loss, when it is defined. */
  readonly chance?: ChanceLevel;
  /** Names of the statistics groups: one per feature (tabular) or per channel (image, sequence). */
  readonly featureNames: string[];
}

export interface DataProfiles {
  /** How the data came: tensors/arrays (model.fit shuffles them) or a tf.data.Dataset (iterated as given). */
  source: 'tensors' | 'dataset';
  train: SplitProfile;
  validation?: SplitProfile;
}

export interface CheckResult {
  findings: Finding[];
  measurements?: Measurements;
  /** Set when the check could not run meaningfully (e.g. 'regression has no classes'). */
  skipped?: string;
  note?: string;
}

export interface Check {
  /** Stable id shown in report.checks, e.g. 'labels' or 'gradient-flow'. */
  id: string;
  /** CHECKLIST.md sections this check covers, e.g. ['D5', 'D7']. */
  checklist: string[];
  /** Finding ids this check can produce, so options.checks can select checks by finding id. */
  findings?: readonly FindingId[];
  /** Only run with budget 'thorough'. */
  thoroughOnly?: boolean;
  run(context: CheckContext): Promise<CheckResult>;
}
