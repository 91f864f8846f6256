/**
 * Data profile (CHECKLIST D, N): mean ± std per feature (tabular) or channel
 * (images) with the min..max range, train next to validation, and the label
 * distribution per split (or the target's statistics for regression).
 */
import type { DataProfile, FeatureStat } from '../measurements';
import { COLORS, FORMAT, SIZE, emptyChart, formatNumber, frame, isFiniteNumber, round, expectMeasurement, type ChartSpec } from './base';

const TITLE = 'Data profile';
/** More rows than this stop being readable in a 700px cell. */
export const MAX_FEATURES = 30;
export const MAX_CLASSES = 40;

const SPLITS = ['train', 'validation'];
const SPLIT_COLORS = [COLORS.train, COLORS.validation];

/** The splits the profile holds, with their colours: no legend entry or bar slot for a split that was not given. */
function splitScale(profile: DataProfile): { domain: string[]; range: string[] } {
  const present = (split: string) => profile.features.some((f) => f.split === split) || profile.labels.some((l) => l.split === split);
  const kept = SPLITS.map((split, i) => ({ split, color: SPLIT_COLORS[i] })).filter((s) => present(s.split));
  return kept.length > 0 ? { domain: kept.map((s) => s.split), range: kept.map((s) => s.color) } : { domain: SPLITS, range: SPLIT_COLORS };
}

/**
 * Which features to draw when there are too many: the widest in scale (|mean| +
 * std), which is what normalization problems are about; shown in input order.
 */
function pickFeatures(stats: readonly FeatureStat[], max: number): { names: string[]; total: number } {
  const scale = new Map<string, number>();
  for (const s of stats) {
    const value = (isFiniteNumber(s.mean) ? Math.abs(s.mean) : 0) + (isFiniteNumber(s.std) ? s.std : 0);
    scale.set(s.feature, Math.max(scale.get(s.feature) ?? 0, value));
  }
  const names = [...scale.keys()];
  if (names.length <= max) return { names, total: names.length };
  const keep = new Set([...names].sort((a, b) => (scale.get(b) ?? 0) - (scale.get(a) ?? 0)).slice(0, max));
  return { names: names.filter((n) => keep.has(n)), total: names.length };
}

/** Symlog when magnitudes differ by orders (raw pixels next to 0-1 features); it also handles negatives. */
function valueScale(values: number[]) {
  const magnitudes = values.map(Math.abs).filter((v) => v > 0);
  if (magnitudes.length < 2) return { zero: false, nice: true };
  return Math.max(...magnitudes) / Math.min(...magnitudes) > 1000 ? { type: 'symlog' as const } : { zero: false, nice: true };
}

function featurePanel(profile: DataProfile) {
  const { names, total } = pickFeatures(profile.features, MAX_FEATURES);
  const wanted = new Set(names);
  const rows = profile.features
    .filter((s) => wanted.has(s.feature) && isFiniteNumber(s.mean))
    .map((s) => {
      const mean = s.mean as number;
      const std = isFiniteNumber(s.std) ? s.std : 0;
      return {
        feature: s.feature, split: s.split, mean: round(mean), std: round(std),
        low: round(mean - std), high: round(mean + std),
        min: isFiniteNumber(s.min) ? round(s.min) : null, max: isFiniteNumber(s.max) ? round(s.max) : null,
      };
    });
  const values = rows.flatMap((r) => [r.low, r.high, ...(r.min === null ? [] : [r.min]), ...(r.max === null ? [] : [r.max])]);
  const unit = profile.unit === 'channel' ? 'channel' : 'feature';
  const x = { type: 'quantitative', title: `${unit} value: mean ± std, thin line min..max`, scale: valueScale(values) };
  const y = { field: 'feature', type: 'nominal', sort: names, scale: { domain: names }, title: null, axis: { labelLimit: 150 } };
  const splits = splitScale(profile);
  const yOffset = { field: 'split', type: 'nominal', scale: { domain: splits.domain } };
  const color = { field: 'split', type: 'nominal', title: 'split', scale: splits, legend: { symbolType: 'square' } };
  const tooltip = [
    { field: 'feature', type: 'nominal', title: unit },
    { field: 'split', type: 'nominal', title: 'split' },
    { field: 'mean', type: 'quantitative', title: 'mean', format: FORMAT.number },
    { field: 'std', type: 'quantitative', title: 'std', format: FORMAT.number },
    { field: 'min', type: 'quantitative', title: 'min', format: FORMAT.number },
    { field: 'max', type: 'quantitative', title: 'max', format: FORMAT.number },
  ];
  const pick = { condition: { param: 'split_pick', value: 1 }, value: 0.15 };
  const panel = {
    width: SIZE.width - 140,
    height: Math.max(names.length * (names.length > 12 ? 20 : 28), 56),
    title: { text: total > names.length ? `Per ${unit}: the ${names.length} widest of ${total}` : `Per ${unit}`, fontSize: 12 },
    data: { values: rows },
    layer: [
      // Where standardized inputs live: most of each feature's mass should fall here.
      {
        data: { values: [{ from: -1, to: 1 }] },
        mark: { type: 'rect', color: '#eef5ee', tooltip: false },
        encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' } },
      },
      {
        mark: { type: 'rule', strokeWidth: 1 },
        encoding: { y, yOffset, x: { ...x, field: 'min' }, x2: { field: 'max' }, color, opacity: pick, tooltip },
      },
      {
        params: [{ name: 'split_pick', select: { type: 'point', fields: ['split'] }, bind: 'legend' }],
        mark: { type: 'bar', height: { band: 0.8 }, opacity: 0.85 },
        encoding: { y, yOffset, x: { ...x, field: 'low', stack: null }, x2: { field: 'high' }, color, opacity: pick, tooltip },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 2, bandSize: 8 },
        encoding: { y, yOffset, x: { ...x, field: 'mean' }, opacity: pick, tooltip },
      },
    ],
  };
  return panel;
}

