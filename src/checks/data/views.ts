/**
 * The views of what the network receives and what it makes of it (CHECKLIST
 * D1, L4, T10): a sample grid, side-by-side predictions with per-sample loss
 * (top losses first), and the confusion matrix or predicted-vs-true values.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckResult } from '../base';
import type { ConfusionMatrix, SampleRow, SampleSet } from '../../measurements';
import { pixelsToPngDataUrl } from '../../charts/png';
import { imageDims } from '../../context/infer';
import { tokenInput } from '../../context/sequence-model';
import { tokenText } from '../sequence/vocabulary';
import { argmax } from '../../data/stats';
import { classesOf, className, isClassification, labelStepsOf, lossOrSkip, predictRows } from './shared';
import { readTidy } from './read';

/** Rows shown in the sample grid and in the predictions view: a few dozen stay readable and light. */
const GRID_ROWS = 32;
const PREDICTION_ROWS = 48;
/** Rows predicted for the confusion matrix and the regression scatter. */
const SCORED_ROWS = 512;
const REGRESSION_POINTS = 200;
/** Table rows show at most this many features. */
const TABLE_COLUMNS = 12;

function rowValues(x: Float32Array | Int32Array | Uint8Array, r: number, size: number): number[] {
  return Array.from(x.subarray(r * size, (r + 1) * size));
}

/** Classes of each timestep of row r (label rows of `width` values holding `steps` vectors: one-hot or one index each). */
function stepClasses(values: ArrayLike<number>, r: number, width: number, steps: number): number[] {
  const step = width / steps;
  return Array.from({ length: steps }, (_, t) => (step === 1 ? Math.round(values[r * width + t]) : argmax(values, r * width + t * step, step)));
}

/** Timesteps shown per sequence label: enough to read, short enough for a table cell. */
const SHOWN_STEPS = 24;

function sequenceText(ctx: CheckContext, values: ArrayLike<number>, r: number, width: number, steps: number): string {
  const parts = isClassification(ctx)
    ? stepClasses(values, r, width, steps).map((c) => className(ctx, c))
    : Array.from({ length: steps }, (_, t) => Number(values[r * width + t * (width / steps)].toPrecision(3)).toString());
  return parts.slice(0, SHOWN_STEPS).join(' ') + (parts.length > SHOWN_STEPS ? ' ...' : '');
}

export function labelText(ctx: CheckContext, y: ArrayLike<number>, r: number, width: number): { text: string; value?: number; cls?: number } {
  const task = ctx.info.task.value;
  const steps = labelStepsOf(ctx);
  if (steps > 1) return { text: sequenceText(ctx, y, r, width, steps) };
  if (task === 'regression') {
    const value = y[r * width];
    return { text: Number(value.toPrecision(4)).toString(), value };
  }
  if (task === 'multilabel') {
    const on = Array.from({ length: width }, (_, k) => k).filter((k) => y[r * width + k] >= 0.5).map((k) => className(ctx, k));
    return { text: on.join(', ') || '(none)' };
  }
  const cls = width === 1 ? Math.round(y[r]) : argmax(y, r * width, width);
  return { text: className(ctx, cls), cls };
}

/** Everything a row shows of its input: a PNG for images, leading values for tables. */
export function inputView(ctx: CheckContext, x: Float32Array, r: number, rowSize: number): Pick<SampleRow, 'image' | 'values' | 'text'> {
  const values = rowValues(x, r, rowSize);
  if (tokenInput(ctx.model)) return { values: values.slice(0, TABLE_COLUMNS), text: tokenText(values, ctx.vocabulary) };
  const dims = ctx.info.inputKind.value === 'image' ? imageDims(ctx.profile.train.rowShape) : undefined;
  if (dims && [1, 3, 4].includes(dims[2])) return { image: pixelsToPngDataUrl(values, dims) };
  return { values: values.slice(0, TABLE_COLUMNS) };
}

export function sampleSetBase(ctx: CheckContext): Omit<SampleSet, 'rows'> {
  const image = ctx.info.inputKind.value === 'image' && imageDims(ctx.profile.train.rowShape) !== undefined;
  return image ? { kind: 'image' } : { kind: 'table', columns: ctx.featureNames.slice(0, TABLE_COLUMNS) };
}

