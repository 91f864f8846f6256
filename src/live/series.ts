/**
 * A training curve of bounded size: every point is kept until the series is
 * full, then neighbouring points are merged in pairs (their mean, at the later
 * step) and the merge width doubles. Memory stays under `capacity` points for
 * any run length, recent and old parts of the run are equally resolved, and a
 * bucket that held a non-finite value stays null so divergence remains visible.
 */

export interface SeriesPoint {
  step: number;
  value: number | null;
}

interface Bucket {
  step: number;
  sum: number;
  count: number;
  nonFinite: boolean;
}

export class BoundedSeries {
  private readonly buckets: Bucket[] = [];
  private pending: Bucket | null = null;
  /** Raw values per stored point. */
  private width = 1;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 4) {
      throw new Error(`BoundedSeries: capacity must be an integer >= 4 (got ${capacity}).`);
    }
  }

  push(step: number, value: number | null): void {
    const finite = value !== null && Number.isFinite(value);
    const bucket = this.pending ?? { step, sum: 0, count: 0, nonFinite: false };
    bucket.step = step;
    bucket.count += 1;
    if (finite) bucket.sum += value;
    else bucket.nonFinite = true;
    if (bucket.count < this.width) {
      this.pending = bucket;
      return;
    }
    this.pending = null;
    this.buckets.push(bucket);
    if (this.buckets.length >= this.capacity) this.compact();
  }

  /** Stored points plus the partial bucket, oldest first. */
  points(): SeriesPoint[] {
    const all = this.pending ? [...this.buckets, this.pending] : this.buckets;
    return all.map((b) => ({ step: b.step, value: bucketValue(b) }));
  }

  /** The newest point alone (or nothing). */
  last(): SeriesPoint[] {
    const bucket = this.pending ?? this.buckets[this.buckets.length - 1];
    return bucket ? [{ step: bucket.step, value: bucketValue(bucket) }] : [];
  }

  get size(): number {
    return this.buckets.length + (this.pending ? 1 : 0);
  }

  private compact(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i + 1 < this.buckets.length; i += 2) {
      const [a, b] = [this.buckets[i], this.buckets[i + 1]];
      merged.push({ step: b.step, sum: a.sum + b.sum, count: a.count + b.count, nonFinite: a.nonFinite || b.nonFinite });
    }
    // An odd last bucket becomes the start of the next, wider one.
    const leftover = this.buckets.length % 2 === 1 ? this.buckets[this.buckets.length - 1] : null;
    this.buckets.length = 0;
    this.buckets.push(...merged);
    this.width *= 2;
    this.pending = leftover;
  }
}

function bucketValue(bucket: Bucket): number | null {
  if (bucket.nonFinite) return null;
  const finiteCount = bucket.count;
  return finiteCount === 0 ? null : bucket.sum / finiteCount;
}

/**
 * Keeps at most `capacity` items by dropping every other old one when full;
 * used for rows that cannot be averaged (per-layer samples, epoch rows).
 */
export function thinned<T>(items: readonly T[], capacity: number): T[] {
  if (items.length <= capacity) return items.slice();
  const keepRecent = Math.floor(capacity / 2);
  const old = items.slice(0, items.length - keepRecent);
  const recent = items.slice(items.length - keepRecent);
  const stride = Math.ceil(old.length / (capacity - keepRecent));
  return [...old.filter((_, i) => i % stride === 0), ...recent];
}
