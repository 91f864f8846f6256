/**
 * One streaming pass over a split: feature/channel moments, non-finite counts,
 * label statistics, batch purity, row fingerprints (for leakage) and a seeded
 * reservoir sample of rows. Memory stays bounded by the sample size and, when
 * asked, one number per row for fingerprints.
 */
import * as tf from '@tensorflow/tfjs';
import { streamBatches, type DataSource } from './source';
import {
  addToGroupStats, addToLabelStats, BatchPurityCounter, emptyGroupStats, emptyLabelStats, mergeMoments, rowClass, rowHash,
  type BatchPurity, type GroupStats, type LabelStats,
} from './stats';

export interface ProfileRequest {
  /** Columns of a row are grouped by `j % groups` (channels, sequence features, or one per feature). */
  groups: number;
  /** Rows per training batch (tensors are sliced at this size for the purity count). */
  batchSize: number;
  /** Reservoir size: rows kept as the probe sample. */
  sampleRows: number;
  random: () => number;
  /** Keep one fingerprint per row (the training split, when a validation split will be compared). */
  keepHashes: boolean;
  /** Count rows whose fingerprint is in this set (the validation split against training). */
  against?: ReadonlySet<number>;
  name: string;
  /** Called with the first batch's row shape, before any work: throw to stop early on data the model cannot take. */
  checkRowShape?: (rowShape: number[]) => void;
  /** Called after each batch with the rows seen so far (progress on long streams). */
  onRows?: (rows: number) => void;
}

export interface Reservoir {
  x: Float32Array[];
  y: Float32Array[];
  indices: number[];
}

export interface SplitProfile {
  rows: number;
  /** Shape of one input row and one label row (without the batch axis). */
  rowShape: number[];
  labelShape: number[];
  features: GroupStats;
  /** Stream index of the first row holding a NaN or Inf input, -1 when none. */
  firstNonFiniteRow: number;
  nonFiniteRows: number;
  labels: LabelStats;
  purity: BatchPurity;
  hashes?: Set<number>;
  /** Rows of this split whose input also appears in `against`, with the first few indices. */
  leaked: number;
  leakedIndices: number[];
  sample: Reservoir;
  seconds: number;
}

/** Tensor slices are streamed in chunks this many rows tall (whole batches, for the purity count). */
const CHUNK_TARGET_ROWS = 1024;

