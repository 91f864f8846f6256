/**
 * Train vs validation (CHECKLIST N4, N5): exact duplicate inputs across the
 * splits (fingerprints from the streaming pass), and feature statistics that
 * disagree beyond sampling noise (different preprocessing per split).
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import { splitLeakage, splitShift } from '../../messages/data';
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
    let worst: { name: string; score: number; difference: number; bound: number; tm: number; vm: number; ts: number; vs: number } | undefined;
    for (const a of t) {
      const b = v.get(a.name);
      if (!b) continue;
      const pooled = Math.sqrt((a.std * a.std + b.std * b.std) / 2);
      if (pooled === 0) {
        if (a.mean !== b.mean) shifted++;
        continue;
      }
      const meanDiff = Math.abs(b.mean - a.mean) / pooled;
      const stdDiff = a.std > 0 && b.std > 0 ? Math.abs(Math.log(b.std / a.std)) : Infinity;
      const score = Math.max(meanDiff / meanBound, stdDiff / stdBound);
      if (score <= 1) continue;
      shifted++;
      if (!worst || score > worst.score) {
        const byMean = meanDiff / meanBound >= stdDiff / stdBound;
        worst = { name: a.name, score, difference: byMean ? meanDiff : stdDiff, bound: byMean ? meanBound : stdBound, tm: a.mean, vm: b.mean, ts: a.std, vs: b.std };
      }
    }
    if (worst) {
      findings.push(splitShift({
        feature: worst.name, trainMean: worst.tm, validationMean: worst.vm, trainStd: worst.ts, validationStd: worst.vs,
        difference: worst.difference, bound: worst.bound, shifted, total: t.length,
      }));
    }
    return { findings };
  },
};
