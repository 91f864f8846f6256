/**
 * Multilabel outputs (several true labels per sample: sigmoid outputs and
 * binaryCrossentropy): labels judged one label at a time, never as classes
 * competing for one sample (CHECKLIST D3, D4, D7).
 *
 * - labels: a label that is the same on every row, labels with almost no
 *   positives, the label cardinality (positives per row);
 * - relation: simple probes fitted per label on part of the sample, their
 *   mean held-out accuracy over labels against whole label rows permuted
 *   together (the same permutation null as label-relation).
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckResult } from '../base';
import type { Finding } from '../../types';
import { labelsUnrelated } from '../../messages/data';
import { normMessages } from '../../messages/norm';
import { shuffledIndices } from '../../context/random';
import { feedsEmbedding } from '../../context/infer';
import { classificationScores, type ProbeScores } from '../data/probes';
import { className } from '../data/shared';
import {
  compareWithNull, features, HOLD_OUT, LINK_P, LINK_Z, MAX_ROWS, MIN_HELD_OUT, PERMUTATIONS, quantile, split, UNRELATED_P,
} from '../data/relation';

const SETTINGS = {
  /** A label whose rarer value (positives, or negatives) is under this share of rows AND under `fewRows` rows: almost nothing to learn from. */
  rareWarning: 0.01,
  fewRows: 10,
  /** Rare tags are normal in multilabel data: under this share they are worth knowing. */
  rareInfo: 0.05,
  /** Labels probed at most (the most balanced ones: they say the most about a link). */
  probedLabels: 8,
};

/** True when the labels can be read as one 0/1 (or soft) column per output unit. */
function readableLabels(ctx: CheckContext): boolean {
  const labels = ctx.profile.train.labels;
  return ctx.info.task.value === 'multilabel' && labels.width === ctx.facts.outputUnits && labels.width > 1 && labels.outsideUnit === 0 && labels.rows > 0;
}

/** Positive rate of each label column over the whole training stream. */
export function positiveRates(ctx: CheckContext): number[] {
  const { columns } = ctx.profile.train.labels;
  return Array.from(columns.mean);
}

/** The label findings of a multilabel set, judged per label. */
export function labelFindings(ctx: CheckContext, rates: number[], rows: number): Finding[] {
  const name = (k: number) => className(ctx, k);
  const never = rates.map((p, k) => (p === 0 ? k : -1)).filter((k) => k >= 0);
  const always = rates.map((p, k) => (p === 1 ? k : -1)).filter((k) => k >= 0);
  const findings: Finding[] = [];
  if (never.length + always.length > 0) {
    findings.push(normMessages.multilabelConstantLabel({ labels: [...never, ...always].map(name), never: never.map(name), always: always.map(name), rows }));
  }
  const varying = rates.map((p, k) => ({ k, minority: Math.min(p, 1 - p) })).filter((r) => r.minority > 0);
  const rare = varying.filter((r) => r.minority < SETTINGS.rareInfo);
  if (rare.length === 0) return findings;
  const rarest = rare.reduce((a, b) => (b.minority < a.minority ? b : a));
  const rarestCount = Math.round(rarest.minority * rows);
  const warning = rarest.minority < SETTINGS.rareWarning && rarestCount < SETTINGS.fewRows;
  findings.push(normMessages.multilabelRareLabels({
    rarest: name(rarest.k), rarestRate: rarest.minority, rarestCount, rare: rare.map((r) => name(r.k)), threshold: SETTINGS.rareInfo, rows,
    severity: warning ? 'warning' : 'info',
  }));
  return findings;
}

export const multilabelLabelsCheck: Check = {
  id: 'multilabel-labels',
  checklist: ['D5', 'D7'],
  findings: ['labels-imbalanced'],
  async run(ctx: CheckContext): Promise<CheckResult> {
    if (ctx.info.task.value !== 'multilabel') return { findings: [], skipped: 'not a multilabel task' };
    if (!readableLabels(ctx)) return { findings: [], skipped: 'the labels are not one 0/1 column per output (see labels-invalid)' };
    const labels = ctx.profile.train.labels;
    const rates = positiveRates(ctx);
    const cardinality = rates.reduce((a, b) => a + b, 0);
    return {
      findings: labelFindings(ctx, rates, labels.rows),
      note: `${labels.width} labels; ${cardinality.toFixed(2)} positives per row on average; ${labels.multiHotRows} of ${labels.rows} rows hold several; ` +
        `positive rates ${Math.min(...rates).toFixed(3)} to ${Math.max(...rates).toFixed(3)}`,
      measurements: { extra: { 'multilabel-labels': { labels: labels.width, cardinality, multiHotRows: labels.multiHotRows, rows: labels.rows } } },
    };
  },
};

