/**
 * Batches in training order that hold one class (CHECKLIST D6): a sorted,
 * unshuffled dataset. Judged against what shuffled batches would give.
 */
import type { Check, CheckContext } from '../base';
import { batchesSingleLabel } from '../../messages/data';
import { classCounts } from '../../context/infer';
import { isClassification } from './shared';

/**
 * Flag when at least half the batches are single-class AND that is 30 points
 * above what shuffled batches of this size would give (sum over classes of
 * p_c^batch): heavily imbalanced data legitimately yields pure batches.
 */
const MIN_SHARE = 0.5;
const MARGIN = 0.3;
/** A dataset whose batches are nearly all single-class cannot train (the model tracks the latest class). */
const ERROR_SHARE = 0.9;

export const batchesCheck: Check = {
  id: 'batches',
  checklist: ['D6'],
  findings: ['batches-single-label'],
  async run(ctx: CheckContext) {
    const { purity, labels, rows } = ctx.profile.train;
    if (!isClassification(ctx) || !ctx.info.numClasses) return { findings: [], skipped: 'batch purity applies to classification' };
    if (purity.batches < 2) return { findings: [], skipped: 'fewer than 2 batches' };
    const counts = classCounts(labels, ctx.info.numClasses);
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    const batchRows = rows / purity.batches;
    const expected = counts.reduce((s, c) => s + (c / total) ** batchRows, 0);
    const share = purity.singleClassBatches / purity.batches;
    if (share < MIN_SHARE || share < expected + MARGIN) return { findings: [] };
    const source = ctx.profile.source;
    const severity = source === 'tensors' ? 'info' : share >= ERROR_SHARE ? 'error' : 'warning';
    return {
      findings: [batchesSingleLabel({ singleClassBatches: purity.singleClassBatches, batches: purity.batches, expected, source, firstBatch: purity.firstSingleClassBatch, severity })],
    };
  },
};
