/** NaN and Infinity in inputs or labels, counted over the whole stream (CHECKLIST D9). */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import type { SplitProfile } from '../../data/profile';
import { dataNonfinite } from '../../messages/data';

function nonfinite(split: 'train' | 'validation', p: SplitProfile): Finding | undefined {
  if (p.nonFiniteRows === 0 && p.labels.nonFiniteRows === 0) return undefined;
  return dataNonfinite({
    split, rows: p.rows, inputRows: p.nonFiniteRows, firstInputRow: p.firstNonFiniteRow,
    labelRows: p.labels.nonFiniteRows, firstLabelRow: p.labels.firstNonFiniteRow,
  });
}

export const integrityCheck: Check = {
  id: 'data-integrity',
  checklist: ['D9'],
  findings: ['data-nonfinite'],
  explains: { 'data-nonfinite': ['nonfinite-values', 'loss-above-chance', 'overfit-failed', 'gradients-exploding', 'lr-too-high'] },
  async run(ctx: CheckContext) {
    const findings = [nonfinite('train', ctx.profile.train), ctx.profile.validation && nonfinite('validation', ctx.profile.validation)]
      .filter((f): f is Finding => f !== undefined);
    return { findings };
  },
};
