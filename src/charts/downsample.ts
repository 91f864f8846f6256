/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the
 * visual shape of a long series (first and last point, peaks and dips) with a
 * bounded number of points, so a 100,000-step training curve becomes a few
 * hundred data rows in a spec.
 */
import { isFiniteNumber } from './base';

/**
 * Indices of the points to keep, in order. `xs` must be sorted ascending and
 * as long as `ys`; all values finite. Returns every index when the series
 * already fits.
 */
export function lttbIndices(xs: readonly number[], ys: readonly number[], threshold: number): number[] {
  if (xs.length !== ys.length) {
    throw new Error(`lttbIndices: xs has ${xs.length} values but ys has ${ys.length}; pass one x per y.`);
  }
  if (!Number.isInteger(threshold) || threshold < 3) {
    throw new Error(`lttbIndices: threshold must be an integer >= 3 (got ${threshold}).`);
  }
  const n = xs.length;
  if (n <= threshold) return Array.from({ length: n }, (_, i) => i);

  const kept: number[] = [0];
  // The first and last points are kept; the others fall into threshold - 2 buckets.
  const bucketSize = (n - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, n - 1);
    // The third corner of the triangle: the mean of the next bucket (or the last point).
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, n);
    let meanX = 0;
    let meanY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      meanX += xs[i];
      meanY += ys[i];
    }
    const count = Math.max(nextEnd - nextStart, 1);
    meanX /= count;
    meanY /= count;

    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs(
        (xs[previous] - meanX) * (ys[i] - ys[previous]) - (xs[previous] - xs[i]) * (meanY - ys[previous]),
      );
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    previous = best;
  }
  kept.push(n - 1);
  return kept;
}

/**
 * Downsamples rows of one series by LTTB on (x(row), y(row)). Rows whose y is
 * not finite (null loss after divergence) are kept apart: the first of each
 * run of them survives, so a chart can still mark where values went missing.
 */
export function downsampleRows<T>(
  rows: readonly T[],
  x: (row: T) => number,
  y: (row: T) => number | null | undefined,
  threshold: number,
): T[] {
  if (rows.length <= threshold) return rows.slice();
  const finite: number[] = [];
  const gapStarts: number[] = [];
  rows.forEach((row, i) => {
    if (isFiniteNumber(y(row))) finite.push(i);
    else if (i === 0 || isFiniteNumber(y(rows[i - 1]))) gapStarts.push(i);
  });
  const budget = Math.max(threshold - gapStarts.length, 3);
  const picked =
    finite.length <= budget
      ? finite
      : lttbIndices(
          finite.map((i) => x(rows[i])),
          finite.map((i) => y(rows[i]) as number),
          budget,
        ).map((k) => finite[k]);
  return [...picked, ...gapStarts].sort((a, b) => a - b).map((i) => rows[i]);
}

/** Groups rows by a key, keeping first-seen order of keys and row order inside each group. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
