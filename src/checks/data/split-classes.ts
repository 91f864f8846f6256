/**
 * Every class of validation must occur in training (CHECKLIST N6): classes
 * found only in the validation data, and label-sorted data whose tail
 * model.fit's validationSplit would cut off (it takes the last rows before
 * shuffling), leaving whole classes out of training.
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import { splitClassMissing } from '../../messages/data';
import { classCounts } from '../../context/infer';
import { rowClass } from '../../data/stats';
import { className, isClassification, labelStepsOf } from './shared';

/** The validationSplit share judged: the common 0.2 (a class wholly inside the last 10% is inside the last 20% too). */
const TAIL_SHARE = 0.2;
/**
 * Sampled rows a class needs in the tail, with none before it: a shuffled
 * class with k sampled rows lands wholly in the last 20% with probability 0.2^k
 * (5 rows: 3e-4), so this is sorting, not chance.
 */
const MIN_TAIL_ROWS = 5;

function validationOnly(ctx: CheckContext, numClasses: number): Finding | undefined {
  const validation = ctx.profile.validation;
  if (!validation) return undefined;
  const train = classCounts(ctx.profile.train.labels, numClasses);
  const seen = classCounts(validation.labels, numClasses);
  const missing = seen.map((count, c) => ({ c, count })).filter(({ c, count }) => count > 0 && train[c] === 0);
  if (missing.length === 0) return undefined;
  const rows = missing.reduce((s, m) => s + m.count, 0);
  return splitClassMissing({
    kind: 'validation-only', classes: missing.map((m) => className(ctx, m.c)), rows, total: seen.reduce((a, b) => a + b, 0), severity: 'warning',
  });
}

function sortedTail(ctx: CheckContext): Finding | undefined {
  // validationSplit applies to tensors given to model.fit, and only when no validation data is passed.
  if (ctx.profile.validation || ctx.profile.source !== 'tensors') return undefined;
  const { sample, rows } = ctx.profile.train;
  const cut = Math.floor(rows * (1 - TAIL_SHARE));
  const head = new Map<number, number>();
  const tail = new Map<number, number>();
  sample.y.forEach((y, i) => {
    const c = rowClass(y, 0, y.length);
    if (!Number.isFinite(c)) return;
    const side = sample.indices[i] >= cut ? tail : head;
    side.set(c, (side.get(c) ?? 0) + 1);
  });
  const onlyTail = [...tail.entries()].filter(([c, count]) => count >= MIN_TAIL_ROWS && !head.has(c)).sort((a, b) => a[0] - b[0]);
  if (onlyTail.length === 0) return undefined;
  const tailRows = [...tail.values()].reduce((a, b) => a + b, 0);
  return splitClassMissing({
    kind: 'sorted-tail', classes: onlyTail.map(([c]) => className(ctx, c)), rows: onlyTail.reduce((s, [, n]) => s + n, 0),
    total: tailRows, severity: 'warning', tailShare: TAIL_SHARE,
  });
}

export const splitClassesCheck: Check = {
  id: 'split-classes',
  checklist: ['N6'],
  findings: ['split-class-missing'],
  async run(ctx: CheckContext) {
    const numClasses = ctx.info.numClasses;
    if (!isClassification(ctx) || !numClasses) return { findings: [], skipped: 'classes apply to classification' };
    if (labelStepsOf(ctx) > 1) return { findings: [], skipped: 'per-timestep labels have no class per sample' };
    const findings = [validationOnly(ctx, numClasses), sortedTail(ctx)].filter((f): f is Finding => f !== undefined);
    return { findings };
  },
};
