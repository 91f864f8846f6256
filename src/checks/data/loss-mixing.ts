/**
 * The loss side of batch independence (CHECKLIST L6): the loss of sample i
 * must depend on label i only. Changing one label and comparing the gradient
 * of the loss with respect to every prediction shows it: for a per-sample
 * loss only the changed row's gradient moves. Labels [n] against outputs
 * [n, 1] (or a reshape inside a custom loss) broadcast into an n x n
 * difference that moves them all. Built-in losses compare row by row and are
 * not probed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext } from '../base';
import { lossMixesSamples } from '../../messages/data';
import { predictRows } from './shared';

/** Rows in the probe batch: enough to see other rows move, small enough to stay instant. */
const ROWS = 8;
/** Cross-row gradient change relative to the largest gradient: structurally 0; float32 noise stays near 1e-7. */
const TOLERANCE = 1e-4;

/** Rows searched for a label that differs from the first row's, when the first ROWS agree (sorted or skewed data). */
const SEARCH_ROWS = 1024;

/**
 * The probe rows: the first `rows`, except that the last one is swapped for
 * the first row further on whose label differs, when the first rows all share
 * one label (otherwise no label could be changed to another real one).
 */
function probeIndices(y: tf.Tensor, rows: number): number[] {
  const first = Array.from({ length: rows }, (_, i) => i);
  const total = y.shape[0];
  const width = y.size / total;
  const searched = Math.min(total, SEARCH_ROWS);
  const values = tf.tidy(() => tf.slice(y, 0, searched).dataSync());
  const differs = (i: number) => Array.from({ length: width }, (_, k) => values[i * width + k] !== values[k]).some(Boolean);
  if (first.some(differs)) return first;
  const other = Array.from({ length: searched - rows }, (_, i) => rows + i).find(differs);
  return other === undefined ? first : [...first.slice(0, rows - 1), other];
}

/** A copy of the labels with row `j` replaced by the first row whose label differs (undefined: all labels equal). */
function changedLabels(y: tf.Tensor, j: number): tf.Tensor | undefined {
  const rows = y.shape[0];
  const width = y.size / rows;
  const values = y.dataSync();
  const same = (a: number, b: number) => Array.from({ length: width }, (_, k) => values[a * width + k] === values[b * width + k]).every(Boolean);
  const donor = Array.from({ length: rows }, (_, i) => i).find((i) => i !== j && !same(i, j));
  if (donor === undefined) return undefined;
  const copy = Float32Array.from(values);
  copy.set(values.subarray(donor * width, (donor + 1) * width), j * width);
  return tf.tensor(copy, y.shape);
}

/** Largest |change| of the loss gradient over the rows other than j, and on row j itself, relative to the largest gradient. */
function crossEffect(ctx: CheckContext, y: tf.Tensor, changed: tf.Tensor, predicted: tf.Tensor, j: number): { cross: number; own: number } {
  return tf.tidy(() => {
    const before = tf.grad((p: tf.Tensor) => ctx.loss(y, p))(predicted);
    const afterChanged = tf.grad((p: tf.Tensor) => ctx.loss(changed, p))(predicted);
    const rows = predicted.shape[0];
    const delta = tf.max(tf.reshape(tf.abs(tf.sub(afterChanged, before)), [rows, -1]), 1);
    const scale = Math.max(tf.max(tf.abs(before)).dataSync()[0], tf.max(tf.abs(afterChanged)).dataSync()[0], 1e-30);
    const perRow = Array.from(delta.dataSync());
    const own = perRow[j] / scale;
    const cross = Math.max(...perRow.filter((_, i) => i !== j)) / scale;
    return { cross, own };
  });
}

export const lossMixingCheck: Check = {
  id: 'loss-independence',
  checklist: ['L6'],
  findings: ['loss-mixes-samples'],
  async run(ctx: CheckContext) {
    if (ctx.lossPerRow) return { findings: [], skipped: `${ctx.info.lossName} is a built-in loss: it compares each row with its own label` };
    const rows = Math.min(ROWS, ctx.train.x.shape[0]);
    if (rows < 2) return { findings: [], skipped: 'needs at least 2 samples' };
    const indices = tf.tensor1d(probeIndices(ctx.train.y, rows), 'int32');
    const [y, x] = [tf.gather(ctx.train.y, indices), tf.gather(ctx.train.x, indices)];
    indices.dispose();
    const predicted = predictRows(ctx, x, rows);
    x.dispose();
    const changedRow = rows - 1;
    const changed = changedLabels(y, changedRow);
    try {
      if (!changed) return { findings: [], skipped: 'all labels of the probe batch are equal' };
      let effect: { cross: number; own: number };
      try {
        effect = crossEffect(ctx, y, changed, predicted, changedRow);
      } catch (error) {
        return { findings: [], skipped: `the loss has no gradient with respect to the predictions (${error instanceof Error ? error.message : String(error)})` };
      }
      const note = `changing label ${changedRow} moved the other rows' loss gradients by ${effect.cross.toExponential(2)} of the largest gradient (its own by ${effect.own.toExponential(2)})`;
      if (!(effect.cross > TOLERANCE)) return { findings: [], note };
      return {
        findings: [lossMixesSamples({ lossName: ctx.info.lossName, crossEffect: effect.cross, ownEffect: effect.own, rows, changedRow })],
        note,
      };
    } finally {
      tf.dispose([y, predicted, changed].filter((t): t is tf.Tensor => t !== undefined));
    }
  },
};
