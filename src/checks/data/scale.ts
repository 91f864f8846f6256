/**
 * Input scale per feature (tabular) or per channel (image): raw pixels,
 * scales that differ by orders of magnitude, means far from zero, and
 * constant features (CHECKLIST N1, D10). Also builds the data profile view.
 */
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import type { DataProfile, FeatureStat, LabelCount } from '../../measurements';
import { dataConstantFeature, dataUnnormalized } from '../../messages/data';
import { evidenceMargin } from '../strength';
import { classCounts } from '../../context/infer';
import { variance } from '../../data/stats';
import { className, summarize, type GroupSummary } from './shared';

/** Pixels above this cannot be [0, 1] or [-1, 1] images; 0-255 images reach ~255. */
const RAW_PIXEL_MAX = 20;
/** Largest/smallest feature std at which one learning rate stops suiting all features. */
const SCALE_SPREAD_LIMIT = 100;
/** A mean this many stds from zero (and at least OFFSET_MIN_ABS in size) shifts every unit it feeds. */
const OFFSET_STDS = 5;
const OFFSET_MIN_ABS = 10;

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

function scaleFinding(ctx: CheckContext, groups: GroupSummary[]): Finding | undefined {
  if (groups.length === 0 || modelHandlesScale(ctx)) return undefined;
  if (ctx.info.inputKind.value === 'image') {
    const loudest = groups.reduce((a, b) => (b.max > a.max ? b : a));
    if (loudest.max > RAW_PIXEL_MAX) return dataUnnormalized({ kind: 'raw-pixels', feature: loudest.name, mean: loudest.mean, std: loudest.std, min: loudest.min, max: loudest.max });
    return undefined;
  }
  const varying = groups.filter((g) => g.std > 0);
  if (varying.length >= 2) {
    const widest = varying.reduce((a, b) => (b.std > a.std ? b : a));
    const narrowest = varying.reduce((a, b) => (b.std < a.std ? b : a));
    const spread = widest.std / narrowest.std;
    if (spread >= SCALE_SPREAD_LIMIT) {
      return dataUnnormalized({ kind: 'scale-spread', feature: widest.name, mean: widest.mean, std: widest.std, min: widest.min, max: widest.max, spread, smallestFeature: `${narrowest.name} (std ${narrowest.std.toPrecision(3)})` });
    }
  }
  const offset = varying
    .filter((g) => Math.abs(g.mean) >= OFFSET_MIN_ABS && Math.abs(g.mean) > OFFSET_STDS * g.std)
    .sort((a, b) => Math.abs(b.mean) / b.std - Math.abs(a.mean) / a.std)[0];
  if (offset) return dataUnnormalized({ kind: 'offset', feature: offset.name, mean: offset.mean, std: offset.std, min: offset.min, max: offset.max });
  return undefined;
}

function constantFinding(ctx: CheckContext, groups: GroupSummary[]): Finding | undefined {
  // Constant pixels (an image's empty border) are normal; only tabular/sequence features are judged.
  if (ctx.info.inputKind.value === 'image' || ctx.profile.train.rows < 2) return undefined;
  const constant = groups.filter((g) => g.min === g.max);
  if (constant.length === 0) return undefined;
  return dataConstantFeature({ features: constant.map((g) => g.name), total: groups.length, value: constant[0].min });
}

export const scaleCheck: Check = {
  id: 'data-scale',
  checklist: ['N1', 'D10'],
  findings: ['data-unnormalized', 'data-constant-feature'],
  explains: {
    'data-unnormalized': [
      'loss-above-chance', 'overfit-failed', 'gradients-exploding', 'activations-saturated', 'activations-dead',
      'update-ratio-off', 'lr-too-high', 'lr-too-low', 'nonfinite-values',
    ],
  },
  strength: (f) =>
    f.evidence.kind === 'scale-spread' ? evidenceMargin(f, 'spread', SCALE_SPREAD_LIMIT, 2)
      : f.evidence.kind === 'raw-pixels' ? evidenceMargin(f, 'max', RAW_PIXEL_MAX, 1)
        : undefined,
  async run(ctx: CheckContext) {
    const groups = summarize(ctx.profile.train.features, ctx.featureNames);
    const findings = [scaleFinding(ctx, groups), constantFinding(ctx, groups)].filter((f): f is Finding => f !== undefined);
    return { findings, measurements: { dataProfile: profileView(ctx) } };
  },
};
