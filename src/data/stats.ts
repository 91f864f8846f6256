/**
 * Streaming statistics over rows of numbers, merged batch by batch (Chan's
 * parallel update of mean and M2), so any amount of data is profiled in
 * bounded memory. Pure JS over typed arrays; no tensors here.
 */

/** Mean, variance, min, max and non-finite counts per group of columns (feature or channel). */
export interface GroupStats {
  count: Float64Array;
  mean: Float64Array;
  m2: Float64Array;
  min: Float64Array;
  max: Float64Array;
  nonFinite: Float64Array;
}

export function emptyGroupStats(groups: number): GroupStats {
  return {
    count: new Float64Array(groups),
    mean: new Float64Array(groups),
    m2: new Float64Array(groups),
    min: new Float64Array(groups).fill(Infinity),
    max: new Float64Array(groups).fill(-Infinity),
    nonFinite: new Float64Array(groups),
  };
}

/**
 * Adds `values` (rows x rowSize, row-major) to `stats`; column j belongs to
 * group j % groups (a channel of an image, a feature of a sequence).
 * One pass over the batch: float64 sums of the values shifted by each group's
 * first value in the batch (the shifted-data algorithm: no cancellation when
 * the mean is far from 0), then the batch is merged with Chan's formula.
 * `v - v === 0` is the fast finite test (false for NaN and +-Infinity).
 */
export function addToGroupStats(stats: GroupStats, values: ArrayLike<number>, groups: number): void {
  const n = new Float64Array(groups);
  const s1 = new Float64Array(groups);
  const s2 = new Float64Array(groups);
  const shift = new Float64Array(groups);
  const { min, max, nonFinite } = stats;
  const length = values.length;
  for (let i = 0, g = 0; i < length; i++, g = g + 1 === groups ? 0 : g + 1) {
    const v = values[i];
    if (v - v === 0) {
      if (n[g] === 0) shift[g] = v;
      const d = v - shift[g];
      n[g]++;
      s1[g] += d;
      s2[g] += d * d;
      if (v < min[g]) min[g] = v;
      if (v > max[g]) max[g] = v;
    } else {
      nonFinite[g]++;
    }
  }
  for (let g = 0; g < groups; g++) {
    if (n[g] === 0) continue;
    const offset = s1[g] / n[g];
    mergeMoments(stats, g, n[g], shift[g] + offset, Math.max(0, s2[g] - s1[g] * offset));
  }
}

/** Chan's parallel update: folds `n` values of mean `mean` and sum of squared deviations `m2` into group `g`. */
export function mergeMoments(stats: GroupStats, g: number, n: number, mean: number, m2: number): void {
  if (n === 0) return;
  const total = stats.count[g] + n;
  const delta = mean - stats.mean[g];
  stats.mean[g] += (delta * n) / total;
  stats.m2[g] += m2 + (delta * delta * stats.count[g] * n) / total;
  stats.count[g] = total;
}

export function variance(stats: GroupStats, g: number): number {
  return stats.count[g] > 0 ? stats.m2[g] / stats.count[g] : 0;
}

/** Labels as seen row by row: class counts, validity problems, and target moments. */
export interface LabelStats {
  /** Numbers per label row (1 for sparse/binary/scalar targets, C for one-hot/multi-hot). */
  width: number;
  rows: number;
  nonFiniteRows: number;
  firstNonFiniteRow: number;
  allIntegers: boolean;
  /** width 1: count of each distinct value (stops growing past MAX_DISTINCT fractional or MAX_CLASSES integer values). */
  valueCounts: Map<number, number>;
  distinctOverflow: boolean;
  /** width > 1: how often each column is the row's argmax. */
  argmaxCounts: Float64Array;
  /** width > 1: rows whose entries do not sum to 1 (one-hot / probability rows). */
  rowsNotSummingToOne: number;
  firstRowNotSummingToOne: number;
  /** Entries outside [0, 1]. */
  outsideUnit: number;
  firstOutsideUnitRow: number;
  /** Entries other than exactly 0 or 1. */
  nonBinary: number;
  /** Rows with more than one entry equal to 1 (multi-hot). */
  multiHotRows: number;
  /** Moments per label column (regression targets, multilabel priors). */
  columns: GroupStats;
}

/** Distinct fractional values counted (regression targets need no more). */
const MAX_DISTINCT = 1000;
/** Distinct integer values counted: class indices of large classifiers (10,000 classes and more). */
const MAX_CLASSES = 100_000;

