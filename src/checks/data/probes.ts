/**
 * Simple probes of the input-label link (nearest neighbours, nearest
 * centroid, ridge), scored on held-out rows for many label vectors at once:
 * the observed labels and their permutations share every label-independent
 * step (distances, neighbours, the ridge factorization), so a permutation
 * null costs little more than one fit.
 */
import * as tf from '@tensorflow/tfjs';
import { readTidy } from './read';
import { ridgeSolver, RIDGE_MAX_FEATURES } from './ridge';

/** Standardized inputs split into a fitting part and a held-out part (first fitRows rows fit). */
export interface ProbeSplit { fitX: tf.Tensor2D; testX: tf.Tensor2D; fitRows: number; testRows: number }

/** One probe's held-out score for each label vector (balanced accuracy or R^2). */
export interface ProbeScores { baseline: string; scores: number[] }

/** Neighbours voting in k-NN. */
const K = 5;
/** Centroid and ridge probes hold classes x label vectors columns; beyond this (hundreds of classes) only k-NN runs. */
const MAX_CLASS_COLUMNS = 20000;

/**
 * Squared Euclidean distance of every row of `a` to every row of `b` ([rows of a, rows of b]); call inside tf.tidy.
 * Transposes explicitly: the wasm matMul with a transpose flag is 5-20x slower than transpose + plain matMul (measured).
 */
function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const aa = tf.sum(tf.square(a), 1, true);
  const bb = tf.transpose(tf.sum(tf.square(b), 1, true));
  return tf.sub(tf.add(aa, bb), tf.mul(2, tf.matMul(a, tf.transpose(b))));
}

/** Indices of the k nearest fitting rows for every test row (squared Euclidean). */
function nearest(s: ProbeSplit, k: number): number[][] {
  return tf.tidy(() => {
    const { indices } = tf.topk(tf.neg(squaredDistances(s.testX, s.fitX)), Math.min(k, s.fitRows));
    return indices.arraySync() as number[][];
  });
}

/**
 * Balanced accuracy on the held-out rows: the mean over the classes present of
 * each class's recall. Plain accuracy lets a probe that always answers the
 * commonest class score 0.95 on 95:5 labels, real or shuffled alike, so a real
 * link in imbalanced data looked like none; balanced accuracy gives that probe
 * 1/classes and rewards finding the rare class. On balanced labels both agree.
 */
function accuracy(predicted: number[], labels: number[], s: ProbeSplit): number {
  const hits = new Map<number, number>();
  const totals = new Map<number, number>();
  for (let i = 0; i < s.testRows; i++) {
    const label = labels[s.fitRows + i];
    totals.set(label, (totals.get(label) ?? 0) + 1);
    if (predicted[i] === label) hits.set(label, (hits.get(label) ?? 0) + 1);
  }
  let recall = 0;
  for (const [label, total] of totals) recall += (hits.get(label) ?? 0) / total;
  return totals.size === 0 ? 0 : recall / totals.size;
}