function labelPanel(profile: DataProfile) {
  const totals = new Map<string, number>();
  for (const l of profile.labels) totals.set(l.split, (totals.get(l.split) ?? 0) + l.count);
  const byCount = new Map<string, number>();
  for (const l of profile.labels) if (l.split === 'train') byCount.set(l.label, (byCount.get(l.label) ?? 0) + l.count);
  for (const l of profile.labels) if (!byCount.has(l.label)) byCount.set(l.label, 0);
  let classes = [...byCount.keys()];
  const total = classes.length;
  if (classes.length > MAX_CLASSES) {
    const keep = new Set([...classes].sort((a, b) => (byCount.get(b) ?? 0) - (byCount.get(a) ?? 0)).slice(0, MAX_CLASSES));
    classes = classes.filter((c) => keep.has(c));
  }
  const wanted = new Set(classes);
  const rows = profile.labels
    .filter((l) => wanted.has(l.label))
    .map((l) => ({ label: l.label, split: l.split, count: l.count, share: round(l.count / Math.max(totals.get(l.split) ?? 1, 1), 4) }));
  return {
    width: SIZE.width - 140,
    height: 160,
    title: { text: total > classes.length ? `Labels: the ${classes.length} most frequent of ${total} classes` : 'Labels per class', fontSize: 12 },
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'nominal', sort: classes, scale: { domain: classes }, title: null, axis: { labelAngle: classes.length > 12 ? -45 : 0, labelLimit: 90 } },
      xOffset: { field: 'split', type: 'nominal', scale: { domain: splitScale(profile).domain } },
      y: { field: 'share', type: 'quantitative', title: 'share of split', axis: { format: '.0%' } },
      color: { field: 'split', type: 'nominal', title: 'split', scale: splitScale(profile), legend: { symbolType: 'square' } },
      opacity: { condition: { param: 'split_pick', value: 1 }, value: 0.15 },
      tooltip: [
        { field: 'label', type: 'nominal', title: 'class' },
        { field: 'split', type: 'nominal', title: 'split' },
        { field: 'count', type: 'quantitative', title: 'samples', format: FORMAT.integer },
        { field: 'share', type: 'quantitative', title: 'share of split', format: FORMAT.percent },
      ],
    },
  };
}

function targetPanel(target: NonNullable<DataProfile['target']>) {
  const row = {
    name: 'target', mean: round(target.mean), std: round(target.std), min: round(target.min), max: round(target.max),
    low: round(target.mean - target.std), high: round(target.mean + target.std),
  };
  const x = { type: 'quantitative', title: 'regression target', scale: { zero: false, nice: true } };
  const tooltip = (['mean', 'std', 'min', 'max'] as const).map((field) => ({ field, type: 'quantitative', title: field, format: FORMAT.number }));
  return {
    width: SIZE.width - 140,
    height: 40,
    title: {
      text: `Regression target: mean ${formatNumber(target.mean)} ± ${formatNumber(target.std)}, range ${formatNumber(target.min)} to ${formatNumber(target.max)}`,
      fontSize: 12,
    },
    data: { values: [row] },
    layer: [
      { mark: { type: 'rule', color: COLORS.neutral }, encoding: { x: { ...x, field: 'min' }, x2: { field: 'max' }, tooltip } },
      { mark: { type: 'bar', color: COLORS.train, height: 14 }, encoding: { x: { ...x, field: 'low', stack: null }, x2: { field: 'high' }, tooltip } },
      { mark: { type: 'tick', color: 'black', thickness: 2, size: 20 }, encoding: { x: { ...x, field: 'mean' }, tooltip } },
    ],
  };
}

export function dataProfileChart(profile: DataProfile): ChartSpec {
  expectMeasurement('dataProfileChart', profile, 'report.measurements.dataProfile', 'features');
  const panels: object[] = [];
  const hasFeatures = profile.features.some((f) => isFiniteNumber(f.mean));
  if (hasFeatures) panels.push(featurePanel(profile));
  if (profile.labels.length > 0) panels.push(labelPanel(profile));
  else if (profile.target) panels.push(targetPanel(profile.target));
  if (panels.length === 0) return emptyChart(TITLE, 'No feature or label statistics were measured.');
  const sizes = `${profile.samples.toLocaleString('en-US')} training samples${isFiniteNumber(profile.validationSamples) ? `, ${profile.validationSamples.toLocaleString('en-US')} validation` : ''}`;
  // The legend-bound split selection lives in the feature panel; without one, the label panel defines it.
  const withPick = hasFeatures ? panels : addPick(panels);
  const hint = hasFeatures ? ' Green zone: -1..1, where standardized inputs sit.' : '';
  return {
    ...frame(TITLE, [`${sizes}.${hint} Click a legend entry to bring one split forward.`]),
    vconcat: withPick,
    resolve: { scale: { color: 'shared' } },
  };
}

/** The label panel alone carries the split selection when no feature panel defines it. */
function addPick(panels: object[]): object[] {
  const [first, ...rest] = panels as { mark?: unknown; params?: object[]; layer?: unknown[] }[];
  if (first.mark === undefined) return panels;
  return [{ ...first, params: [{ name: 'split_pick', select: { type: 'point', fields: ['split'] }, bind: 'legend' }] }, ...rest];
}
