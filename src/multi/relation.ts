/**
 * When the label-relation probe over all inputs is not sound for one output of
 * a model with several inputs: an input that holds the labels themselves
 * shifted by one step (a decoder fed the target sequence, teacher forcing).
 * Any probe sees a link through it, even when the other inputs (the encoder's
 * source) are unrelated to the labels; the relation is then judged on the
 * other inputs only (see source-relation.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckContext } from '../checks/base';
import { unpackRows } from '../model/packing';
import type { FacetPick } from './data';
import { embeddingsOf } from './facets';
import { stepIds } from '../checks/data/bags';

/** Positions (over all rows and steps) that must match for an input to count as the shifted labels. */
const SHIFTED_SHARE = 0.9;

interface OutputRun {
  facet: { pick: FacetPick };
  ctx: CheckContext;
}

/** A feeding input left out of the label relation, and why. */
export interface ForcedInput {
  /** Index into model.inputs. */
  index: number;
  name: string;
  /** 'shifted': its steps are the labels shifted right by one; 'vocabulary': the only token input read by an Embedding over the labels' vocabulary. */
  reason: 'shifted' | 'vocabulary';
}


/** Share of positions t >= 1 where the input's step t equals the label of step t - 1. */
function shiftedShare(rows: number[][], labels: number[][]): number {
  let hits = 0;
  let total = 0;
  rows.forEach((row, r) => row.slice(1).forEach((v, t) => {
    total++;
    if (Math.abs(v - labels[r][t]) < 1e-6) hits++;
  }));
  return total > 0 ? hits / total : 0;
}

/** The output's class count: the labels' one-hot depth, or the largest id + 1. */
function labelVocabulary(labels: tf.Tensor, ids: number[][]): number {
  if (labels.rank === 3 && (labels.shape[2] ?? 1) > 1) return labels.shape[2] ?? 0;
  return ids.reduce((m, row) => Math.max(m, ...row), 0) + 1;
}

/**
 * The feeding input that holds the output's labels shifted right by one step,
 * if any; otherwise the one token input (of several) whose Embedding reads the
 * labels' vocabulary while the others read another one (a decoder fed from the
 * target vocabulary).
 */
export function teacherForcedInput(model: tf.LayersModel, run: OutputRun): ForcedInput | undefined {
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
      if (shiftedShare(rows, labels) >= SHIFTED_SHARE) return { index: inputs[k], name: model.inputNames[inputs[k]], reason: 'shifted' };
    }
  } finally {
    tf.dispose(parts);
  }
  const vocabulary = labelVocabulary(run.ctx.train.y, labels);
  const dims = inputs.map((i) => embeddingsOf(model, i).map((layer) => Number(layer.getConfig().inputDim)));
  const onTarget = inputs.filter((_, k) => dims[k].length > 0 && dims[k].every((d) => d === vocabulary));
  const elsewhere = inputs.filter((_, k) => dims[k].length > 0 && dims[k].every((d) => d !== vocabulary));
  if (onTarget.length === 1 && elsewhere.length === inputs.length - 1) return { index: onTarget[0], name: model.inputNames[onTarget[0]], reason: 'vocabulary' };
  return undefined;
}