function floatData(t: tf.Tensor): Float32Array {
  const data = t.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/**
 * Moments of a batch computed by the backend (fast, no JS loop over every
 * value); undefined when the batch holds NaN/Inf, which the JS path counts.
 */
function backendMoments(x: tf.Tensor, groups: number, stats: GroupStats): boolean {
  const flat = tf.tidy(() => tf.reshape(tf.cast(x, 'float32'), [-1, groups]));
  try {
    const clean = tf.tidy(() => tf.all(tf.isFinite(flat)).dataSync()[0] === 1);
    if (!clean) return false;
    const [mean, varianceOf, min, max] = tf.tidy(() => {
      const moments = tf.moments(flat, 0);
      return [moments.mean.dataSync(), moments.variance.dataSync(), tf.min(flat, 0).dataSync(), tf.max(flat, 0).dataSync()];
    });
    mergeMoments(stats, flat.shape[0], mean, varianceOf, min, max);
    return true;
  } finally {
    flat.dispose();
  }
}

/** Rows `rows` of a batch as JS arrays, read from the backend without copying the whole batch. */
function readRows(x: tf.Tensor, rows: number[]): Float32Array[] {
  if (rows.length === 0) return [];
  const data = tf.tidy(() => floatData(tf.gather(tf.reshape(x, [x.shape[0], -1]), tf.tensor1d(rows, 'int32'))));
  const size = data.length / rows.length;
  return rows.map((_, i) => data.slice(i * size, (i + 1) * size));
}

export async function profileSplit(source: DataSource, request: ProfileRequest): Promise<SplitProfile> {
  const started = performance.now();
  const { groups, random } = request;
  const features = emptyGroupStats(groups);
  const purity = new BatchPurityCounter();
  const hashes = request.keepHashes ? new Set<number>() : undefined;
  const fingerprint = hashes !== undefined || request.against !== undefined;
  const sample: Reservoir = { x: [], y: [], indices: [] };
  let labels: LabelStats | undefined;
  let rowShape: number[] = [];
  let labelShape: number[] = [];
  let rows = 0;
  let nonFiniteRows = 0;
  let firstNonFiniteRow = -1;
  let leaked = 0;
  const leakedIndices: number[] = [];
  const chunkRows = Math.max(1, Math.round(CHUNK_TARGET_ROWS / request.batchSize)) * request.batchSize;
  const trainingBatchRows = source.kind === 'tensors' ? request.batchSize : Infinity;

  for await (const batch of streamBatches(source, chunkRows, request.name)) {
    try {
      const n = batch.x.shape[0];
      if (rows === 0) request.checkRowShape?.(batch.x.shape.slice(1));
      rowShape = batch.x.shape.slice(1);
      labelShape = batch.y.shape.slice(1);
      const y = floatData(batch.y);
      const width = y.length / Math.max(n, 1);
      labels ??= emptyLabelStats(width);
      if (labels.width !== width) {
        throw new Error(`${request.name} changes label shape between batches ([${labelShape}] at row ${batch.offset}).`);
      }
      addToLabelStats(labels, y, batch.offset);

      // Reservoir sampling (algorithm R): every row ends up kept with equal probability.
      // Slots are drawn first, in stream order, so the sample does not depend on the path below.
      const slots = Array.from({ length: n }, (_, r) => {
        const index = batch.offset + r;
        return index < request.sampleRows ? index : Math.floor(random() * (index + 1));
      });

      // Clean batches: moments on the backend, JS reads only the rows it keeps.
      // Batches with NaN/Inf, or when fingerprints are needed: every value through JS.
      const fast = !fingerprint && backendMoments(batch.x, groups, features);
      const x = fast ? undefined : floatData(batch.x);
      const rowSize = batch.x.size / Math.max(n, 1);
      let batchHasNonFinite = false;
      if (x) {
        const nonFiniteBefore = features.nonFinite.reduce((a, b) => a + b, 0);
        addToGroupStats(features, x, groups);
        batchHasNonFinite = features.nonFinite.reduce((a, b) => a + b, 0) > nonFiniteBefore;
      }
      const kept = slots.map((slot, r) => (slot < request.sampleRows ? r : -1)).filter((r) => r >= 0);
      const keptRows = x ? kept.map((r) => x.slice(r * rowSize, (r + 1) * rowSize)) : readRows(batch.x, kept);
      kept.forEach((r, i) => {
        const index = batch.offset + r;
        const keepY = y.slice(r * width, (r + 1) * width);
        if (index < request.sampleRows) {
          sample.x.push(keptRows[i]); sample.y.push(keepY); sample.indices.push(index);
        } else {
          sample.x[slots[r]] = keptRows[i]; sample.y[slots[r]] = keepY; sample.indices[slots[r]] = index;
        }
      });

      const words = x ? new Uint32Array(x.buffer, x.byteOffset, x.length) : undefined;
      let classes: number[] = [];
      for (let r = 0; r < n; r++) {
        const index = batch.offset + r;
        const start = r * rowSize;
        if (x && batchHasNonFinite) {
          let finite = true;
          for (let j = start; j < start + rowSize; j++) if (!Number.isFinite(x[j])) { finite = false; break; }
          if (!finite) {
            nonFiniteRows++;
            if (firstNonFiniteRow < 0) firstNonFiniteRow = index;
          }
        }
        if (words && fingerprint) {
          const h = rowHash(words, start, rowSize);
          hashes?.add(h);
          if (request.against?.has(h)) {
            leaked++;
            if (leakedIndices.length < 5) leakedIndices.push(index);
          }
        }
        classes.push(rowClass(y, r * width, width));
        if (classes.length === trainingBatchRows) {
          purity.add(classes);
          classes = [];
        }
      }
      if (classes.length > 0) purity.add(classes);
      rows += n;
      request.onRows?.(rows);
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  }
  return {
    rows,
    rowShape,
    labelShape,
    features,
    firstNonFiniteRow,
    nonFiniteRows,
    labels: labels ?? emptyLabelStats(1),
    purity: purity.result(),
    hashes,
    leaked,
    leakedIndices,
    sample,
    seconds: (performance.now() - started) / 1000,
  };
}
