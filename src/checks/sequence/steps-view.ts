/**
 * T10 for sequence outputs: a few samples timestep by timestep — the input
 * token, the true token and the predicted one in three lines — with the
 * highest-loss samples first. Tokens come from options.vocabulary (or the
 * class names) when given, ids otherwise.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext } from '../base';
import type { SequenceStep, SequenceSteps } from '../../measurements';
import { finiteOrNull } from '../../measurements';
import { isOneHotSteps, stepIds, tokenInput } from '../../context/sequence-model';
import { className, labelStepsOf, lossOrSkip, predictRows } from '../data/shared';
import { tokenOf } from './vocabulary';
import { perRowLoss } from '../data/views';

const SETTINGS = {
  /** Rows predicted to find the hardest ones. */
  scored: 64,
  /** Samples shown: half the highest losses, half in probe order. */
  shown: 8,
  /** Timesteps shown per sample. */
  steps: 24,
};

/** Class of each of `steps` vectors in a row of `width` values (one index or one distribution per step). */
function classes(values: ArrayLike<number>, r: number, width: number, steps: number): number[] {
  const depth = width / steps;
  const row = Array.from(values).slice(r * width, (r + 1) * width);
  return depth === 1 ? row.map(Math.round) : stepIds(row, depth);
}

/** Input tokens per step of a row: ids feeding an Embedding, one-hot steps, or the first feature of each step. */
function inputTokens(ctx: CheckContext, x: ArrayLike<number>, r: number): string[] {
  const shape = ctx.profile.train.rowShape;
  const size = tf.util.sizeFromShape(shape);
  const row = Array.from(x).slice(r * size, (r + 1) * size);
  if (tokenInput(ctx.model) && shape.length === 1) return row.map((id) => tokenOf(Math.round(id), ctx.vocabulary));
  if (shape.length === 2 && isOneHotSteps([row], shape[1])) return stepIds(row, shape[1]).map((id) => tokenOf(id, ctx.vocabulary));
  const features = shape.length === 2 ? shape[1] : 1;
  return Array.from({ length: row.length / features }, (_, t) => String(Number(row[t * features].toPrecision(3))));
}

export const sequenceStepsCheck: Check = {
  id: 'sequence-steps',
  checklist: ['T10'],
  findings: [],
  async run(ctx: CheckContext) {
    const steps = labelStepsOf(ctx);
    if (steps <= 1) return { findings: [], skipped: 'the output is not a sequence with targets per timestep' };
    if (ctx.info.task.value !== 'multiclass') return { findings: [], skipped: 'shown for per-step classes (tokens)' };
    const rows = Math.min(SETTINGS.scored, ctx.train.x.shape[0]);
    const predicted = predictRows(ctx, ctx.train.x, rows);
    const y = tf.slice(ctx.train.y, 0, rows);
    try {
      const scored = lossOrSkip(() => perRowLoss(ctx, y, predicted).map(finiteOrNull));
      if ('skipped' in scored) return { findings: [], skipped: scored.skipped };
      const losses = scored.value;
      const x = tf.tidy(() => tf.slice(ctx.train.x, 0, rows).dataSync());
      const yv = y.dataSync();
      const pv = predicted.dataSync();
      const worst = losses.map((loss, r) => ({ loss: loss ?? -Infinity, r })).sort((a, b) => b.loss - a.loss).slice(0, SETTINGS.shown / 2).map((o) => o.r);
      const picked = [...worst, ...Array.from({ length: rows }, (_, r) => r).filter((r) => !worst.includes(r))].slice(0, SETTINGS.shown);
      const width = yv.length / rows;
      const units = pv.length / rows;
      const view: SequenceSteps = {
        totalSteps: Math.max(steps, ctx.profile.train.rowShape[0] ?? 0),
        rows: picked.map((r) => {
          const truth = classes(yv, r, width, steps);
          const guess = classes(pv, r, units, steps);
          const input = inputTokens(ctx, x, r);
          // An encoder-decoder reads more (or fewer) steps than it writes: each line keeps its own length.
          const length = Math.min(SETTINGS.steps, Math.max(input.length, truth.length));
          const shown: SequenceStep[] = Array.from({ length }, (_, t) => ({
            input: input[t] ?? '',
            label: t < truth.length ? className(ctx, truth[t]) : '',
            prediction: t < guess.length ? className(ctx, guess[t]) : '',
            wrong: t < truth.length && truth[t] !== guess[t],
          }));
          return { index: ctx.train.indices[r], loss: losses[r], steps: shown };
        }),
      };
      const wrong = view.rows.reduce((sum, row) => sum + row.steps.filter((s) => s.wrong).length, 0);
      return { findings: [], measurements: { sequences: view }, note: `${view.rows.length} sequences shown step by step; ${wrong} wrong steps among them` };
    } finally {
      tf.dispose([predicted, y]);
    }
  },
};
