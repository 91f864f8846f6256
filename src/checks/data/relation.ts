/**
 * Is there a learnable link between inputs and labels at all (CHECKLIST D3,
 * D4, S4)? Simple baselines (nearest centroid, k-nearest neighbours and a
 * linear ridge model on standardized inputs) are fitted on part of the probe sample and scored on
 * the rest; if none beats chance by a clear margin, the labels are probably
 * shuffled or misaligned.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext } from '../base';
import type { Task } from '../../types';
import { labelsUnrelated } from '../../messages/data';
import { classesOf, isClassification } from './shared';
import { ridgePredict, RIDGE_MAX_FEATURES } from './ridge';

interface Verdict { score: number; chance: number; bound: number; baseline: string }

/** The best of several baselines: any one finding a link is enough. */
function best(candidates: { score: number; baseline: string }[]): { score: number; baseline: string } {
  return candidates.reduce((a, b) => (b.score > a.score ? b : a));
}

/** Share of the sample held out for scoring. */
const HOLD_OUT = 0.25;
/** Below this many held-out rows the verdict would be noise. */
const MIN_HELD_OUT = 30;
/** Neighbours voting in k-NN. */
const K = 5;
/**
 * Rows used at most, by budget (the distance matrix grows with their square):
 * 1024 rows leave 256 held out, enough to tell 10% from 30% accuracy apart.
 */
const MAX_ROWS = { quick: 1024, thorough: 4096 };
/**
 * Margin above chance in binomial standard errors (classification), and in
 * units of 1/sqrt(m) for R^2 (regression): 3.5 keeps false alarms below ~1 in
 * 4000 per baseline while a real link (MNIST: ~80% vs 10%) clears it easily.
 */
const MARGIN_SE = 3.5;

interface Split { fitX: tf.Tensor2D; testX: tf.Tensor2D; fitRows: number; testRows: number }

/** Flattens, splits and standardizes with the fitting part's statistics. */
function split(x: tf.Tensor, rows: number): Split {
  const testRows = Math.floor(rows * HOLD_OUT);
  const fitRows = rows - testRows;
  const [fitX, testX] = tf.tidy(() => {
    const flat = tf.reshape(tf.slice(x, 0, rows), [rows, -1]) as tf.Tensor2D;
    const fit = tf.slice(flat, [0, 0], [fitRows, -1]);
    const test = tf.slice(flat, [fitRows, 0], [testRows, -1]);
    const { mean, variance } = tf.moments(fit, 0);
    const std = tf.sqrt(tf.add(variance, 1e-8));
    return [tf.div(tf.sub(fit, mean), std) as tf.Tensor2D, tf.div(tf.sub(test, mean), std) as tf.Tensor2D];
  });
  return { fitX, testX, fitRows, testRows };
}

/** Squared Euclidean distance of every row of `a` to every row of `b` ([rows of a, rows of b]); call inside tf.tidy. */
function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const aa = tf.sum(tf.square(a), 1, true);
  const bb = tf.transpose(tf.sum(tf.square(b), 1, true));
  return tf.sub(tf.add(aa, bb), tf.mul(2, tf.matMul(a, b, false, true)));
}

/** Indices of the k nearest fitting rows for every test row (squared Euclidean). */
function nearest(s: Split, k: number): number[][] {
  return tf.tidy(() => {
    const { indices } = tf.topk(tf.neg(squaredDistances(s.testX, s.fitX)), Math.min(k, s.fitRows));
    return indices.arraySync() as number[][];
  });
}

