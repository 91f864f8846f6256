/**
 * Token inputs (issue 13): ids that feed an Embedding must lie in 0..inputDim-1
 * (tfjs looks up zeros or garbage for the others, silently); padding (id 0)
 * that a unidirectional RNN reads after the tokens, unmasked; sequence lengths;
 * the share of unknown tokens when options.vocabulary names one.
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import { sequenceMessages } from '../../messages/sequences';
import { masksPadding, recurrentLayers, tokenInput, type TokenInput } from '../../context/sequence-model';
import { percent } from '../../messages/format';

/** The padding id: Keras and tfjs pad with 0 (and maskZero masks 0). */
export const PAD_ID = 0;

const SETTINGS = {
  /** Padding at the wrong end is judged when at least this share of rows is padded... */
  paddedRows: 0.2,
  /** ...at least this share of those rows pad at the wrong end... */
  wrongEndRows: 0.8,
  /** ...by at least this share of the steps on average (and at least 2 steps). */
  wrongEndSteps: 0.2,
  /** Unmasked padding is worth knowing from this share of all positions. */
  paddingShare: 0.5,
  /** Unknown tokens worth knowing from this share of the non-padding tokens (a warning from 0.3). */
  oovShare: 0.1,
};

/** Names an out-of-vocabulary entry takes in common tokenizers. */
const OOV_NAMES = /^(\[unk\]|<unk>|<oov>|\[oov\]|unk|oov|<unknown>)$/i;

export interface TokenStats {
  rows: number;
  steps: number;
  positions: number;
  min: number;
  max: number;
  outOfRange: number;
  rowsAffected: number;
  leading: number[];
  trailing: number[];
  lengths: number[];
}

