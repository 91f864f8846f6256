/**
 * Input scale per feature (tabular) or per channel (image): raw pixels,
 * scales that differ by orders of magnitude, means far from zero, and
 * constant features (CHECKLIST N1, D10). Also builds the data profile view.
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import type { DataProfile, FeatureStat, LabelCount } from '../../measurements';
import { dataConstantFeature, dataUnnormalized } from '../../messages/data';
import { evidenceMargin, evidenceNumber, margin } from '../strength';
import { classCounts, feedsEmbedding } from '../../context/infer';
import { variance } from '../../data/stats';
import { isOneHotSteps } from '../../context/sequence-model';
import { className, summarize, type GroupSummary } from './shared';

/** Pixels above this cannot be [0, 1] or [-1, 1] images; 0-255 images reach ~255. */
const RAW_PIXEL_MAX = 20;
/**
 * ...but standardized pixels can too: a pixel lit in 1 image of 1000, divided
 * by its own tiny std, reaches ~30. Raw pixels are non-negative or, centred
 * but not scaled, spread far wider (MNIST 0-255: std ~80) than standardized ones (~1).
 */
const RAW_PIXEL_STD = 5;
/**
 * Images scaled to [0, 1] or [-1, 1] reach ~1; a brightest pixel under 0.02
 * (5/255) in every channel is a near-black picture or, far more often, pixels
 * divided by 255 twice (brightest 1/255 = 0.0039). On MNIST that leaves an MLP
 * and a CNN near chance after 5 epochs of Adam (loss 2.18 and 2.27 against
 * 0.26 and 0.35 when scaled once).
 */
const TINY_PIXEL_MAX = 0.02;
/** Largest/smallest feature span at which one learning rate stops suiting all features. */
const SCALE_SPREAD_LIMIT = 100;
/**
 * A feature's scale is the span of its central values (1st to 99th percentile
 * over the probe sample), not its std: a pixel that is almost always 0 has a
 * std of 1e-3 but spans the same values as its neighbours when it is lit, and a
 * rare 0/1 flag is not "on another scale". Features whose central span is 0
 * barely vary and are not judged.
 */
const SPAN_QUANTILE = 0.01;
/** A mean this many stds from zero (and at least OFFSET_MIN_ABS in size) shifts every unit it feeds. */
const OFFSET_STDS = 5;
const OFFSET_MIN_ABS = 10;
/**
 * Glorot/He initializers assume inputs of size ~1: a feature whose typical
 * size (root mean square) is 10 or more starts the first layer's outputs 10x
 * too large, saturates sigmoid/tanh units, and makes plain SGD steps (which
 * scale with x^2) diverge (x = 1..24 with 'sgd' gives NaN).
 */
const LARGE_RMS = 10;

function featureStats(rows: GroupSummary[], split: 'train' | 'validation'): FeatureStat[] {
  return rows.map((r) => ({ feature: r.name, split, mean: r.mean, std: r.std, min: r.min, max: r.max }));
}

function profileView(ctx: CheckContext): DataProfile {
  const { train, validation } = ctx.profile;
  const features = [
    ...featureStats(summarize(train.features, ctx.featureNames), 'train'),
    ...(validation ? featureStats(summarize(validation.features, ctx.featureNames), 'validation') : []),
  ];
  const labels: LabelCount[] = [];
  const n = ctx.info.numClasses;
  if (n && ctx.info.task.value !== 'regression' && ctx.info.task.value !== 'multilabel') {
    classCounts(train.labels, n).forEach((count, c) => labels.push({ label: className(ctx, c), split: 'train', count }));
    if (validation) classCounts(validation.labels, n).forEach((count, c) => labels.push({ label: className(ctx, c), split: 'validation', count }));
  }
  const view: DataProfile = {
    unit: ctx.info.inputKind.value === 'tabular' ? 'feature' : 'channel',
    features,
    labels,
    samples: train.rows,
    ...(validation ? { validationSamples: validation.rows } : {}),
  };
  if (ctx.info.task.value === 'regression' && train.labels.columns.count[0] > 0) {
    const c = train.labels.columns;
    view.target = { mean: c.mean[0], std: Math.sqrt(variance(c, 0)), min: c.min[0], max: c.max[0] };
  }
  return view;
}

/**
 * Layers that make the raw scale of the input irrelevant when they come first:
 * token ids feeding an Embedding are indices, not measurements, and a leading
 * Rescaling/normalization layer scales the input inside the model.
 */
const SCALE_HANDLING_FIRST_LAYERS = new Set(['Embedding', 'Rescaling', 'Normalization', 'BatchNormalization', 'LayerNormalization']);

function modelHandlesScale(ctx: CheckContext): boolean {
  const first = ctx.model.layers.find((l) => l.getClassName() !== 'InputLayer');
  return first !== undefined && SCALE_HANDLING_FIRST_LAYERS.has(first.getClassName());
}

interface Span { name: string; span: number; low: number; high: number }

/** Central span (1st..99th percentile) of each feature over the probe sample; features grouped by column % groups. */
function centralSpans(ctx: CheckContext, names: readonly string[]): Span[] {
  const rows = ctx.profile.train.sample.x;
  const groups = ctx.profile.train.features.count.length;
  if (rows.length === 0 || groups === 0) return [];
  const values: number[][] = Array.from({ length: groups }, () => []);
  for (const row of rows) for (let j = 0; j < row.length; j++) if (Number.isFinite(row[j])) values[j % groups].push(row[j]);
  return values.flatMap((v, g) => {
    if (v.length === 0) return [];
    v.sort((a, b) => a - b);
    const at = (q: number): number => v[Math.min(v.length - 1, Math.max(0, Math.round(q * (v.length - 1))))];
    const low = at(SPAN_QUANTILE);
    const high = at(1 - SPAN_QUANTILE);
    return [{ name: names[g] ?? `feature ${g}`, span: high - low, low, high }];
  });
}