export function emptyLabelStats(width: number): LabelStats {
  return {
    width,
    rows: 0,
    nonFiniteRows: 0,
    firstNonFiniteRow: -1,
    allIntegers: true,
    valueCounts: new Map(),
    distinctOverflow: false,
    argmaxCounts: new Float64Array(width > 1 ? width : 0),
    rowsNotSummingToOne: 0,
    firstRowNotSummingToOne: -1,
    outsideUnit: 0,
    firstOutsideUnitRow: -1,
    nonBinary: 0,
    multiHotRows: 0,
    columns: emptyGroupStats(width),
  };
}

/** Index (0..width-1) of the largest of values[start..start+width), the first one on ties. */
export function argmax(values: ArrayLike<number>, start: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[start + k] > values[start + best]) best = k;
  return best;
}

/** The class a label row names: the value itself (width 1) or its argmax; NaN when it names none. */
export function rowClass(values: ArrayLike<number>, start: number, width: number): number {
  if (width === 1) {
    const v = values[start];
    return Number.isInteger(v) ? v : NaN;
  }
  return argmax(values, start, width);
}

/**
 * Adds a batch of label rows; `offset` is the stream index of the first sample.
 * `steps` label rows make one sample (per-timestep labels): row indices reported are sample indices.
 */
export function addToLabelStats(stats: LabelStats, values: ArrayLike<number>, offset: number, steps = 1): void {
  const { width } = stats;
  const rows = values.length / width;
  addToGroupStats(stats.columns, values, width);
  for (let r = 0; r < rows; r++) {
    const start = r * width;
    let finite = true;
    let sum = 0;
    let ones = 0;
    let outside = false;
    for (let k = 0; k < width; k++) {
      const v = values[start + k];
      if (!Number.isFinite(v)) {
        finite = false;
        continue;
      }
      sum += v;
      if (!Number.isInteger(v)) stats.allIntegers = false;
      if (v !== 0 && v !== 1) stats.nonBinary++;
      if (v === 1) ones++;
      if (v < 0 || v > 1) {
        stats.outsideUnit++;
        outside = true;
      }
    }
    const sample = offset + Math.floor(r / steps);
    if (outside && stats.firstOutsideUnitRow < 0) stats.firstOutsideUnitRow = sample;
    if (!finite) {
      stats.nonFiniteRows++;
      if (stats.firstNonFiniteRow < 0) stats.firstNonFiniteRow = sample;
      continue;
    }
    if (width === 1) {
      const v = values[start];
      if (!stats.distinctOverflow) {
        stats.valueCounts.set(v, (stats.valueCounts.get(v) ?? 0) + 1);
        if (stats.valueCounts.size > (stats.allIntegers ? MAX_CLASSES : MAX_DISTINCT)) stats.distinctOverflow = true;
      }
    } else {
      stats.argmaxCounts[rowClass(values, start, width)]++;
      if (Math.abs(sum - 1) > 1e-3) {
        stats.rowsNotSummingToOne++;
        if (stats.firstRowNotSummingToOne < 0) stats.firstRowNotSummingToOne = sample;
      }
      if (ones > 1) stats.multiHotRows++;
    }
  }
  stats.rows += rows;
}

/** How pure the training batches are: a sorted dataset yields batches of one class. */
export interface BatchPurity {
  batches: number;
  /** Batches of at least 2 rows whose rows all share one class. */
  singleClassBatches: number;
  /** Mean share of the most common class within a batch. */
  meanTopShare: number;
  /** Index of the first single-class batch, -1 when none. */
  firstSingleClassBatch: number;
}

export class BatchPurityCounter {
  private batches = 0;
  private single = 0;
  private topShareSum = 0;
  private first = -1;

  /** Adds one training batch given the class of each of its rows (NaN: no class). */
  add(classes: readonly number[]): void {
    if (classes.length < 2) return;
    const counts = new Map<number, number>();
    for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
    const top = Math.max(...counts.values());
    if (counts.size === 1 && !Number.isNaN(classes[0])) {
      this.single++;
      if (this.first < 0) this.first = this.batches;
    }
    this.topShareSum += top / classes.length;
    this.batches++;
  }

  result(): BatchPurity {
    return {
      batches: this.batches,
      singleClassBatches: this.single,
      meanTopShare: this.batches > 0 ? this.topShareSum / this.batches : 0,
      firstSingleClassBatch: this.first,
    };
  }
}

/**
 * A 52-bit fingerprint of a row's bytes (two 32-bit FNV-1a variants over its
 * 32-bit words): exact duplicates collide, distinct rows almost never do.
 */
export function rowHash(words: Uint32Array, start: number, length: number): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ length;
  for (let i = start; i < start + length; i++) {
    const w = words[i];
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b ^ ((w >>> 16) | (w << 16)), 0x5bd1e995);
    b ^= b >>> 13;
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}