/** Padding runs, lengths and out-of-range ids of sampled rows of ids. */
export function tokenStats(rows: readonly ArrayLike<number>[], inputDim: number, padId = PAD_ID): TokenStats {
  const steps = rows[0]?.length ?? 0;
  const stats: TokenStats = { rows: rows.length, steps, positions: rows.length * steps, min: Infinity, max: -Infinity, outOfRange: 0, rowsAffected: 0, leading: [], trailing: [], lengths: [] };
  for (const row of rows) {
    let bad = 0;
    for (let t = 0; t < row.length; t++) {
      // tfjs casts ids to int32 (truncating toward zero) before the lookup.
      const id = Math.trunc(row[t]);
      stats.min = Math.min(stats.min, id);
      stats.max = Math.max(stats.max, id);
      if (id < 0 || id > inputDim - 1) bad++;
    }
    stats.outOfRange += bad;
    if (bad > 0) stats.rowsAffected++;
    let lead = 0;
    while (lead < row.length && row[lead] === padId) lead++;
    let trail = 0;
    if (lead === row.length) {
      lead = 0;
      trail = row.length;
    } else {
      while (trail < row.length && row[row.length - 1 - trail] === padId) trail++;
    }
    stats.leading.push(lead);
    stats.trailing.push(trail);
    stats.lengths.push(row.length - lead - trail);
  }
  return stats;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Unmasked padding that a unidirectional recurrent layer reads after the tokens (before them, for goBackwards). */
function paddingFindings(ctx: CheckContext, stats: TokenStats): Finding[] {
  const recurrent = recurrentLayers(ctx.model);
  if (recurrent.length === 0 || masksPadding(ctx.model) || stats.rows === 0) return [];
  const padded = stats.leading.map((l, i) => l + stats.trailing[i] > 0);
  const paddedRows = padded.filter(Boolean).length;
  const paddingShare = (mean(stats.leading) + mean(stats.trailing)) / Math.max(stats.steps, 1);
  // The layer that summarizes the sequence: the last recurrent layer, when it returns only its last state.
  const last = recurrent[recurrent.length - 1];
  const oneWay = recurrent.every((r) => !r.bidirectional && r.backwards === last.backwards);
  if (oneWay && !last.returnSequences && paddedRows >= SETTINGS.paddedRows * stats.rows) {
    const wrong = last.backwards ? stats.leading : stats.trailing;
    const wrongRows = wrong.filter((w, i) => padded[i] && w > 0);
    const meanWrong = mean(wrongRows);
    if (wrongRows.length >= SETTINGS.wrongEndRows * paddedRows && meanWrong >= Math.max(2, SETTINGS.wrongEndSteps * stats.steps)) {
      return [sequenceMessages.paddingWrongEnd({
        layer: last.name, cell: last.cell, paddingShare, trailingRows: wrongRows.length, paddedRows, meanTrailing: meanWrong, steps: stats.steps, padId: PAD_ID,
      })];
    }
  }
  if (paddingShare >= SETTINGS.paddingShare) {
    return [sequenceMessages.paddingNotMasked({ layer: recurrent[0].name, paddingShare, steps: stats.steps, medianLength: median(stats.lengths), padId: PAD_ID })];
  }
  return [];
}

/** The share of unknown tokens, when the vocabulary names an out-of-vocabulary entry. */
function oovFinding(ctx: CheckContext, rows: readonly ArrayLike<number>[]): Finding | undefined {
  const vocabulary = ctx.vocabulary;
  if (!vocabulary) return undefined;
  const oovId = vocabulary.findIndex((token) => OOV_NAMES.test(token.trim()));
  if (oovId <= 0) return undefined;
  let tokens = 0;
  let unknown = 0;
  for (const row of rows) {
    for (let t = 0; t < row.length; t++) {
      if (row[t] === PAD_ID) continue;
      tokens++;
      if (row[t] === oovId) unknown++;
    }
  }
  const share = tokens > 0 ? unknown / tokens : 0;
  return share >= SETTINGS.oovShare ? sequenceMessages.tokensOovHigh({ oovId, oovToken: vocabulary[oovId], share, tokens }) : undefined;
}

/** Whole-data smallest and largest id (the profile saw every row), truncated as tfjs truncates. */
function dataRange(ctx: CheckContext): { min: number; max: number } {
  const splits = [ctx.profile.train, ctx.profile.validation].filter((s) => s !== undefined);
  const finite = (values: ArrayLike<number>) => Array.from(values).filter(Number.isFinite);
  const min = Math.min(...splits.flatMap((s) => finite(s.features.min)), Infinity);
  const max = Math.max(...splits.flatMap((s) => finite(s.features.max)), -Infinity);
  return { min: Math.trunc(min), max: Math.trunc(max) };
}

function rangeFinding(ctx: CheckContext, tokens: TokenInput, stats: TokenStats): Finding | undefined {
  const whole = dataRange(ctx);
  const min = Math.min(whole.min, stats.min);
  const max = Math.max(whole.max, stats.max);
  if (!(min < 0 || max > tokens.inputDim - 1)) return undefined;
  return sequenceMessages.tokensOutOfRange({
    layer: tokens.layer, inputDim: tokens.inputDim, min, max, outOfRange: stats.outOfRange, positions: stats.positions, rows: stats.rows, rowsAffected: stats.rowsAffected,
  });
}

export const tokenInputsCheck: Check = {
  id: 'token-inputs',
  checklist: ['D1', 'D5', 'T13'],
  findings: ['tokens-out-of-range', 'tokens-oov-high', 'padding-wrong-end', 'padding-not-masked'],
  explains: {
    'tokens-out-of-range': [
      'loss-above-chance', 'overfit-failed', 'labels-unrelated', 'nonfinite-values', 'gradients-zero', 'gradients-exploding',
      'activations-saturated', 'update-ratio-off', 'lr-too-high', 'lr-too-low', 'input-ignored',
    ],
    'padding-wrong-end': ['overfit-failed', 'gradients-vanishing-through-time'],
  },
  async run(ctx: CheckContext) {
    const tokens = tokenInput(ctx.model);
    if (!tokens) return { findings: [], skipped: 'the model input does not feed an Embedding (no token ids)' };
    const rows = ctx.profile.train.sample.x;
    const stats = tokenStats(rows, tokens.inputDim);
    const findings = [rangeFinding(ctx, tokens, stats), ...paddingFindings(ctx, stats), oovFinding(ctx, rows)].filter((f): f is Finding => f !== undefined);
    const paddingShare = (mean(stats.leading) + mean(stats.trailing)) / Math.max(stats.steps, 1);
    const lengths = { min: Math.min(...stats.lengths), median: median(stats.lengths), max: Math.max(...stats.lengths) };
    const evidence = {
      inputDim: tokens.inputDim, minId: stats.min, maxId: stats.max, maskZero: tokens.maskZero, paddingShare,
      minLength: lengths.min, medianLength: lengths.median, maxLength: lengths.max, steps: stats.steps, rows: stats.rows,
    };
    return {
      findings,
      measurements: { extra: { 'token-inputs': evidence } },
      note: `ids ${stats.min}..${stats.max} for ${tokens.layer} (inputDim ${tokens.inputDim}); padding (id ${PAD_ID}) ${percent(paddingShare)} of positions` +
        `${tokens.maskZero ? ', masked' : ''}; lengths ${lengths.min}..${lengths.max} of ${stats.steps} (median ${lengths.median})`,
    };
  },
};