function scaleFinding(ctx: CheckContext, groups: GroupSummary[]): Finding | undefined {
  if (groups.length === 0 || modelHandlesScale(ctx)) return undefined;
  if (ctx.info.inputKind.value === 'image') {
    // All pixels of a channel share one scale: judged as one group, by its values.
    const loudest = groups.reduce((a, b) => (b.max > a.max ? b : a));
    if (loudest.max > RAW_PIXEL_MAX && (loudest.min >= 0 || loudest.std > RAW_PIXEL_STD)) return dataUnnormalized({ kind: 'raw-pixels', feature: loudest.name, mean: loudest.mean, std: loudest.std, min: loudest.min, max: loudest.max });
    const largest = Math.max(...groups.map((g) => Math.max(Math.abs(g.min), Math.abs(g.max))));
    if (largest > 0 && largest <= TINY_PIXEL_MAX) return dataUnnormalized({ kind: 'tiny-pixels', feature: loudest.name, mean: loudest.mean, std: loudest.std, min: loudest.min, max: loudest.max });
    return undefined;
  }
  const varying = groups.filter((g) => g.std > 0);
  const spans = centralSpans(ctx, ctx.featureNames).filter((s) => s.span > 0);
  if (spans.length >= 2) {
    const widest = spans.reduce((a, b) => (b.span > a.span ? b : a));
    const narrowest = spans.reduce((a, b) => (b.span < a.span ? b : a));
    const spread = widest.span / narrowest.span;
    const stats = groups.find((g) => g.name === widest.name);
    if (spread >= SCALE_SPREAD_LIMIT && stats) {
      return dataUnnormalized({
        kind: 'scale-spread', feature: widest.name, mean: stats.mean, std: stats.std, min: stats.min, max: stats.max, spread,
        span: widest.span, smallestFeature: narrowest.name, smallestSpan: narrowest.span,
      });
    }
  }
  const offset = varying
    .filter((g) => Math.abs(g.mean) >= OFFSET_MIN_ABS && Math.abs(g.mean) > OFFSET_STDS * g.std)
    .sort((a, b) => Math.abs(b.mean) / b.std - Math.abs(a.mean) / a.std)[0];
  if (offset) return dataUnnormalized({ kind: 'offset', feature: offset.name, mean: offset.mean, std: offset.std, min: offset.min, max: offset.max });
  const rms = (g: GroupSummary): number => Math.sqrt(g.mean * g.mean + g.std * g.std);
  const largest = groups.reduce((a, b) => (rms(b) > rms(a) ? b : a));
  if (rms(largest) >= LARGE_RMS) {
    return dataUnnormalized({ kind: 'large-values', feature: largest.name, mean: largest.mean, std: largest.std, min: largest.min, max: largest.max });
  }
  return undefined;
}

function constantFinding(ctx: CheckContext, groups: GroupSummary[]): Finding | undefined {
  // Constant pixels (an image's empty border) and token positions that always hold padding are normal;
  // only measured tabular/sequence features are judged.
  if (ctx.info.inputKind.value === 'image' || feedsEmbedding(ctx.model) || ctx.profile.train.rows < 2) return undefined;
  // One-hot characters per step (addition-rnn, text generation): a column that stays 0 is a symbol that never occurs.
  if (ctx.profile.train.rowShape.length === 2 && isOneHotSteps(ctx.profile.train.sample.x, groups.length)) return undefined;
  const constant = groups.filter((g) => g.min === g.max);
  if (constant.length === 0) return undefined;
  return dataConstantFeature({ features: constant.map((g) => g.name), total: groups.length, value: constant[0].min });
}

/** How far below TINY_PIXEL_MAX the brightest pixel is: 1/255 (5x below) is strong, just under it borderline. */
function tinyStrength(f: Finding): number | undefined {
  const max = evidenceNumber(f, 'max');
  return max === undefined || !(max > 0) ? undefined : margin(TINY_PIXEL_MAX / max, 1, 1);
}

export const scaleCheck: Check = {
  id: 'data-scale',
  checklist: ['N1', 'D10'],
  findings: ['data-unnormalized', 'data-constant-feature'],
  explains: {
    'data-unnormalized': [
      'loss-above-chance', 'overfit-failed', 'gradients-exploding', 'activations-saturated', 'activations-dead',
      'update-ratio-off', 'lr-too-high', 'lr-too-low', 'nonfinite-values',
      // Raw-scale inputs saturate a softmax past tfjs's probability clipping, or kill the ReLUs of the first step: exactly zero gradients.
      'gradients-zero',
    ],
  },
  strength: (f) =>
    f.evidence.kind === 'scale-spread' ? evidenceMargin(f, 'spread', SCALE_SPREAD_LIMIT, 2)
      : f.evidence.kind === 'raw-pixels' ? evidenceMargin(f, 'max', RAW_PIXEL_MAX, 1)
        : f.evidence.kind === 'tiny-pixels' ? tinyStrength(f)
          : undefined,
  async run(ctx: CheckContext) {
    const groups = summarize(ctx.profile.train.features, ctx.featureNames);
    const findings = [scaleFinding(ctx, groups), constantFinding(ctx, groups)].filter((f): f is Finding => f !== undefined);
    return { findings, measurements: { dataProfile: profileView(ctx) } };
  },
};