export const samplesCheck: Check = {
  id: 'samples',
  checklist: ['D1'],
  findings: [],
  async run(ctx: CheckContext) {
    const rows = Math.min(GRID_ROWS, ctx.train.x.shape[0]);
    const x = readTidy(() => tf.slice(ctx.train.x, 0, rows)) as Float32Array;
    const y = readTidy(() => tf.slice(ctx.train.y, 0, rows)) as Float32Array;
    const rowSize = x.length / rows;
    const width = y.length / rows;
    const sampleRows: SampleRow[] = Array.from({ length: rows }, (_, r) => ({
      index: ctx.train.indices[r],
      ...inputView(ctx, x, r, rowSize),
      label: labelText(ctx, y, r, width).text,
    }));
    return { findings: [], measurements: { samples: { ...sampleSetBase(ctx), rows: sampleRows } } };
  },
};

/** Mean loss of each row alone, so the worst samples can be shown first. */
export function perRowLoss(ctx: CheckContext, y: tf.Tensor, predicted: tf.Tensor): number[] {
  const perRow = ctx.lossPerRow;
  // Per-timestep losses ([n, T]) average to one loss per sample.
  if (perRow) return tf.tidy(() => Array.from(tf.mean(tf.reshape(perRow(y, predicted), [y.shape[0], -1]), 1).dataSync()));
  // A custom loss only gives the batch mean: score rows one by one.
  return tf.tidy(() => Array.from({ length: y.shape[0] }, (_, r) => ctx.loss(tf.slice(y, r, 1), tf.slice(predicted, r, 1)).dataSync()[0]));
}

/** The first rows of the training split, predicted and scored row by row. */
export interface ScoredRows {
  rows: number;
  /** The labels of those rows (disposed after the callback). */
  y: tf.Tensor;
  x: Float32Array;
  rowSize: number;
  yv: tf.backend_util.TypedArray;
  p: tf.backend_util.TypedArray;
  losses: number[];
}

/**
 * Predicts and scores up to SCORED_ROWS training rows, hands them to `view`
 * and frees the tensors after it, on every path; skips the check when the loss
 * cannot score single rows.
 */
export function withScoredRows(ctx: CheckContext, view: (scored: ScoredRows) => CheckResult): CheckResult {
  const rows = Math.min(SCORED_ROWS, ctx.train.x.shape[0]);
  const predicted = predictRows(ctx, ctx.train.x, rows);
  const y = tf.slice(ctx.train.y, 0, rows);
  try {
    const scored = lossOrSkip(() => perRowLoss(ctx, y, predicted));
    if ('skipped' in scored) return { findings: [], skipped: scored.skipped };
    const x = readTidy(() => tf.slice(ctx.train.x, 0, rows)) as Float32Array;
    return view({ rows, y, x, rowSize: x.length / rows, yv: y.dataSync(), p: predicted.dataSync(), losses: scored.value });
  } finally {
    tf.dispose([predicted, y]);
  }
}

function predictedClass(ctx: CheckContext, p: ArrayLike<number>, r: number, units: number): { cls: number; confidence?: number } {
  const probabilities = ctx.facts.outputActivation === 'softmax' || ctx.facts.outputActivation === 'sigmoid';
  if (units === 1) {
    const v = p[r];
    const cls = v >= (probabilities ? 0.5 : 0) ? 1 : 0;
    return { cls, confidence: probabilities ? (cls === 1 ? v : 1 - v) : undefined };
  }
  const cls = argmax(p, r * units, units);
  return { cls, confidence: probabilities ? p[r * units + cls] : undefined };
}

