/**
 * D3 for sequences: targets that are the inputs. Next-token data is built by
 * shifting: the target at step t is the input at step t + 1 (or, for one
 * target per window, the token after the window). Forgetting the shift asks
 * the model to copy its input (the loss drops fast and nothing useful is
 * learned); shifting the wrong way asks it to repeat the previous token.
 * Judged on the sampled rows, token ids or one-hot steps alike, only for
 * classification targets in the input's token space and only when the match
 * is near total while the proper next-token match is not.
 */
import type { Check, CheckContext } from '../base';
import { sequenceMessages } from '../../messages/sequences';
import { isOneHotSteps, stepIds, tokenInput } from '../../context/sequence-model';
import { labelSteps } from '../../context/infer';
import { percent } from '../../messages/format';
import { PAD_ID } from './tokens';

/** When a match between targets and inputs counts (also read by the encoder-decoder's decoder-copy check, multi/relation.ts). */
export const SHIFT_SETTINGS = {
  /** The targets equal the (same or previous) input at this share of positions or more... */
  match: 0.9,
  /** ...and at least this much more often than the next input (a real next-token target). */
  margin: 0.3,
  /** Enough distinct tokens that matching cannot be a coincidence of a tiny alphabet. */
  distinctTokens: 3,
  /** Positions needed to judge. */
  positions: 50,
};

/** Token ids per step of each sampled input row: ids feeding an Embedding, or one-hot steps. */
function inputIds(ctx: CheckContext): number[][] | undefined {
  const rows = ctx.profile.train.sample.x;
  const shape = ctx.profile.train.rowShape;
  if (tokenInput(ctx.model) && shape.length === 1) return rows.map((r) => Array.from(r, Math.round));
  if (shape.length === 2 && isOneHotSteps(rows, shape[1])) return rows.map((r) => stepIds(r, shape[1]));
  return undefined;
}

/** Class id per target step of each sampled label row (one per sample, or one per timestep of a sequence output). */
function labelIds(ctx: CheckContext, steps: number): number[][] | undefined {
  const rows = ctx.profile.train.sample.y;
  const width = rows[0]?.length ?? 0;
  if (width === 0 || width % steps !== 0) return undefined;
  const depth = width / steps;
  if (depth === 1) return rows.map((r) => Array.from(r, Math.round));
  return isOneHotSteps(rows, depth) ? rows.map((r) => stepIds(r, depth)) : undefined;
}

interface Shares { copy: number; previous: number; next: number; positions: number; distinct: number }

/** How often the targets match the input at the same step, one step before and one step after (pads excluded). */
export function matchShares(x: readonly number[][], y: readonly number[][], perStep: boolean, pad: number | undefined): Shares {
  let copy = 0, previous = 0, next = 0, positions = 0, previousPositions = 0, nextPositions = 0;
  const distinct = new Set<number>();
  x.forEach((row, r) => {
    const targets = y[r];
    const at = perStep ? targets.map((_, t) => t) : [row.length - 1];
    at.forEach((t, k) => {
      const target = targets[perStep ? t : k];
      if (pad !== undefined && row[t] === pad) return;
      distinct.add(row[t]);
      positions++;
      if (target === row[t]) copy++;
      if (t > 0) { previousPositions++; if (target === row[t - 1]) previous++; }
      if (perStep && t + 1 < row.length) { nextPositions++; if (target === row[t + 1]) next++; }
    });
  });
  return {
    copy: positions > 0 ? copy / positions : 0,
    previous: previousPositions > 0 ? previous / previousPositions : 0,
    next: nextPositions > 0 ? next / nextPositions : 0,
    positions,
    distinct: distinct.size,
  };
}

export const labelShiftCheck: Check = {
  id: 'label-shift',
  checklist: ['D3'],
  findings: ['labels-shifted'],
  explains: { 'labels-shifted': ['labels-unrelated'] },
  async run(ctx: CheckContext) {
    if (ctx.info.task.value !== 'multiclass') return { findings: [], skipped: 'judged for next-token classification targets' };
    const x = inputIds(ctx);
    if (!x) return { findings: [], skipped: 'the inputs are not token ids or one-hot steps' };
    const steps = labelSteps(ctx.profile.train.labelShape, ctx.facts.outputShape);
    const inputSteps = x[0]?.length ?? 0;
    if (steps > 1 && steps !== inputSteps) return { findings: [], skipped: `${steps} target steps against ${inputSteps} input steps (not a next-token layout)` };
    // An encoder-decoder that must reproduce its input (a sequence autoencoder) copies by design.
    if (ctx.model.layers.some((l) => l.getClassName() === 'RepeatVector')) return { findings: [], skipped: 'an encoder-decoder (RepeatVector): reproducing the input can be the task' };
    const y = labelIds(ctx, steps);
    if (!y) return { findings: [], skipped: 'the labels are not class ids or one-hot' };
    const perStep = steps > 1;
    const shares = matchShares(x, y, perStep, tokenInput(ctx.model) ? PAD_ID : undefined);
    const note = `targets equal the input at the same step in ${percent(shares.copy)} of ${shares.positions} positions, the previous input in ${percent(shares.previous)}` +
      (perStep ? `, the next input in ${percent(shares.next)}` : '');
    if (shares.positions < SHIFT_SETTINGS.positions || shares.distinct < SHIFT_SETTINGS.distinctTokens) return { findings: [], note };
    const kind = shares.copy >= SHIFT_SETTINGS.match && shares.copy >= shares.next + SHIFT_SETTINGS.margin ? 'copy'
      : shares.previous >= SHIFT_SETTINGS.match && shares.previous >= shares.next + SHIFT_SETTINGS.margin ? 'previous' : undefined;
    if (!kind) return { findings: [], note };
    return {
      findings: [sequenceMessages.labelsShifted({ kind, matchShare: kind === 'copy' ? shares.copy : shares.previous, nextShare: shares.next, positions: shares.positions, perStep })],
      note,
    };
  },
};
