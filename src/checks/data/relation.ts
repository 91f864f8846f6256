/**
 * Is there a learnable link between inputs and labels at all (CHECKLIST D3,
 * D4, S4)? Simple probes (nearest neighbours, nearest centroid, a ridge model
 * on standardized inputs) are fitted on part of the probe sample and scored on
 * the rest, and the best score is compared with the best score the same
 * probes reach on seeded permutations of the labels (a permutation null): no
 * fixed cut-off, so a moderate real link counts and a printed bound can never
 * exceed what is attainable. Token ids are probed as bags of tokens: distances
 * between raw ids mean nothing.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckResult } from '../base';
import type { Task } from '../../types';
import { labelsUnrelated } from '../../messages/data';
import { feedsEmbedding } from '../../context/infer';
import { shuffledIndices } from '../../context/random';
import { classesOf, isClassification, labelStepsOf } from './shared';
import { classificationScores, multiRegressionScores, regressionScores, type ProbeSplit } from './probes';
import { MAX_TARGET_CLASSES, targetBags, tokenBags } from './bags';

/** Share of the sample held out for scoring. */
export const HOLD_OUT = 0.25;
/** Below this many held-out rows the verdict would be noise. */
export const MIN_HELD_OUT = 30;
/**
 * Rows used at most, by budget (the distance matrix grows with their square):
 * 1024 rows leave 256 held out, enough to tell 10% from 30% accuracy apart.
 */
export const MAX_ROWS = { quick: 1024, thorough: 4096 };
/** Label permutations in the null: p-values resolve to 0.01. */
export const PERMUTATIONS = 99;
/**
 * A link is shown when the observed score beats the shuffled labels' at this
 * p-value or below AND stands LINK_Z null standard deviations above their mean.
 * Shuffled labels are one more draw from the null: a p-value alone would let
 * 5% of them pass as linked; z >= 3 lets ~0.2% pass, while any link a simple
 * probe sees at all (R2 0.1 on 200 held-out rows: z ~ 9) clears it.
 */
export const LINK_P = 0.05;
export const LINK_Z = 3;
/** Above this p-value the observed score is typical of shuffled labels: an error; between the two, a warning. */
export const UNRELATED_P = 0.25;
/**
 * Held-out rows the rarest class needs before a verdict: with 4 rare rows
 * among 75, even a perfect link moves balanced accuracy little more than
 * chance does, and "unrelated" would be a claim the test cannot support.
 */
export const MIN_HELD_OUT_PER_CLASS = 8;
/** Up to this many classes, each weighs at least 20% of balanced accuracy: the rarest must have MIN_HELD_OUT_PER_CLASS rows. */
const FEW_CLASSES = 5;


/** Rows as flat feature vectors: the values themselves, or token counts for ids feeding an Embedding. */
export function features(ctx: CheckContext, rows: number): { x: tf.Tensor2D; representation: string } {
  return tf.tidy(() => {
    const flat = tf.reshape(tf.slice(ctx.train.x, 0, rows), [rows, -1]) as tf.Tensor2D;
    if (!feedsEmbedding(ctx.model)) return { x: flat, representation: 'the inputs' };
    const { counts, buckets } = tokenBags(flat.dataSync(), rows, flat.shape[1]);
    return { x: tf.tensor2d(counts, [rows, buckets]), representation: `bags of tokens (${buckets} buckets): distances between raw token ids mean nothing` };
  });
}

/** Splits and standardizes with the fitting part's statistics. */
export function split(x: tf.Tensor2D): ProbeSplit {
  const rows = x.shape[0];
  const testRows = Math.floor(rows * HOLD_OUT);
  const fitRows = rows - testRows;
  const [fitX, testX] = tf.tidy(() => {
    const fit = tf.slice(x, [0, 0], [fitRows, -1]);
    const test = tf.slice(x, [fitRows, 0], [testRows, -1]);
    const { mean, variance } = tf.moments(fit, 0);
    const std = tf.sqrt(tf.add(variance, 1e-8));
    return [tf.div(tf.sub(fit, mean), std) as tf.Tensor2D, tf.div(tf.sub(test, mean), std) as tf.Tensor2D];
  });
  return { fitX, testX, fitRows, testRows };
}

/** Class of each label row; binary targets may be soft (label smoothing: 0.1 / 0.9), read as y >= 0.5. */
export function probeClasses(task: Task, labels: tf.Tensor): number[] {
  if (task !== 'binary' || labels.size !== labels.shape[0]) return classesOf(labels);
  return Array.from(labels.dataSync(), (v) => (Number.isFinite(v) ? Number(v >= 0.5) : NaN));
}