/** One probe score per label set: each probe's accuracy averaged over the probed labels. */
function meanOverLabels(perLabel: ProbeScores[][]): ProbeScores[] {
  const baselines = perLabel[0].map((p) => p.baseline).filter((b) => perLabel.every((scores) => scores.some((p) => p.baseline === b)));
  return baselines.map((baseline) => {
    const rows = perLabel.map((scores) => scores.find((p) => p.baseline === baseline)?.scores ?? []);
    return { baseline, scores: rows[0].map((_, set) => rows.reduce((sum, r) => sum + r[set], 0) / rows.length) };
  });
}

export const multilabelRelationCheck: Check = {
  id: 'label-relation-multilabel',
  checklist: ['D3', 'D4'],
  findings: ['labels-unrelated'],
  async run(ctx: CheckContext): Promise<CheckResult> {
    if (ctx.info.task.value !== 'multilabel') return { findings: [], skipped: 'not a multilabel task' };
    if (!readableLabels(ctx)) return { findings: [], skipped: 'the labels are not one 0/1 column per output (see labels-invalid)' };
    const rows = Math.min(ctx.train.x.shape[0], MAX_ROWS[ctx.info.budget]);
    const heldOut = Math.floor(rows * HOLD_OUT);
    if (heldOut < MIN_HELD_OUT) return { findings: [], skipped: `too few samples (${rows}) for a held-out baseline` };
    const width = ctx.profile.train.labels.width;
    const values = tf.tidy(() => tf.slice(ctx.train.y, 0, rows).dataSync());
    const column = (k: number) => Array.from({ length: rows }, (_, r) => Number(values[r * width + k] >= 0.5));
    const fitting = rows - heldOut;
    const probed = Array.from({ length: width }, (_, k) => ({ k, labels: column(k) }))
      .map((c) => ({ ...c, rate: c.labels.slice(0, fitting).reduce((a, b) => a + b, 0) / fitting }))
      .filter((c) => c.rate > 0 && c.rate < 1)
      .sort((a, b) => Math.abs(a.rate - 0.5) - Math.abs(b.rate - 0.5))
      .slice(0, SETTINGS.probedLabels);
    if (probed.length === 0) return { findings: [], skipped: 'no label takes both values in the fitting part of the sample' };
    // Whole label rows permuted together: the labels keep how they co-occur, only their link to the inputs is cut.
    const permutations = Array.from({ length: PERMUTATIONS }, () => shuffledIndices(rows, ctx.random));
    const { x, representation } = features(ctx, rows);
    const s = split(x);
    x.dispose();
    try {
      const perLabel = probed.map((c) => classificationScores(s, [c.labels, ...permutations.map((order) => order.map((i) => c.labels[i]))]));
      const result = compareWithNull(meanOverLabels(perLabel));
      const nullMean = result.nulls.reduce((a, b) => a + b, 0) / result.nulls.length;
      const nullStd = Math.sqrt(result.nulls.reduce((sum, v) => sum + (v - nullMean) ** 2, 0) / result.nulls.length);
      const null95 = quantile(result.nulls, 0.95);
      const z = nullStd > 0 ? (result.score - nullMean) / nullStd : result.score > nullMean ? Infinity : 0;
      const note = `${result.baseline} per label on ${representation}, mean accuracy over ${probed.length} labels ${result.score.toFixed(3)} vs ` +
        `${nullMean.toFixed(3)} on ${result.nulls.length} permutations of the label rows (95th percentile ${null95.toFixed(3)}), p = ${result.p.toFixed(2)}, z = ${Number.isFinite(z) ? z.toFixed(1) : 'inf'}`;
      const extra = { 'label-relation-multilabel': { baseline: result.baseline, score: result.score, nullMean, null95, p: result.p, z: Number.isFinite(z) ? z : 1e9, labels: probed.length } };
      if (result.p <= LINK_P && z >= LINK_Z) return { findings: [], note, measurements: { extra } };
      return {
        findings: [labelsUnrelated({
          baseline: `${result.baseline}, one per label, accuracy averaged over ${probed.length} labels`, score: result.score, nullMean, null95, p: result.p,
          permutations: result.nulls.length, metric: 'balanced accuracy', heldOut: s.testRows, tokens: feedsEmbedding(ctx.model),
          severity: result.p > UNRELATED_P ? 'error' : 'warning',
        })],
        note,
        measurements: { extra },
      };
    } finally {
      tf.dispose([s.fitX, s.testX]);
    }
  },
};