function confusion(ctx: CheckContext, actual: number[], predicted: number[]): ConfusionMatrix {
  const n = ctx.info.numClasses ?? 2;
  const counts = new Map<string, number>();
  actual.forEach((a, i) => {
    if (!Number.isInteger(a) || a < 0 || a >= n) return;
    const key = `${a},${predicted[i]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const classes = Array.from({ length: n }, (_, c) => className(ctx, c));
  const cells = [];
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      const count = counts.get(`${a},${p}`) ?? 0;
      // Large class counts: only the cells that happened, to keep the spec small.
      if (count > 0 || n <= 20) cells.push({ actual: classes[a], predicted: classes[p], count });
    }
  }
  return { classes, cells };
}

/** The rows to show: the worst losses first, then a seeded spread of the rest. */
export function pickRows(losses: number[], count: number, random: () => number): number[] {
  const order = losses.map((loss, i) => ({ loss: Number.isFinite(loss) ? loss : Infinity, i })).sort((a, b) => b.loss - a.loss).map((o) => o.i);
  const worst = order.slice(0, Math.ceil(count / 2));
  const rest = order.slice(worst.length);
  const picked = new Set(worst);
  while (picked.size < Math.min(count, order.length) && rest.length > 0) {
    picked.add(rest.splice(Math.floor(random() * rest.length), 1)[0]);
  }
  return order.filter((i) => picked.has(i));
}

interface SequenceInputs {
  x: Float32Array; rowSize: number; yv: ArrayLike<number>; width: number; p: ArrayLike<number>; units: number;
  losses: number[]; steps: number; base: Omit<SampleSet, 'rows'>;
}

/**
 * Sequence outputs ([T, C]): label and prediction side by side as one token
 * per timestep; a row is correct when every timestep is. The confusion matrix
 * counts timesteps.
 */
function sequencePredictions(ctx: CheckContext, e: SequenceInputs): { predictions: SampleSet; confusion?: ConfusionMatrix } {
  const rows = e.losses.length;
  const classification = isClassification(ctx);
  const shown = pickRows(e.losses, PREDICTION_ROWS, ctx.random).map((r): SampleRow => {
    const correct = classification
      ? stepClasses(e.yv, r, e.width, e.steps).every((c, t) => c === stepClasses(e.p, r, e.units, e.steps)[t])
      : undefined;
    return {
      index: ctx.train.indices[r],
      ...inputView(ctx, e.x, r, e.rowSize),
      label: sequenceText(ctx, e.yv, r, e.width, e.steps),
      prediction: sequenceText(ctx, e.p, r, e.units, e.steps),
      ...(Number.isFinite(e.losses[r]) ? { loss: e.losses[r] } : {}),
      ...(correct !== undefined ? { correct } : {}),
    };
  });
  if (!classification) return { predictions: { ...e.base, rows: shown } };
  const actual: number[] = [];
  const guessed: number[] = [];
  for (let r = 0; r < rows; r++) {
    actual.push(...stepClasses(e.yv, r, e.width, e.steps));
    guessed.push(...stepClasses(e.p, r, e.units, e.steps));
  }
  return { predictions: { ...e.base, rows: shown }, confusion: confusion(ctx, actual, guessed) };
}

export const predictionsCheck: Check = {
  id: 'predictions',
  checklist: ['L4', 'T10'],
  findings: [],
  async run(ctx: CheckContext) {
    const task = ctx.info.task.value;
    if (task === 'multilabel') return { findings: [], skipped: 'multilabel outputs are shown per label by multilabel-predictions' };
    return withScoredRows(ctx, ({ rows, x, rowSize, yv, p, losses, y }) => {
      const width = yv.length / rows;
      const units = p.length / rows;
      const base = sampleSetBase(ctx);
      const steps = labelStepsOf(ctx);
      if (steps > 1) return { findings: [], measurements: sequencePredictions(ctx, { x, rowSize, yv, width, p, units, losses, steps, base }) };
      if (isClassification(ctx)) {
        const actual = classesOf(y);
        const guessed = actual.map((_, r) => predictedClass(ctx, p, r, units));
        const shown = pickRows(losses, PREDICTION_ROWS, ctx.random).map((r): SampleRow => ({
          index: ctx.train.indices[r],
          ...inputView(ctx, x, r, rowSize),
          label: labelText(ctx, yv, r, width).text,
          prediction: className(ctx, guessed[r].cls),
          ...(guessed[r].confidence !== undefined ? { confidence: guessed[r].confidence } : {}),
          ...(Number.isFinite(losses[r]) ? { loss: losses[r] } : {}),
          correct: guessed[r].cls === actual[r],
        }));
        return {
          findings: [],
          measurements: { predictions: { ...base, rows: shown }, confusion: confusion(ctx, actual, guessed.map((g) => g.cls)) },
        };
      }
      const count = Math.min(REGRESSION_POINTS, rows);
      const order = pickRows(losses, count, ctx.random);
      const imagesFor = new Set(order.slice(0, PREDICTION_ROWS));
      const shown = order.map((r): SampleRow => ({
        index: ctx.train.indices[r],
        ...(imagesFor.has(r) ? inputView(ctx, x, r, rowSize) : {}),
        label: labelText(ctx, yv, r, width).text,
        prediction: Number(p[r * units].toPrecision(4)).toString(),
        ...(Number.isFinite(losses[r]) ? { loss: losses[r] } : {}),
        actualValue: yv[r * width],
        predictedValue: p[r * units],
      }));
      return { findings: [], measurements: { predictions: { ...base, rows: shown } } };
    });
  },
};
