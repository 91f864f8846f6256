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
import { matchShares, SHIFT_SETTINGS } from '../checks/sequence/shift';

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

/** The output's class count: the labels' one-hot depth, or the largest id + 1. */
function labelVocabulary(labels: tf.Tensor, ids: number[][]): number {
  if (labels.rank === 3 && (labels.shape[2] ?? 1) > 1) return labels.shape[2] ?? 0;
  return ids.reduce((m, row) => Math.max(m, ...row), 0) + 1;
}

/** The feeding inputs with one value per label step, as rows of values ([n, steps]); k indexes the facet's inputs. */
function stepInputs(run: OutputRun, shapes: number[][], steps: number): { k: number; rows: number[][] }[] {
  const parts = unpackRows(run.ctx.train.x, shapes);
  try {
    return parts.flatMap((part, k) => {
      if (part.size / part.shape[0] !== steps) return [];
      const values = part.reshape([part.shape[0], steps]);
      const rows = values.arraySync() as number[][];
      values.dispose();
      return [{ k, rows }];
    });
  } finally {
    tf.dispose(parts);
  }
}

/**
 * A feeding input (of two or more) that holds the output's labels themselves,
 * step for step: a decoder fed the targets without the shift by one, which
 * lets the model copy its answer during training and leaves it nothing to
 * read at inference. Judged by the label-shift check's bars (SHIFT_SETTINGS:
 * 90% of at least 50 positions over 3 or more distinct input tokens), and only
 * when the shifted match is far lower.
 */
export function copiedTargetsInput(model: tf.LayersModel, run: OutputRun): { name: string; share: number; positions: number } | undefined {
  const inputs = run.facet.pick.inputs;
  if (inputs.length < 2) return undefined;
  const labels = stepIds(run.ctx.train.y);
  if (!labels || labels.length === 0 || labels[0].length < 2) return undefined;
  const shapes = inputs.map((i) => model.inputs[i].shape.slice(1) as number[]);
  for (const input of stepInputs(run, shapes, labels[0].length)) {
    // copy: the input at step t is the target at step t; next: the input at step t + 1 is (the decoder input done right).
    const m = matchShares(input.rows, labels, true, undefined);
    const enough = m.positions >= SHIFT_SETTINGS.positions && m.distinct >= SHIFT_SETTINGS.distinctTokens;
    if (enough && m.copy >= SHIFT_SETTINGS.match && m.next < m.copy - SHIFT_SETTINGS.margin) {
      return { name: model.inputNames[inputs[input.k]], share: m.copy, positions: m.positions };
    }
  }
  return undefined;
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
  // The input at step t + 1 is the target at step t: the targets shifted right by one.
  const shifted = stepInputs(run, shapes, steps).find((input) => matchShares(input.rows, labels, true, undefined).next >= SHIFTED_SHARE);
  if (shifted) return { index: inputs[shifted.k], name: model.inputNames[inputs[shifted.k]], reason: 'shifted' };
  const vocabulary = labelVocabulary(run.ctx.train.y, labels);
  const dims = inputs.map((i) => embeddingsOf(model, i).map((layer) => Number(layer.getConfig().inputDim)));
  const onTarget = inputs.filter((_, k) => dims[k].length > 0 && dims[k].every((d) => d === vocabulary));
  const elsewhere = inputs.filter((_, k) => dims[k].length > 0 && dims[k].every((d) => d !== vocabulary));
  if (onTarget.length === 1 && elsewhere.length === inputs.length - 1) return { index: onTarget[0], name: model.inputNames[onTarget[0]], reason: 'vocabulary' };
  return undefined;
}
