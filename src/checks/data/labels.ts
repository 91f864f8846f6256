/**
 * Labels as the loss will read them: valid for this loss and output (D5),
 * balanced (D7), and numerous enough (D8). Judged on the whole stream.
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import type { LabelStats } from '../../data/stats';
import { dataTooSmall, labelsImbalanced, labelsInvalid, type InvalidLabelKind } from '../../messages/data';
import { classCounts } from '../../context/infer';
import { className, isClassification, labelStepsOf } from './shared';

/** Rule of thumb for training from scratch (CHECKLIST D8). */
const PER_CLASS_GUIDE = 1000;
/** Commonest/rarest class ratio above which the imbalance is worth knowing. */
const IMBALANCE_INFO = 3;
/**
 * Likely to hurt: the rarest class holds under a quarter of its fair share
 * (1/C of the samples). Then always predicting "not this class" costs under
 * 1/(4C) of the accuracy, a trap training often falls into (a binary set with
 * 12% positives "only learns the bias"); with C = 10, a class under 2.5%.
 */
const FAIR_SHARE_WARNING = 0.25;
/**
 * Next-token targets (language models: sequence or token inputs, many
 * classes, no dominant class) follow the frequencies of the language: a 50:1
 * ratio between 'e' and 'q' is what the model must learn, not a sampling flaw,
 * and reweighting would bias its probabilities. Imbalance is likely to hurt
 * when a few classes the user cares about equally are rare; with this many
 * classes over sequences and the commonest under half of the labels it is
 * reported as info with that reading.
 */
const LANGUAGE_MIN_CLASSES = 20;
const LANGUAGE_MAX_TOP_SHARE = 0.5;

interface Problem { kind: InvalidLabelKind; count: number; firstRow: number; min?: number; max?: number }

function sparseProblems(labels: LabelStats, numClasses: number): Problem | undefined {
  let outside = 0;
  let fractional = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const [value, count] of labels.valueCounts) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    if (!Number.isInteger(value)) fractional += count;
    else if (value < 0 || value >= numClasses) outside += count;
  }
  if (fractional > 0 || labels.distinctOverflow) return { kind: 'not-integer', count: fractional || labels.rows, firstRow: -1 };
  if (outside > 0) return { kind: 'out-of-range', count: outside, firstRow: -1, min, max };
  return undefined;
}

function invalidLabels(ctx: CheckContext, labels: LabelStats, split: 'train' | 'validation'): Finding | undefined {
  const { outputUnits } = ctx.facts;
  const lossName = ctx.info.lossName;
  const task = ctx.info.task.value;
  const base = { rows: labels.rows, labelWidth: labels.width, outputUnits, lossName, numClasses: ctx.info.numClasses, split };
  let problem: Problem | undefined;
  if (task === 'multiclass') {
    if (lossName === 'categoricalCrossentropy' && labels.width === 1 && outputUnits > 1) problem = { kind: 'sparse-for-categorical', count: labels.rows, firstRow: 0 };
    else if (lossName === 'sparseCategoricalCrossentropy' && labels.width > 1) problem = { kind: 'one-hot-for-sparse', count: labels.rows, firstRow: 0 };
    else if (labels.width === 1) problem = sparseProblems(labels, ctx.info.numClasses ?? outputUnits);
    else if (labels.width !== outputUnits) problem = { kind: 'width-mismatch', count: labels.rows, firstRow: 0 };
    else if (labels.rowsNotSummingToOne > 0) problem = { kind: 'rows-not-one-hot', count: labels.rowsNotSummingToOne, firstRow: labels.firstRowNotSummingToOne };
  } else if (task === 'binary' || task === 'multilabel') {
    if (labels.width !== outputUnits) problem = { kind: 'width-mismatch', count: labels.rows, firstRow: 0 };
    else if (labels.outsideUnit > 0) {
      problem = { kind: 'binary-out-of-range', count: labels.outsideUnit, firstRow: labels.firstOutsideUnitRow, min: Math.min(...labels.columns.min), max: Math.max(...labels.columns.max) };
    }
  } else if (labels.width !== outputUnits) {
    problem = { kind: 'width-mismatch', count: labels.rows, firstRow: 0 };
  }
  return problem && labelsInvalid({ ...base, ...problem });
}

