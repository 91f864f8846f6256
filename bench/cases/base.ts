/**
 * The shape of a trust-benchmark case (issue 10 §6). Three kinds:
 *
 * - a real bug (`RealBug`): reported publicly for TensorFlow.js or Keras, linked
 *   by `source`, reproduced small in a buggy and a fixed version;
 * - an injected fault (`InjectedFault`): one thing broken in a healthy setup;
 * - a healthy control (`HealthyControl`): a tensorflow/tfjs-examples architecture
 *   at small size that trains well in a plain fit.
 *
 * Every case builds a fresh `Setup` (model, data, options) per run; the harness
 * owns it afterwards and disposes it. Builders run under a seeded Math.random
 * (see seed.ts), so initial weights are the same on every run.
 */
import type * as tf from '@tensorflow/tfjs';
import type { DiagnoseData, DiagnoseOptions } from '../../src/options';
import type { FindingId, Severity } from '../../src/types';

/**
 * Ids the issue asks for (issue 10 §2) that main's catalogue may not hold yet;
 * named as the trust-data and trust-checks branches add them. Once they are
 * on main these are plain FindingIds; one place to rename them meanwhile.
 */
export const PLANNED_IDS = {
  /** The output activation cannot reach the targets (sigmoid against prices, ReLU against negatives). */
  outputRange: 'output-range-mismatch',
  /** The loss for one sample depends on another sample's label ([n] vs [n, 1] broadcast). */
  lossMixing: 'loss-mixes-samples',
  /** Validation holds classes that never occur in training / validationSplit cuts a sorted tail. */
  splitClasses: 'split-class-missing',
  /** A layer narrower than what it must carry (a 1-unit bottleneck before 10 classes). */
  bottleneck: 'layer-bottleneck',
} as const;

export type PlannedId = (typeof PLANNED_IDS)[keyof typeof PLANNED_IDS];
export type CaseFindingId = FindingId | PlannedId;

/** A finding the buggy setup must produce: any of warning/error unless `severity` pins it. */
export type ExpectedFinding = CaseFindingId | { id: CaseFindingId; severity: Severity };

export interface Expected {
  /** What `report.triage.first` must be: the cause to fix first. Must also be found. */
  rootCause: CaseFindingId;
  /** Further findings that must be present (symptoms the issue says must be seen). Defaults to none. */
  findings?: readonly ExpectedFinding[];
}

/** What one run diagnoses: the user's model, data and diagnose() options. */
export interface Setup {
  model: tf.LayersModel;
  data: DiagnoseData;
  options?: DiagnoseOptions;
  /**
   * How a plain `model.fit` would be called (the harness's verbose mode fits and
   * prints the result). Defaults to { epochs: 5, batchSize: 32 }.
   */
  fit?: { epochs?: number; batchSize?: number; validationSplit?: number };
}

/** How well a plain fit must train a setup that is meant to work. */
export interface TrainsTo {
  /** 'acc' for classifiers (accuracy on the training data), 'loss' otherwise. */
  metric: 'acc' | 'loss';
  /** acc >= threshold, or loss <= threshold, after the fit. */
  threshold: number;
}

interface CaseBase {
  /** Stable, kebab-case; what `--only` takes. */
  id: string;
  /** One line: what the user saw (real bugs) or what was changed (faults). */
  symptom: string;
}

export interface RealBug extends CaseBase {
  kind: 'real';
  /** The public report: a GitHub issue, a Q&A thread or a blog post. */
  source: string;
  expected: Expected;
  buggy(): Setup;
  fixed(): Setup;
  /** How the fixed version trains in a plain fit (checked in verbose mode). */
  trainsTo?: TrainsTo;
}

export interface InjectedFault extends CaseBase {
  kind: 'fault';
  /** The healthy control (or data set) the fault is injected into. */
  base: string;
  expected: Expected;
  build(): Setup;
}

export interface HealthyControl extends CaseBase {
  kind: 'healthy';
  /** The tensorflow/tfjs-examples example the architecture follows. */
  example: string;
  build(): Setup;
  trainsTo: TrainsTo;
}

export type Case = RealBug | InjectedFault | HealthyControl;
