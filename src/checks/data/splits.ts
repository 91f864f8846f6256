/**
 * Train vs validation (CHECKLIST N4, N5): exact duplicate inputs across the
 * splits (fingerprints from the streaming pass), and feature statistics that
 * disagree beyond sampling noise (different preprocessing per split).
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import { splitLeakage, splitShift, type ShiftKind } from '../../messages/data';
import { summarize } from './shared';

/** Leaked share of validation above which scores are visibly inflated. */
const LEAK_WARNING_SHARE = 0.01;
/**
 * Shift bounds. Under no shift, a standardized mean difference has standard
 * error ~sqrt(1/n1 + 1/n2) (n = samples; pixels of one image are correlated so
 * samples, not values, count), and a log std ratio ~sqrt(1/(2 n1) + 1/(2 n2)).
 * Five standard errors keep false alarms rare across many features; the floor
 * ignores differences too small to matter on large data.
 */
const NOISE_MULTIPLE = 5;
const MIN_EFFECT = 0.25;

interface ShiftMeasure {
  /** How the splits differ most, relative to sampling noise (> 1: beyond it). */
  score: number;
  measure: ShiftKind;
  /** Means: standardized difference; spread: factor between the stds; constant: |difference of the values|. */
  difference: number;
  bound: number;
}

/**
 * Compares one feature across splits. A spread is only compared when both
 * splits vary: a rare binary feature (1% ones) is all zeros in a 100-row
 * validation split about a third of the time, so "constant in one split" alone
 * is no evidence of different preprocessing; the means still are.
 */
function measureShift(
  a: { mean: number; std: number }, b: { mean: number; std: number }, meanBound: number, stdBound: number,
): ShiftMeasure {
  const pooled = Math.sqrt((a.std * a.std + b.std * b.std) / 2);
  if (pooled === 0) {
    const difference = Math.abs(b.mean - a.mean);
    return { score: difference > 0 ? Infinity : 0, measure: 'constant', difference, bound: 0 };
  }
  const meanDiff = Math.abs(b.mean - a.mean) / pooled;
  const byMean = { score: meanDiff / meanBound, measure: 'mean' as const, difference: meanDiff, bound: meanBound };
  if (a.std === 0 || b.std === 0) return byMean;
  const logRatio = Math.abs(Math.log(b.std / a.std));
  const bySpread = { score: logRatio / stdBound, measure: 'spread' as const, difference: Math.exp(logRatio), bound: Math.exp(stdBound) };
  return bySpread.score > byMean.score ? bySpread : byMean;
}

export const splitsCheck: Check = {
  id: 'splits',
  checklist: ['N3', 'N4', 'N5'],
  findings: ['split-leakage', 'split-shift'],
  async run(ctx: CheckContext) {
    const { train, validation } = ctx.profile;
    if (!validation) return { findings: [], skipped: 'no options.validation given' };
    const findings: Finding[] = [];
    if (validation.leaked > 0) {
      findings.push(splitLeakage({
        duplicates: validation.leaked, validationRows: validation.rows, firstIndices: validation.leakedIndices,
        severity: validation.leaked / validation.rows >= LEAK_WARNING_SHARE ? 'warning' : 'info',
      }));
    }
    const t = summarize(train.features, ctx.featureNames);
    const v = new Map(summarize(validation.features, ctx.featureNames).map((g) => [g.name, g]));
    const meanBound = Math.max(MIN_EFFECT, NOISE_MULTIPLE * Math.sqrt(1 / train.rows + 1 / validation.rows));
    const stdBound = Math.max(MIN_EFFECT, NOISE_MULTIPLE * Math.sqrt(1 / (2 * train.rows) + 1 / (2 * validation.rows)));
    let shifted = 0;
    let worst: (ShiftMeasure & { name: string; score: number; tm: number; vm: number; ts: number; vs: number }) | undefined;
    for (const a of t) {
      const b = v.get(a.name);
      if (!b) continue;
      const measured = measureShift(a, b, meanBound, stdBound);
      if (measured.score <= 1) continue;
      shifted++;
      if (!worst || measured.score > worst.score) worst = { ...measured, name: a.name, tm: a.mean, vm: b.mean, ts: a.std, vs: b.std };
    }
    if (worst) {
      findings.push(splitShift({
        feature: worst.name, trainMean: worst.tm, validationMean: worst.vm, trainStd: worst.ts, validationStd: worst.vs,
        measure: worst.measure, difference: worst.difference, bound: worst.bound, shifted, total: t.length,
      }));
    }
    return { findings };
  },
};