function knnClasses(neighbours: number[][], labels: number[]): number[] {
  return neighbours.map((row) => {
    const tally = new Map<number, number>();
    row.forEach((i, rank) => tally.set(labels[i], (tally.get(labels[i]) ?? 0) + (K - rank)));
    return [...tally.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  });
}

/** Nearest-centroid predictions for every label vector, all centroids in one matrix product. */
function centroidClasses(s: ProbeSplit, labelSets: number[][], classes: number[]): number[][] {
  const c = classes.length;
  const index = new Map(classes.map((k, i) => [k, i]));
  const columns = labelSets.length * c;
  const membership = new Float32Array(s.fitRows * columns);
  const counts = new Float64Array(columns);
  labelSets.forEach((labels, set) => {
    for (let r = 0; r < s.fitRows; r++) {
      const col = set * c + (index.get(labels[r]) ?? 0);
      membership[r * columns + col] = 1;
      counts[col]++;
    }
  });
  const distances = readTidy(() => {
    const m = tf.tensor2d(membership, [s.fitRows, columns]);
    const sums = tf.matMul(tf.transpose(m), s.fitX);
    const centroids = tf.div(sums, tf.tensor2d(Float32Array.from(counts, (n) => Math.max(n, 1)), [columns, 1])) as tf.Tensor2D;
    return squaredDistances(s.testX, centroids);
  });
  return labelSets.map((_, set) => Array.from({ length: s.testRows }, (_, i) => {
    let best = -1;
    for (let k = 0; k < c; k++) {
      const col = set * c + k;
      if (counts[col] === 0) continue;
      if (best < 0 || distances[i * columns + col] < distances[i * columns + set * c + best]) best = k;
    }
    return classes[Math.max(best, 0)];
  }));
}

/** Linear probability model: ridge on one-hot targets of every label vector in one solve, predict the largest output. */
function ridgeClasses(s: ProbeSplit, labelSets: number[][], classes: number[]): number[][] {
  const c = classes.length;
  const index = new Map(classes.map((k, i) => [k, i]));
  const targets = Array.from({ length: s.fitRows }, (_, r) => {
    const row = new Array<number>(labelSets.length * c).fill(0);
    labelSets.forEach((labels, set) => { row[set * c + (index.get(labels[r]) ?? 0)] = 1; });
    return row;
  });
  const predicted = ridgeSolver(s.fitX, s.testX)(targets);
  return labelSets.map((_, set) => predicted.map((row) => {
    let best = 0;
    for (let k = 1; k < c; k++) if (row[set * c + k] > row[set * c + best]) best = k;
    return classes[best];
  }));
}

/** Held-out accuracy of each probe for each label vector (class indices, one per row). */
export function classificationScores(s: ProbeSplit, labelSets: number[][]): ProbeScores[] {
  const classes = [...new Set(labelSets[0])].sort((a, b) => a - b);
  const neighbours = nearest(s, K);
  const out: ProbeScores[] = [
    { baseline: `${K}-nearest-neighbour classifier`, scores: labelSets.map((labels) => accuracy(knnClasses(neighbours, labels), labels, s)) },
  ];
  if (classes.length * labelSets.length > MAX_CLASS_COLUMNS) return out;
  out.push({ baseline: 'nearest-centroid classifier', scores: centroidClasses(s, labelSets, classes).map((p, set) => accuracy(p, labelSets[set], s)) });
  if (s.fitX.shape[1] <= RIDGE_MAX_FEATURES) {
    out.push({ baseline: 'linear (ridge) classifier', scores: ridgeClasses(s, labelSets, classes).map((p, set) => accuracy(p, labelSets[set], s)) });
  }
  return out;
}

/** R^2 on held-out rows, against the fitting part's mean (a constant predictor scores <= 0). */
function rSquared(predicted: number[], labels: number[], s: ProbeSplit): number {
  let mean = 0;
  for (let r = 0; r < s.fitRows; r++) mean += labels[r] / s.fitRows;
  let total = 0;
  let residual = 0;
  for (let i = 0; i < s.testRows; i++) {
    const v = labels[s.fitRows + i];
    total += (v - mean) ** 2;
    residual += (v - predicted[i]) ** 2;
  }
  return total > 0 ? 1 - residual / total : 0;
}

/** Held-out R^2 of each probe for each label vector (one target value per row). */
export function regressionScores(s: ProbeSplit, labelSets: number[][]): ProbeScores[] {
  const neighbours = nearest(s, K);
  const out: ProbeScores[] = [{
    baseline: `${K}-nearest-neighbour regression`,
    scores: labelSets.map((labels) => rSquared(neighbours.map((row) => row.reduce((sum, i) => sum + labels[i], 0) / row.length), labels, s)),
  }];
  if (s.fitX.shape[1] <= RIDGE_MAX_FEATURES) {
    const targets = Array.from({ length: s.fitRows }, (_, r) => labelSets.map((labels) => labels[r]));
    const predicted = ridgeSolver(s.fitX, s.testX)(targets);
    out.push({ baseline: 'linear (ridge) regression', scores: labelSets.map((labels, set) => rSquared(predicted.map((row) => row[set]), labels, s)) });
  }
  return out;
}

/**
 * R^2 pooled over the columns of a target matrix (rows x columns, first fitRows rows fit): one minus the
 * residual sum of squares over the total, each column against its fitting part's mean.
 */
function pooledRSquared(predicted: (i: number, c: number) => number, targets: number[][], s: ProbeSplit): number {
  const columns = targets[0]?.length ?? 0;
  let total = 0;
  let residual = 0;
  for (let c = 0; c < columns; c++) {
    let mean = 0;
    for (let r = 0; r < s.fitRows; r++) mean += targets[r][c] / s.fitRows;
    for (let i = 0; i < s.testRows; i++) {
      const v = targets[s.fitRows + i][c];
      total += (v - mean) ** 2;
      residual += (v - predicted(i, c)) ** 2;
    }
  }
  return total > 0 ? 1 - residual / total : 0;
}

/** Held-out pooled R^2 of each probe for each target matrix (rows x columns: a bag of target tokens per row, say). */
export function multiRegressionScores(s: ProbeSplit, targetSets: number[][][]): ProbeScores[] {
  const neighbours = nearest(s, K);
  const out: ProbeScores[] = [{
    baseline: `${K}-nearest-neighbour regression`,
    scores: targetSets.map((targets) => pooledRSquared((i, c) => neighbours[i].reduce((sum, j) => sum + targets[j][c], 0) / neighbours[i].length, targets, s)),
  }];
  if (s.fitX.shape[1] <= RIDGE_MAX_FEATURES) {
    const columns = targetSets[0][0]?.length ?? 0;
    const stacked = Array.from({ length: s.fitRows }, (_, r) => targetSets.flatMap((targets) => targets[r]));
    const predicted = ridgeSolver(s.fitX, s.testX)(stacked);
    out.push({
      baseline: 'linear (ridge) regression',
      scores: targetSets.map((targets, set) => pooledRSquared((i, c) => predicted[i][set * columns + c], targets, s)),
    });
  }
  return out;
}
