/**
 * Batches in training order that hold one class (CHECKLIST D6): a sorted,
 * unshuffled dataset. Judged against what shuffled batches would give.
 */
import type { Check, CheckContext } from '../base';
import { batchesSingleLabel } from '../../messages/data';
import { classCounts } from '../../context/infer';
import { seededRandom } from '../../context/random';
import { isClassification, labelStepsOf } from './shared';

/**
 * Flag when at least half the batches are single-class AND that is 30 points
 * above what shuffled batches of this size would give (sum over classes of
 * p_c^batch): heavily imbalanced data legitimately yields pure batches.
 */
const MIN_SHARE = 0.5;
const MARGIN = 0.3;
/** A dataset whose batches are nearly all single-class cannot train (the model tracks the latest class). */
const ERROR_SHARE = 0.9;
/**
 * Sorted data whose classes do not fill whole batches (50 per class, batches
 * of 32) gives mixed batches at every class boundary, yet each batch is still
 * mostly one class: flagged too when the mean share of a batch's commonest
 * class is at least TOP_SHARE and TOP_MARGIN above what shuffled batches give.
 */
const TOP_SHARE = 0.75;
const TOP_MARGIN = 0.4;
/** Simulated shuffled batches for the expected top share (seeded: same data, same verdict). */
const SIMULATED_BATCHES = 200;

/** Mean share of the commonest class in a shuffled batch of `size` rows drawn from these class counts. */
function shuffledTopShare(counts: number[], size: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0 || size < 1) return 1;
  const cumulative: number[] = [];
  counts.reduce((sum, c) => { cumulative.push(sum + c / total); return sum + c / total; }, 0);
  const random = seededRandom(size * 7919 + counts.length);
  let sum = 0;
  for (let b = 0; b < SIMULATED_BATCHES; b++) {
    const tally = new Map<number, number>();
    for (let i = 0; i < size; i++) {
      const u = random();
      const c = Math.max(0, cumulative.findIndex((edge) => u < edge));
      tally.set(c, (tally.get(c) ?? 0) + 1);
    }
    sum += Math.max(...tally.values()) / size;
  }
  return sum / SIMULATED_BATCHES;
}

export const batchesCheck: Check = {
  id: 'batches',
  checklist: ['D6'],
  findings: ['batches-single-label'],
  async run(ctx: CheckContext) {
    const { purity, labels, rows } = ctx.profile.train;
    if (!isClassification(ctx) || !ctx.info.numClasses) return { findings: [], skipped: 'batch purity applies to classification' };
    if (purity.batches < 2) return { findings: [], skipped: 'fewer than 2 batches' };
    if (labelStepsOf(ctx) > 1) return { findings: [], skipped: 'per-timestep labels have no class per sample' };
    const counts = classCounts(labels, ctx.info.numClasses);
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    const batchRows = rows / purity.batches;
    const expected = counts.reduce((s, c) => s + (c / total) ** batchRows, 0);
    const share = purity.singleClassBatches / purity.batches;
    const pure = share >= MIN_SHARE && share >= expected + MARGIN;
    const expectedTop = shuffledTopShare(counts, Math.round(batchRows));
    const mostlyOne = purity.meanTopShare >= TOP_SHARE && purity.meanTopShare >= expectedTop + TOP_MARGIN;
    if (!pure && !mostlyOne) return { findings: [] };
    const source = ctx.profile.source;
    const severity = source === 'tensors' ? 'info' : share >= ERROR_SHARE ? 'error' : 'warning';
    return {
      findings: [batchesSingleLabel({
        singleClassBatches: purity.singleClassBatches, batches: purity.batches, expected, source, firstBatch: purity.firstSingleClassBatch, severity,
        meanTopShare: purity.meanTopShare, expectedTopShare: expectedTop,
      })],
    };
  },
};
