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
import type { LayerActivation, Measurements, WeightGradient } from '../measurements';
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

/**
 * What checks hand to each other, typed (STYLE 11: dependencies as data, not
 * order). A check lists the keys it writes in `provides` and returns them in
 * `CheckResult.outputs`; a check lists the keys it reads in `needs` and finds
 * them in `context.inputs`. The runner orders checks by these declarations,
 * runs unselected prerequisites silently, and skips a check whose inputs could
 * not be measured instead of running it blind. Add keys freely; never rename one.
 */
export interface CheckOutputs {
  /** Mean loss of the model as it is (inference mode) over the probe batches; null when not finite. */
  initialLoss: number | null;
  /** One forward pass with taps: did any layer output NaN/Infinity? */
  forwardPass: {
    nonFinite: boolean;
    firstLayer?: string;
    /** Per-layer activation statistics of the model as it is (absent when nothing could be tapped). */
    layers?: LayerActivation[];
  };
  /** One real optimizer step on a clone: the loss and gradients, and whether any was NaN/Infinity. */
  gradientStep: {
    nonFinite: boolean;
    weights: WeightGradient[];
    /** The step showed what a too-high rate produces: exploding gradients, or updates far above 1e-3 of the weights that raised the loss. */
    rateSymptoms?: boolean;
  };
  /** The overfit-a-tiny-batch probe with the user's optimizer (and the reference optimizer when it failed). */
  overfit: {
    succeeded: boolean;
    diverged: boolean;
    initialLoss: number | null;
    finalLoss: number | null;
    steps: number;
    /** null when the reference optimizer did not run (the user's optimizer fit). */
    referenceSucceeded: boolean | null;
    /**
     * The user's run's training loss at each step (null: not finite) on its first `samples` rows, when
     * that run is the same every time (no dropout, noise, batch normalization or custom layer): another
     * probe that trains a fresh clone with a fresh optimizer on the same rows can read its steps here.
     */
    trainingLosses?: { samples: number; losses: (number | null)[] };
  };
}

export type InputKey = keyof CheckOutputs;

/** Causes -> the findings they can explain when both are present (see triage.ts). */
export type Explains = Partial<Record<FindingId, readonly FindingId[]>>;

export interface CheckContext<N extends InputKey = never> {
  /** The user's model: read it, never change it. Train clones from cloneModel(). */
  readonly model: tf.LayersModel;
  readonly train: ProbeData;
  readonly validation?: ProbeData;
  readonly info: DiagnosisContext;
  /** The training loss as compiled (or given in options), mean over the batch. */
  readonly loss: LossFunction;
  /** A fresh optimizer configured like the user's (same class, learning rate, options). */
  makeOptimizer(): tf.Optimizer;
  /**
   * A deep copy of the model with the same weights, safe to train; the caller
   * disposes it. Its random layers (dropout, noise) draw from `random` (the
   * runner gives each check a seeded stream), so the same seed trains it the same way.
   */
  cloneModel(random?: () => number): Promise<tf.LayersModel>;
  /** Seeded uniform random numbers in [0, 1). */
  random(): number;
  /**
   * What this check declared in `needs`, as measured by the checks that provide it.
   * The runner never runs a check whose inputs are missing.
   */
  readonly inputs: Readonly<Pick<CheckOutputs, N>>;
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
  /** options.vocabulary: the token of each id, when given (token inputs and sequence outputs). */
  readonly vocabulary?: readonly string[];
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
  /** The values this check declared in `provides` (a skipped check may still provide some). */
  outputs?: Partial<CheckOutputs>;
}

export interface Check<N extends InputKey = never> {
  /** Stable id shown in report.checks, e.g. 'labels' or 'gradient-flow'. */
  id: string;
  /** CHECKLIST.md sections this check covers, e.g. ['D5', 'D7']. */
  checklist: string[];
  /** Finding ids this check can produce, so options.checks can select checks by finding id. */
  findings?: readonly FindingId[];
  /** Only run with budget 'thorough'. */
  thoroughOnly?: boolean;
  /** Inputs read from other checks' outputs; the runner runs their providers first. */
  needs?: readonly N[];
  /** Outputs this check returns for others (each key has exactly one provider). */
  provides?: readonly InputKey[];
  /**
   * For the findings this check reports as causes: which other findings each
   * can explain (the edges of the triage graph). A finding with no entry is a
   * symptom or stands alone.
   */
  explains?: Explains;
  /**
   * How strong the evidence behind one of this check's findings is, in [0, 1]
   * (1: far past the threshold; below 0.5: borderline). Triage ranks weak
   * causes after strong ones. Defaults to evidence.strength, else by severity.
   */
  strength?(finding: Finding): number | undefined;
  run(context: CheckContext<N>): Promise<CheckResult>;
}

/** A check with any inputs: what check lists hold (a Check<'overfit'> is one). */
export type AnyCheck = Check<InputKey>;