export interface NullComparison {
  /** Best probe's held-out score on the real labels, and which probe. */
  score: number;
  baseline: string;
  /** The best probe score on each permutation of the labels. */
  nulls: number[];
  /** (1 + permutations scoring at least `score`) / (1 + permutations). */
  p: number;
}

/** The observed best score against the best scores of the same probes on permuted labels (label set 0 is the real one). */
export function compareWithNull(probes: { baseline: string; scores: number[] }[]): NullComparison {
  const bestAt = (set: number) => probes.reduce((a, b) => (b.scores[set] > a.scores[set] ? b : a));
  const observed = bestAt(0);
  const sets = observed.scores.length;
  const nulls = Array.from({ length: sets - 1 }, (_, k) => bestAt(k + 1).scores[k + 1]);
  // A tiny tolerance: accuracy is discrete and ties count against the link.
  const atLeast = nulls.filter((v) => v >= observed.scores[0] - 1e-12).length;
  return { score: observed.scores[0], baseline: observed.baseline, nulls, p: (1 + atLeast) / (1 + nulls.length) };
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The observed score against its null: mean, 95th percentile, z, and whether it counts as a link (p and z both). */
export function nullStats(result: NullComparison): { nullMean: number; null95: number; z: number; linked: boolean } {
  const nullMean = result.nulls.reduce((a, b) => a + b, 0) / result.nulls.length;
  const null95 = quantile(result.nulls, 0.95);
  const nullStd = Math.sqrt(result.nulls.reduce((sum, v) => sum + (v - nullMean) ** 2, 0) / result.nulls.length);
  const z = nullStd > 0 ? (result.score - nullMean) / nullStd : result.score > nullMean ? Infinity : 0;
  return { nullMean, null95, z, linked: result.p <= LINK_P && z >= LINK_Z };
}

/**
 * Bags of target tokens ([rows, classes]) predicted from features `x` by the
 * regression probes: the best held-out R2 against PERMUTATIONS shuffled
 * pairings, with its null statistics. Disposes `x`.
 */
export function bagRelation(x: tf.Tensor2D, targets: number[][], random: () => number): NullComparison & ReturnType<typeof nullStats> & { heldOut: number } {
  const s = split(x);
  x.dispose();
  try {
    const sets = [targets, ...Array.from({ length: PERMUTATIONS }, () => shuffledIndices(targets.length, random).map((i) => targets[i]))];
    const result = compareWithNull(multiRegressionScores(s, sets));
    return { ...result, ...nullStats(result), heldOut: s.testRows };
  } finally {
    tf.dispose([s.fitX, s.testX]);
  }
}

/**
 * Per-timestep targets (addition-rnn, a language model's next tokens): each
 * target sequence's bag of tokens predicted from the inputs (bags of tokens
 * for ids feeding an Embedding), R2 on held-out rows against the same probes
 * on the targets shuffled apart from their inputs.
 */
async function sequenceRelation(ctx: CheckContext, rows: number): Promise<CheckResult> {
  const labels = tf.tidy(() => tf.slice(ctx.train.y, 0, rows));
  const targets = targetBags(labels);
  labels.dispose();
  if (!targets || targets.some((row) => row.some((v) => !Number.isFinite(v)))) return { findings: [], skipped: 'some targets are not finite' };
  const classes = targets[0]?.length ?? 0;
  if (classes === 0) return { findings: [], skipped: 'every target sequence holds the same tokens: no pairing to judge' };
  const { x, representation } = features(ctx, rows);
  const r = bagRelation(x, targets, ctx.random);
  const bags = `each target sequence's bag of tokens (${classes} ${classes === MAX_TARGET_CLASSES ? 'most varied ' : ''}classes counted over its steps)`;
  const note = `${r.baseline} predicting ${bags} from ${representation}: R2 ${r.score.toFixed(3)} vs ${r.nullMean.toFixed(3)} on ${r.nulls.length} permutations ` +
    `(95th percentile ${r.null95.toFixed(3)}), p = ${r.p.toFixed(2)}, z = ${Number.isFinite(r.z) ? r.z.toFixed(1) : 'inf'} (${r.heldOut} held out)`;
  const extra = { 'label-relation': { baseline: r.baseline, score: r.score, nullMean: r.nullMean, null95: r.null95, p: r.p, z: Number.isFinite(r.z) ? r.z : 1e9, permutations: r.nulls.length } };
  if (r.linked) return { findings: [], note, measurements: { extra } };
  const finding = labelsUnrelated({
    baseline: r.baseline, score: r.score, nullMean: r.nullMean, null95: r.null95, p: r.p, permutations: r.nulls.length,
    metric: 'R2', heldOut: r.heldOut, tokens: feedsEmbedding(ctx.model), severity: r.p > UNRELATED_P ? 'error' : 'warning', predicting: bags,
  });
  return { findings: [finding], note, measurements: { extra } };
}

export const relationCheck: Check = {
  id: 'label-relation',
  checklist: ['D3', 'D4', 'S4'],
  findings: ['labels-unrelated'],
  async run(ctx: CheckContext) {
    const task = ctx.info.task.value;
    if (task === 'multilabel') return { findings: [], skipped: 'multilabel targets are judged per label by label-relation-multilabel' };
    const sequence = labelStepsOf(ctx) > 1;
    if (!sequence && ctx.profile.train.labels.width > 1 && task === 'regression') return { findings: [], skipped: 'multi-column regression targets are not judged yet' };
    const rows = Math.min(ctx.train.x.shape[0], MAX_ROWS[ctx.info.budget]);
    if (Math.floor(rows * HOLD_OUT) < MIN_HELD_OUT) return { findings: [], skipped: `too few samples (${rows}) for a held-out baseline` };
    if (sequence) return sequenceRelation(ctx, rows);
    const classification = isClassification(ctx);
    const labelsPart = tf.tidy(() => tf.slice(ctx.train.y, 0, rows));
    const targets = classification ? probeClasses(task, labelsPart) : Array.from(labelsPart.dataSync());
    labelsPart.dispose();
    if (targets.some((v) => !Number.isFinite(v))) return { findings: [], skipped: 'some labels are not finite or not classes' };
    if (classification && new Set(targets.slice(0, rows - Math.floor(rows * HOLD_OUT))).size < 2) {
      return { findings: [], skipped: 'the fitting part of the sample holds fewer than 2 classes' };
    }
    if (classification) {
      const heldOut = targets.slice(rows - Math.floor(rows * HOLD_OUT));
      const counts = new Map<number, number>();
      for (const t of heldOut) counts.set(t, (counts.get(t) ?? 0) + 1);
      const [rarest, fewest] = [...counts.entries()].reduce((a, b) => (b[1] < a[1] ? b : a));
      // With many classes one rare class weighs little in the balanced score; with a few it decides it.
      if (counts.size < 2 || (counts.size <= FEW_CLASSES && fewest < MIN_HELD_OUT_PER_CLASS)) {
        return { findings: [], skipped: `too few held-out samples of class ${rarest} (${fewest} of ${heldOut.length}; ${MIN_HELD_OUT_PER_CLASS} needed) to judge the link without a false alarm` };
      }
    }
    const { x, representation } = features(ctx, rows);
    const s = split(x);
    x.dispose();
    try {
      const labelSets = [targets, ...Array.from({ length: PERMUTATIONS }, () => shuffledIndices(rows, ctx.random).map((i) => targets[i]))];
      const probes = classification ? classificationScores(s, labelSets) : regressionScores(s, labelSets);
      const result = compareWithNull(probes);
      const metric = classification ? 'balanced accuracy' : 'R2';
      const { nullMean, null95, z, linked } = nullStats(result);
      const note = `${result.baseline} on ${representation}: ${metric} ${result.score.toFixed(3)} vs ${nullMean.toFixed(3)} on ${result.nulls.length} label permutations (95th percentile ${null95.toFixed(3)}), p = ${result.p.toFixed(2)} (${s.testRows} held out)`;
      const extra = { 'label-relation': { baseline: result.baseline, score: result.score, nullMean, null95, p: result.p, z: Number.isFinite(z) ? z : 1e9, permutations: result.nulls.length } };
      if (linked) return { findings: [], note: `${note}, z = ${z.toFixed(1)}`, measurements: { extra } };
      return {
        findings: [labelsUnrelated({
          baseline: result.baseline, score: result.score, nullMean, null95, p: result.p, permutations: result.nulls.length,
          metric, heldOut: s.testRows, tokens: feedsEmbedding(ctx.model), severity: result.p > UNRELATED_P ? 'error' : 'warning',
        })],
        note,
        measurements: { extra },
      };
    } finally {
      tf.dispose([s.fitX, s.testX]);
    }
  },
};