function classify(s: Split, classes: number[]): Verdict {
  const fitClasses = classes.slice(0, s.fitRows);
  const testClasses = classes.slice(s.fitRows);
  // Chance: the best constant guess judged in hindsight on the held-out rows (the largest class share there).
  const testCounts = new Map<number, number>();
  testClasses.forEach((c) => testCounts.set(c, (testCounts.get(c) ?? 0) + 1));
  const chance = Math.max(...testCounts.values()) / s.testRows;

  const votes = nearest(s, K).map((row) => {
    const tally = new Map<number, number>();
    row.forEach((i, rank) => tally.set(fitClasses[i], (tally.get(fitClasses[i]) ?? 0) + (K - rank)));
    return [...tally.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  });
  const knn = votes.filter((c, i) => c === testClasses[i]).length / s.testRows;

  const labelsSeen = [...new Set(fitClasses)].sort((a, b) => a - b);
  const centroidPredictions = tf.tidy(() => {
    const fitY = tf.tensor1d(fitClasses.map((c) => labelsSeen.indexOf(c)), 'int32');
    const oneHot = tf.oneHot(fitY, labelsSeen.length);
    const sums = tf.matMul(oneHot, s.fitX, true, false);
    const centroids = tf.div(sums, tf.add(tf.sum(oneHot, 0).reshape([-1, 1]), 1e-8)) as tf.Tensor2D;
    return tf.argMin(squaredDistances(s.testX, centroids), 1).arraySync() as number[];
  });
  const centroid = centroidPredictions.filter((p, i) => labelsSeen[p] === testClasses[i]).length / s.testRows;
  const candidates = [
    { score: knn, baseline: `${K}-nearest-neighbour classifier` },
    { score: centroid, baseline: 'nearest-centroid classifier' },
  ];
  if (s.fitX.shape[1] <= RIDGE_MAX_FEATURES) {
    // Linear probability model: ridge on one-hot targets, predict the largest output.
    const targets = fitClasses.map((c) => labelsSeen.map((l) => (l === c ? 1 : 0)));
    const scores = ridgePredict(s.fitX, targets, s.testX);
    const linear = scores.filter((row, i) => labelsSeen[row.indexOf(Math.max(...row))] === testClasses[i]).length / s.testRows;
    candidates.push({ score: linear, baseline: 'linear (ridge) classifier' });
  }
  const bound = chance + MARGIN_SE * Math.sqrt(Math.max(chance * (1 - chance), 0.25 / s.testRows) / s.testRows);
  return { ...best(candidates), chance, bound };
}

function rSquared(test: number[], predictions: number[], mean: number): number {
  const total = test.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  const residual = test.reduce((sum, v, i) => sum + (v - predictions[i]) ** 2, 0);
  return total > 0 ? 1 - residual / total : 0;
}

function regress(s: Split, targets: number[]): Verdict {
  const fit = targets.slice(0, s.fitRows);
  const test = targets.slice(s.fitRows);
  const mean = fit.reduce((a, b) => a + b, 0) / fit.length;
  const knn = nearest(s, K).map((row) => row.reduce((sum, i) => sum + fit[i], 0) / row.length);
  const candidates = [{ score: rSquared(test, knn, mean), baseline: `${K}-nearest-neighbour regression` }];
  if (s.fitX.shape[1] <= RIDGE_MAX_FEATURES) {
    const linear = ridgePredict(s.fitX, fit.map((v) => [v]), s.testX).map((row) => row[0]);
    candidates.push({ score: rSquared(test, linear, mean), baseline: 'linear (ridge) regression' });
  }
  return { ...best(candidates), chance: 0, bound: MARGIN_SE / Math.sqrt(s.testRows) };
}

/** Class of each label row; binary targets may be soft (label smoothing: 0.1 / 0.9), read as y >= 0.5. */
function probeClasses(task: Task, labels: tf.Tensor): number[] {
  if (task !== 'binary' || labels.size !== labels.shape[0]) return classesOf(labels);
  return Array.from(labels.dataSync(), (v) => (Number.isFinite(v) ? Number(v >= 0.5) : NaN));
}

export const relationCheck: Check = {
  id: 'label-relation',
  checklist: ['D3', 'D4', 'S4'],
  findings: ['labels-unrelated'],
  async run(ctx: CheckContext) {
    const task = ctx.info.task.value;
    if (task === 'multilabel') return { findings: [], skipped: 'multilabel targets are not judged yet' };
    if (ctx.profile.train.labels.width > 1 && task === 'regression') return { findings: [], skipped: 'multi-column regression targets are not judged yet' };
    const rows = Math.min(ctx.train.x.shape[0], MAX_ROWS[ctx.info.budget]);
    if (Math.floor(rows * HOLD_OUT) < MIN_HELD_OUT) return { findings: [], skipped: `too few samples (${rows}) for a held-out baseline` };
    const labelsPart = tf.tidy(() => tf.slice(ctx.train.y, 0, rows));
    const targets = isClassification(ctx) ? probeClasses(task, labelsPart) : Array.from(labelsPart.dataSync());
    labelsPart.dispose();
    if (isClassification(ctx) && new Set(targets.slice(0, rows - Math.floor(rows * HOLD_OUT)).filter(Number.isFinite)).size < 2) {
      return { findings: [], skipped: 'the fitting part of the sample holds fewer than 2 classes' };
    }
    const s = split(ctx.train.x, rows);
    try {
      const result = isClassification(ctx) ? classify(s, targets) : regress(s, targets);
      const metric = isClassification(ctx) ? 'accuracy' : 'R2';
      const note = `${result.baseline}: ${metric} ${result.score.toFixed(3)} vs chance ${result.chance.toFixed(3)} (${s.testRows} held out)`;
      const extra = { 'label-relation': { baseline: result.baseline, score: result.score, chance: result.chance, bound: result.bound } };
      if (result.score > result.bound) return { findings: [], note, measurements: { extra } };
      return {
        findings: [labelsUnrelated({ ...result, metric, heldOut: s.testRows })],
        note,
        measurements: { extra },
      };
    } finally {
      tf.dispose([s.fitX, s.testX]);
    }
  },
};
