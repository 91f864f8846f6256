/**
 * Where the label signal sits in a sequence (T13): the steps a recurrent layer
 * reads are cut into windows of consecutive steps, and the label-relation
 * probes (nearest neighbours, nearest centroid, ridge; fitted on part of the
 * rows, scored on the rest) are fitted on each window alone and compared with
 * the same probes on permuted labels. A window "carries" the signal when it
 * predicts held-out labels far beyond what the permutations reach. The
 * through-time check then asks whether the steps that carry the signal get any
 * of the gradient: evidence that does not hang on how the model was
 * initialized. Pure: values in, windows out; the caller owns every tensor.
 */
import * as tf from '@tensorflow/tfjs';
import type { SignalWindow, StepSignal } from '../../measurements';
import { shuffledIndices } from '../../context/random';
import { compareWithNull, HOLD_OUT, LINK_P, MIN_HELD_OUT, nullStats, split } from '../data/relation';
import { classificationScores, regressionScores, type ProbeSplit } from '../data/probes';

export const SIGNAL = {
  /** Rows probed at most (a quarter held out). */
  rows: 256,
  /** The sequence is cut into at most this many windows. */
  windows: 30,
  /** A window's steps are concatenated up to this many values; beyond, their mean per feature is probed. */
  maxFeatures: 48,
  /** Label permutations per window. */
  permutations: 19,
  /**
   * A window carries the signal when no permutation reaches its score (p <= 0.05 with 19) AND it stands this many
   * null standard deviations above their mean: with up to 30 windows, z >= 4 keeps a window of pure noise from
   * passing (one-sided 3e-5 each) while a real link a probe sees at all stands far above it.
   */
  z: 4,
} as const;

export interface SignalTargets {
  /** One class index (classification) or value (regression) per row, rows in the sequence's order. */
  values: number[];
  classification: boolean;
}

/** The windows of `steps` steps: consecutive runs of equal width (the last one may be shorter), 1-based and inclusive. */
export function stepWindows(steps: number, windows: number = SIGNAL.windows): { first: number; last: number }[] {
  const width = Math.ceil(steps / Math.max(1, Math.min(windows, steps)));
  return Array.from({ length: Math.ceil(steps / width) }, (_, k) => ({ first: k * width + 1, last: Math.min(steps, (k + 1) * width) }));
}

/**
 * The features of every window side by side ([rows, columns]) with each window's columns: a window's steps
 * concatenated, or their mean per feature when that would be too wide.
 */
function windowFeatures(sequence: tf.Tensor3D, windows: readonly { first: number; last: number }[]): { x: tf.Tensor2D; columns: { start: number; width: number }[] } {
  const [rows, steps, features] = sequence.shape;
  const pooled = Math.ceil(steps / windows.length) * features > SIGNAL.maxFeatures;
  const x = tf.tidy(() => {
    if (!pooled) return tf.reshape(sequence, [rows, steps * features]) as tf.Tensor2D;
    return tf.concat(windows.map((w) => tf.mean(tf.slice(sequence, [0, w.first - 1, 0], [rows, w.last - w.first + 1, features]), 1)), 1) as tf.Tensor2D;
  });
  const columns = windows.map((w, k) => (pooled ? { start: k * features, width: features } : { start: (w.first - 1) * features, width: (w.last - w.first + 1) * features }));
  return { x, columns };
}

/**
 * Which windows of `sequence` ([rows, steps, features], rows matching `targets`) predict the labels on held-out rows;
 * undefined when there are too few rows (or classes) for a held-out verdict.
 */
export function locateSignal(sequence: tf.Tensor3D, targets: SignalTargets, random: () => number): StepSignal | undefined {
  const rows = sequence.shape[0];
  const testRows = Math.floor(rows * HOLD_OUT);
  if (rows !== targets.values.length || testRows < MIN_HELD_OUT || targets.values.some((v) => !Number.isFinite(v))) return undefined;
  if (targets.classification && new Set(targets.values.slice(0, rows - testRows)).size < 2) return undefined;
  const labelSets = [targets.values, ...Array.from({ length: SIGNAL.permutations }, () => shuffledIndices(rows, random).map((i) => targets.values[i]))];
  const steps = stepWindows(sequence.shape[1]);
  const { x, columns } = windowFeatures(sequence, steps);
  // Standardized once: each column keeps its own scale whichever window slices it.
  let all: ProbeSplit;
  try {
    all = split(x);
  } finally {
    x.dispose();
  }
  try {
    const windows = steps.map(({ first, last }, k): SignalWindow => {
      const { start, width } = columns[k];
      const s = { ...all, fitX: tf.slice(all.fitX, [0, start], [-1, width]), testX: tf.slice(all.testX, [0, start], [-1, width]) };
      try {
        const result = compareWithNull(targets.classification ? classificationScores(s, labelSets) : regressionScores(s, labelSets));
        const { nullMean, z } = nullStats(result);
        return { first, last, score: result.score, nullMean, carries: result.p <= LINK_P && z >= SIGNAL.z };
      } finally {
        tf.dispose([s.fitX, s.testX]);
      }
    });
    return { metric: targets.classification ? 'balanced accuracy' : 'R2', heldOut: testRows, windows };
  } finally {
    tf.dispose([all.fitX, all.testX]);
  }
}
