/**
 * Sequence targets as bags of tokens (issue 13): each row's count of every
 * class over its steps, the representation in which the label-relation probes
 * judge per-timestep targets (a single-input sequence model's, and an
 * encoder-decoder's against its source alone). The bag drops the order of the
 * steps, which no simple probe could use anyway, and keeps what the targets hold.
 */
import * as tf from '@tensorflow/tfjs';

/** Token ids fold into this many bag-of-tokens buckets (id modulo buckets). */
const TOKEN_BUCKETS = 512;

/** Token ids ([rows, width] values) as counts per id, folded into at most TOKEN_BUCKETS buckets; negative and non-finite ids are not counted. */
export function tokenBags(ids: ArrayLike<number>, rows: number, width: number): { counts: Float32Array; buckets: number } {
  let maxId = 0;
  for (let i = 0; i < ids.length; i++) if (Number.isFinite(ids[i]) && ids[i] > maxId) maxId = ids[i];
  const buckets = Math.min(TOKEN_BUCKETS, Math.floor(maxId) + 1);
  const counts = new Float32Array(rows * buckets);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) {
      const id = ids[r * width + j];
      if (Number.isFinite(id) && id >= 0) counts[r * buckets + (Math.floor(id) % buckets)]++;
    }
  }
  return { counts, buckets };
}

/** Label ids per step ([n, T]): argmax of one-hot steps ([n, T, C]) or the values ([n, T]). */
export function stepIds(labels: tf.Tensor): number[][] | undefined {
  if (labels.rank !== 2 && labels.rank !== 3) return undefined;
  const ids = tf.tidy(() => (labels.rank === 3 && (labels.shape[2] ?? 1) > 1 ? tf.argMax(labels, 2) : tf.reshape(labels, [labels.shape[0], -1])));
  const rows = ids.arraySync() as number[][];
  ids.dispose();
  return rows;
}

/**
 * Target classes kept at most, those whose counts vary most over the rows: the
 * probes predict every kept column for every permutation at once (a
 * 5000-token vocabulary would make rows x 500,000 targets; the ridge solve
 * costs features^2 per column).
 */
export const MAX_TARGET_CLASSES = 16;

/** The columns of `bags` that vary most over the rows (at most MAX_TARGET_CLASSES, constant ones dropped). */
function mostVaried(bags: number[][]): number[][] {
  const columns = bags[0]?.length ?? 0;
  const spread = Array.from({ length: columns }, (_, c) => {
    const mean = bags.reduce((sum, row) => sum + row[c], 0) / bags.length;
    return { c, variance: bags.reduce((sum, row) => sum + (row[c] - mean) ** 2, 0) };
  }).filter((s) => s.variance > 0).sort((a, b) => b.variance - a.variance || a.c - b.c).slice(0, MAX_TARGET_CLASSES);
  const kept = spread.map((s) => s.c).sort((a, b) => a - b);
  return bags.map((row) => kept.map((c) => row[c]));
}

/** Each row's bag of target tokens ([rows, classes]): one-hot steps summed over time, or ids counted. */
export function targetBags(labels: tf.Tensor): number[][] | undefined {
  if (labels.rank === 3 && (labels.shape[2] ?? 1) > 1) return mostVaried(tf.tidy(() => tf.sum(labels, 1)).arraySync() as number[][]);
  const ids = stepIds(labels);
  if (!ids || ids.length === 0) return undefined;
  const width = ids[0].length;
  const { counts, buckets } = tokenBags(ids.flat(), ids.length, width);
  return mostVaried(Array.from({ length: ids.length }, (_, r) => Array.from(counts.subarray(r * buckets, (r + 1) * buckets))));
}

