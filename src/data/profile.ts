/**
 * One streaming pass over a split: feature/channel moments, non-finite counts,
 * label statistics, batch purity, row fingerprints (for leakage) and a seeded
 * reservoir sample of rows. Memory stays bounded by the sample size and, when
 * asked, one number per row for fingerprints.
 */
import { streamBatches, type DataSource, type StreamLimits } from './source';
import { inputError } from './errors';
import {
  addToGroupStats, addToLabelStats, BatchPurityCounter, emptyGroupStats, emptyLabelStats, rowClass, rowHash,
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
  /** Label vectors per sample for a label row shape (per-timestep labels of a sequence output: T); 1 when absent. */
  labelSteps?: (labelShape: number[]) => number;
  /** Called after each batch with the rows seen so far (progress on long streams). */
  onRows?: (rows: number) => void;
  /** Rows read at most, cancellation, event-loop turns. Defaults to every row, a turn every 50 ms. */
  limits?: StreamLimits;
  /** Rank of one input row the model takes (tells an unbatched dataset apart). */
  modelRank?: number;
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
  /** True when reading stopped at limits.maxRows with more rows left (or unknown, for a dataset). */
  truncated: boolean;
}

/*
 * Every value goes through one JS pass per batch. Measured on wasm, that pass
 * is faster than backend reductions (isFinite, moments, min, max) plus reading
 * the kept rows back, and it also yields fingerprints and NaN positions.
 * The cost is linear in rows: each value is read once, and a reservoir slot
 * copies one row.
 */

/** Tensors are streamed in chunks this many rows tall (whole batches, for the purity count). */
const CHUNK_TARGET_ROWS = 1024;

export async function profileSplit(source: DataSource, request: ProfileRequest): Promise<SplitProfile> {
  const started = performance.now();
  const { groups, random } = request;
  const features = emptyGroupStats(groups);
  const purity = new BatchPurityCounter();
  const hashes = request.keepHashes ? new Set<number>() : undefined;
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

  const limits = request.limits ?? { maxRows: Infinity, yieldMs: 50 };
  for await (const batch of streamBatches(source, chunkRows, request.name, limits, request.modelRank)) {
    const n = batch.rows;
    if (rows === 0) request.checkRowShape?.(batch.rowShape);
    rowShape = batch.rowShape;
    labelShape = batch.labelShape;
    const { x, y } = batch;
    const rowSize = x.length / Math.max(n, 1);
    const steps = request.labelSteps?.(labelShape) ?? 1;
    const labelRow = y.length / Math.max(n, 1);
    const width = labelRow / steps;
    labels ??= emptyLabelStats(width);
    if (labels.width !== width) throw inputError('labelShapeChanged', request.name, labelShape, batch.offset);
    const nonFiniteBefore = features.nonFinite.reduce((a, b) => a + b, 0);
    addToGroupStats(features, x, groups);
    // Rows are scanned for NaN/Inf only when the batch holds some: clean data skips the second pass.
    const batchHasNonFinite = features.nonFinite.reduce((a, b) => a + b, 0) > nonFiniteBefore;
    addToLabelStats(labels, y, batch.offset, steps);

    const words = new Uint32Array(x.buffer, x.byteOffset, x.length);
    let classes: number[] = [];
    for (let r = 0; r < n; r++) {
      const index = batch.offset + r;
      const start = r * rowSize;
      let finite = true;
      if (batchHasNonFinite) for (let j = start; j < start + rowSize; j++) if (!Number.isFinite(x[j])) { finite = false; break; }
      if (!finite) {
        nonFiniteRows++;
        if (firstNonFiniteRow < 0) firstNonFiniteRow = index;
      }
      if (hashes || request.against) {
        const h = rowHash(words, start, rowSize);
        hashes?.add(h);
        if (request.against?.has(h)) {
          leaked++;
          if (leakedIndices.length < 5) leakedIndices.push(index);
        }
      }
      // A sample of per-timestep labels has no single class (NaN: never a single-class batch).
      classes.push(steps === 1 ? rowClass(y, r * width, width) : NaN);
      if (classes.length === trainingBatchRows) {
        purity.add(classes);
        classes = [];
      }
      // Reservoir sampling (algorithm R): every row ends up kept with equal probability.
      const slot = index < request.sampleRows ? index : Math.floor(random() * (index + 1));
      if (slot < request.sampleRows) {
        const keepX = x.slice(start, start + rowSize);
        const keepY = y.slice(r * labelRow, (r + 1) * labelRow);
        if (index < request.sampleRows) {
          sample.x.push(keepX); sample.y.push(keepY); sample.indices.push(index);
        } else {
          sample.x[slot] = keepX; sample.y[slot] = keepY; sample.indices[slot] = index;
        }
      }
    }
    if (classes.length > 0) purity.add(classes);
    rows += n;
    request.onRows?.(rows);
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
    truncated: rows >= limits.maxRows && (source.kind === 'dataset' || source.rows > rows),
  };
}
