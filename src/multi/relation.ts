/**
 * When the label-relation probe is not sound for one output of a model with
 * several inputs: an input that holds the labels themselves shifted by one
 * step (a decoder fed the target sequence, teacher forcing). Any probe sees a
 * link through it, even when the other inputs are unrelated to the labels.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckContext } from '../checks/base';
import { unpackRows } from '../model/packing';
import type { FacetPick } from './data';

/** Rows that must match for an input to count as the shifted labels. */
const SHIFTED_SHARE = 0.9;

interface OutputRun {
  facet: { pick: FacetPick };
  ctx: CheckContext;
}

/** Label ids per step ([n, T]): argmax of one-hot steps ([n, T, C]) or the values ([n, T]). */
function stepIds(labels: tf.Tensor): number[][] | undefined {
  if (labels.rank !== 2 && labels.rank !== 3) return undefined;
  const ids = tf.tidy(() => (labels.rank === 3 && (labels.shape[2] ?? 1) > 1 ? tf.argMax(labels, 2) : tf.reshape(labels, [labels.shape[0], -1])));
  const rows = ids.arraySync() as number[][];
  ids.dispose();
  return rows;
}

/** The name of a feeding input holding the output's labels shifted right by one step, if any. */
export function teacherForcedInput(model: tf.LayersModel, run: OutputRun): string | undefined {
  const inputs = run.facet.pick.inputs;
  if (inputs.length < 2) return undefined;
  const shapes = inputs.map((i) => model.inputs[i].shape.slice(1) as number[]);
  const labels = stepIds(run.ctx.train.y);
  if (!labels || labels.length === 0 || labels[0].length < 2) return undefined;
  const steps = labels[0].length;
  const parts = unpackRows(run.ctx.train.x, shapes);
  try {
    for (const [k, part] of parts.entries()) {
      if (part.size / part.shape[0] !== steps) continue;
      const values = part.reshape([part.shape[0], steps]);
      const rows = values.arraySync() as number[][];
      values.dispose();
      const shifted = rows.filter((row, r) => row.slice(1).every((v, t) => Math.abs(v - labels[r][t]) < 1e-6)).length;
      if (shifted >= SHIFTED_SHARE * rows.length) return model.inputNames[inputs[k]];
    }
    return undefined;
  } finally {
    tf.dispose(parts);
  }
}
