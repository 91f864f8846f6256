/**
 * NaN and Infinity in inputs or labels, counted over the whole stream
 * (CHECKLIST D9), and input rows that are all the same (D1).
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import type { SplitProfile } from '../../data/profile';
import { dataNonfinite, dataRowsIdentical } from '../../messages/data';

function nonfinite(split: 'train' | 'validation', p: SplitProfile): Finding | undefined {
  if (p.nonFiniteRows === 0 && p.labels.nonFiniteRows === 0) return undefined;
  return dataNonfinite({
    split, rows: p.rows, inputRows: p.nonFiniteRows, firstInputRow: p.firstNonFiniteRow,
    labelRows: p.labels.nonFiniteRows, firstLabelRow: p.labels.firstNonFiniteRow,
  });
}

/** Fewer sampled rows than this say too little to call "every row the same". */
const MIN_IDENTICAL_ROWS = 8;

function sameRow(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Every sampled input row equal to the first (exactly: a preprocessing bug, not
 * similar data). The reservoir is a uniform sample of up to a few thousand rows,
 * so on a larger set "all sampled rows identical" leaves no room for variety.
 */
function identicalRows(p: SplitProfile): Finding | undefined {
  const rows = p.sample.x;
  if (rows.length < MIN_IDENTICAL_ROWS || p.nonFiniteRows > 0) return undefined;
  const first = rows[0];
  if (first.length === 0 || !rows.every((row) => sameRow(row, first))) return undefined;
  const labels = p.sample.y;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of first) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return dataRowsIdentical({
    rows: rows.length, total: p.rows, width: first.length, allZero: min === 0 && max === 0, min, max,
    labelsVary: labels.some((row) => !sameRow(row, labels[0])),
  });
}

export const integrityCheck: Check = {
  id: 'data-integrity',
  checklist: ['D9'],
  findings: ['data-nonfinite', 'data-rows-identical'],
  explains: {
    'data-nonfinite': ['nonfinite-values', 'loss-above-chance', 'overfit-failed', 'gradients-exploding', 'lr-too-high'],
    // One input for every label: nothing downstream can learn more than the label prior.
    'data-rows-identical': [
      'labels-unrelated', 'input-ignored', 'overfit-failed', 'loss-above-chance', 'data-constant-feature', 'activations-dead',
      'gradients-zero', 'gradients-vanishing', 'lr-too-low', 'split-shift',
    ],
  },
  async run(ctx: CheckContext) {
    const findings = [
      nonfinite('train', ctx.profile.train), ctx.profile.validation && nonfinite('validation', ctx.profile.validation),
      // With several inputs one may be the same for every sample by design (position ids, a start token): the others carry the sample.
      ctx.model.inputs.length === 1 ? identicalRows(ctx.profile.train) : undefined,
    ].filter((f): f is Finding => f !== undefined);
    return { findings };
  },
};