function languageLike(ctx: CheckContext, counts: number[]): boolean {
  const total = counts.reduce((a, b) => a + b, 0);
  return ctx.info.inputKind.value === 'sequence' && counts.length >= LANGUAGE_MIN_CLASSES && total > 0 &&
    Math.max(...counts) / total < LANGUAGE_MAX_TOP_SHARE;
}

/**
 * Ratio of the commonest to the rarest class. A class of the output that no
 * label names makes it unbounded for one label per sample (the model cannot
 * learn that class). Per-timestep labels over a shared vocabulary (the
 * addition example never answers '+') only list such classes: the ratio is
 * over the classes that occur.
 */
function imbalance(ctx: CheckContext, counts: number[]): Finding | undefined {
  if (counts.length < 2) return undefined;
  const named = counts.map((count, c) => ({ name: className(ctx, c), count }));
  const present = named.filter((c) => c.count > 0);
  const missing = named.filter((c) => c.count === 0).map((c) => c.name);
  if (present.length === 0) return undefined;
  // Classes missing from training but present in validation are split-class-missing's (one cause, one finding).
  const validation = ctx.profile.validation && classCounts(ctx.profile.validation.labels, counts.length);
  const judged = labelStepsOf(ctx) > 1 ? present : named.filter((c, k) => c.count > 0 || !(validation && validation[k] > 0));
  const commonest = present.reduce((a, b) => (b.count > a.count ? b : a));
  const rarest = judged.reduce((a, b) => (b.count < a.count ? b : a));
  const ratio = rarest.count > 0 ? commonest.count / rarest.count : Infinity;
  if (ratio < IMBALANCE_INFO && missing.length === 0) return undefined;
  const total = judged.reduce((sum, c) => sum + c.count, 0);
  // The rarest class's share of the samples relative to its fair share 1/C.
  const fairShare = (rarest.count / total) * judged.length;
  return labelsImbalanced({
    ratio, rarest: rarest.name, rarestCount: rarest.count, commonest: commonest.name, commonestCount: commonest.count, missing,
    ...(languageLike(ctx, counts)
      ? { severity: 'info' as const, reading: 'language' as const }
      : { severity: fairShare < FAIR_SHARE_WARNING ? 'warning' as const : 'info' as const }),
  });
}

export const labelsCheck: Check = {
  id: 'labels',
  checklist: ['D5', 'D7', 'D8'],
  findings: ['labels-invalid', 'labels-imbalanced', 'data-too-small'],
  explains: { 'labels-invalid': ['loss-above-chance', 'overfit-failed', 'nonfinite-values', 'labels-unrelated'] },
  async run(ctx: CheckContext) {
    const invalid = invalidLabels(ctx, ctx.profile.train.labels, 'train');
    if (invalid) return { findings: [invalid], note: 'class balance not judged: the labels are invalid' };
    const validation = ctx.profile.validation && invalidLabels(ctx, ctx.profile.validation.labels, 'validation');
    const rows = ctx.profile.train.rows;
    const findings: Finding[] = validation ? [validation] : [];
    if (!isClassification(ctx) || !ctx.info.numClasses) {
      if (rows < PER_CLASS_GUIDE) findings.push(dataTooSmall({ rows, perClassGuide: PER_CLASS_GUIDE }));
      return { findings };
    }
    const counts = classCounts(ctx.profile.train.labels, ctx.info.numClasses);
    const imbalanced = imbalance(ctx, counts);
    if (imbalanced) findings.push(imbalanced);
    const smallest = counts.reduce((best, count, c) => (count < counts[best] ? c : best), 0);
    if (counts[smallest] < PER_CLASS_GUIDE) {
      findings.push(dataTooSmall({ rows, smallestClass: className(ctx, smallest), smallestCount: counts[smallest], perClassGuide: PER_CLASS_GUIDE }));
    }
    return { findings };
  },
};
