/**
 * Gradient flow per layer (CHECKLIST T2, T3): gradient norm per trainable
 * weight on a log scale, in model order from the input (top) to the output
 * (bottom), next to the update/weight ratio of one optimizer step with the
 * 1e-3 guide. Zero and missing values cannot sit on a log scale: they are
 * drawn as marked crosses at the left edge instead.
 */
import type { GradientFlow, WeightGradient } from '../measurements';
import {
  COLORS, FORMAT, SIZE, consecutiveRuns, emptyChart, formatNumber, frame, isFiniteNumber, powerOfTenAbove, powerOfTenBelow, round, runLabel,
  expectMeasurement, type ChartSpec,
} from './base';
import { groupBy } from './downsample';

const TITLE = 'Gradient flow per layer';
/** Healthy size of one update relative to its weight (CHECKLIST T3). */
export const UPDATE_RATIO_GUIDE = 1e-3;

type Status = 'ok' | 'zero' | 'nonfinite' | 'missing';

const STATUS_LABEL: Record<Status, string> = { ok: '', zero: '0', nonfinite: 'NaN/Inf', missing: 'n/a' };

/** `nonFinite`: the gradient had NaN/Inf entries, so a missing value means "not finite", not "not measured". */
function statusOf(value: number | null, nonFinite: boolean): Status {
  if (isFiniteNumber(value)) return value > 0 ? 'ok' : 'zero';
  return nonFinite ? 'nonfinite' : 'missing';
}

/**
 * Unique, readable row keys "dense_1 · kernel", whether weights are named
 * "kernel" or "dense_1/kernel"; a whole-layer row is just the layer. Suffixed
 * when two weights would collide.
 */
function rowKeys(weights: readonly WeightGradient[]): string[] {
  const seen = new Map<string, number>();
  return weights.map((w) => {
    const short = w.weight.startsWith(`${w.layer}/`) ? w.weight.slice(w.layer.length + 1) : w.weight;
    const base = short === w.layer ? w.layer : `${w.layer} · ${short}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

function logDomain(values: number[], include: number[] = []): [number, number] {
  const positive = [...values, ...include].filter((v) => isFiniteNumber(v) && v > 0);
  if (positive.length === 0) return [1e-6, 1];
  const low = powerOfTenBelow(Math.min(...positive));
  const high = powerOfTenAbove(Math.max(...positive));
  // One decade below the smallest value leaves room for the zero/missing markers.
  return [low / 10, high === low ? high * 10 : high];
}

function panel(options: {
  field: 'gradNorm' | 'updateRatio';
  statusField: 'gradStatus' | 'ratioStatus';
  title: string;
  domain: [number, number];
  keys: string[];
  showLabels: boolean;
  guide?: number;
  tooltip: object[];
}) {
  const { field, statusField, title, domain, keys, showLabels, guide, tooltip } = options;
  // Sorted by a field, not an explicit array: vega parses a sort array of one
  // entry per row recursively and overflows the stack past ~1,000 rows.
  const y = {
    field: 'key', type: 'nominal', sort: { field: 'order', op: 'min' }, title: null,
    axis: showLabels ? { labelLimit: SIZE.rowLabelLimit, ticks: false, domain: false } : null,
  };
  const x = { type: 'quantitative', title, scale: { type: 'log', domain, nice: false }, axis: { format: '~e', grid: true, tickCount: 6 } };
  const highlight = { condition: { param: 'layer_hover', empty: true, value: 1 }, value: 0.3 };
  const layers: object[] = [
    {
      transform: [{ filter: `datum.${statusField} === 'ok'` }],
      mark: { type: 'bar', color: field === 'gradNorm' ? COLORS.info : COLORS.ok, height: { band: 0.7 } },
      // stack: null: bars from the axis floor, which older Vega-Lite 5 would otherwise try to stack.
      encoding: { y, x: { ...x, field, stack: null }, x2: { datum: domain[0] }, opacity: highlight, tooltip },
    },
    {
      transform: [{ filter: `datum.${statusField} !== 'ok'` }],
      mark: { type: 'point', shape: 'cross', filled: true, size: 90, color: COLORS.error },
      encoding: { y, x: { ...x, datum: domain[0] * 1.5 }, opacity: highlight, tooltip },
    },
    {
      transform: [{ filter: `datum.${statusField} !== 'ok'` }],
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 8, fontSize: 10, color: COLORS.error },
      encoding: { y, x: { ...x, datum: domain[0] * 1.5 }, text: { field: `${statusField}Label`, type: 'nominal' } },
    },
  ];
  if (field === 'gradNorm') {
    (layers[0] as { params?: object[] }).params = [
      { name: 'layer_hover', select: { type: 'point', fields: ['layer'], on: 'mouseover', clear: 'mouseout' } },
    ];
  }
  if (guide !== undefined) {
    layers.push({
      data: { values: [{ guide, label: `${formatNumber(guide)} guide` }] },
      layer: [
        { mark: { type: 'rule', color: COLORS.guide, strokeDash: [6, 4] }, encoding: { x: { ...x, field: 'guide' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, y: -14, fontSize: 10, color: COLORS.guide },
          encoding: { x: { ...x, field: 'guide' }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  }
  return { width: SIZE.labelledHalfWidth, height: { step: keys.length > 40 ? 12 : SIZE.rowStep }, layer: layers };
}

/** Identifies a weight's layer (names alone may repeat across positions). */
const layerKey = (w: WeightGradient): string => `${w.layerIndex}\u0000${w.layer}`;

/** Beyond this many weights (deep CNNs), rows are whole layers: one row per weight would be metres tall. */
export const MAX_WEIGHT_ROWS = 60;

/** Beyond this many layers (ResNet-scale models), rows are runs of consecutive layers. */
export const MAX_LAYER_ROWS = 100;

/**
 * Weights relabelled so that runs of consecutive layers read as one "layer"
 * ("conv_1 … conv_12 (12 layers)"): combineByLayer then combines each run
 * exactly as it combines the weights of one layer.
 */
function bucketLayers(weights: readonly WeightGradient[]): WeightGradient[] {
  const layers = [...new Map(weights.map((w) => [layerKey(w), w])).values()];
  const bucketOf = new Map<string, { index: number; label: string }>();
  consecutiveRuns(layers, MAX_LAYER_ROWS).forEach((run, index) => {
    const label = runLabel(run.map((w) => w.layer));
    for (const w of run) bucketOf.set(layerKey(w), { index, label });
  });
  return weights.map((w) => {
    const bucket = bucketOf.get(layerKey(w)) ?? { index: 0, label: w.layer };
    return { ...w, layer: bucket.label, layerIndex: bucket.index };
  });
}

/** Norm of several vectors taken together: sqrt of the sum of squares; null if any part is missing. */
function combinedNorm(norms: readonly (number | null)[]): number | null {
  if (!norms.every(isFiniteNumber)) return null;
  return Math.sqrt(norms.reduce((sum, n) => sum + n * n, 0));
}

/**
 * One row per layer: the gradient and weight norms of all its weights taken
 * together, and the update ratio ||all updates|| / ||all weights|| (exact,
 * since each ratio times its weight norm is that weight's update norm).
 */
export function combineByLayer(weights: readonly WeightGradient[]): WeightGradient[] {
  return [...groupBy(weights, layerKey).values()].map((group) => {
    const [first] = group;
    const weightNorm = combinedNorm(group.map((w) => w.weightNorm));
    // A zero weight (fresh bias) has no ratio; its update is left out rather than hiding the layer's ratio.
    const measurable = group.filter((w) => !(w.weightNorm === 0 && !isFiniteNumber(w.updateRatio)));
    const updates = measurable.map((w) => (isFiniteNumber(w.updateRatio) && isFiniteNumber(w.weightNorm) ? w.updateRatio * w.weightNorm : null));
    const updateNorm = measurable.length > 0 ? combinedNorm(updates) : null;
    const sizes = group.map((w) => w.shape.reduce((a, b) => a * b, 1));
    const total = sizes.reduce((a, b) => a + b, 0);
    const zeros = group.map((w, i) => (isFiniteNumber(w.zeroFraction) ? w.zeroFraction * sizes[i] : null));
    const maxes = group.map((w) => w.maxAbsGrad);
    const gradNorm = combinedNorm(group.map((w) => w.gradNorm));
    return {
      layer: first.layer, layerIndex: first.layerIndex, weight: first.layer, shape: [total],
      gradNorm,
      weightNorm,
      meanAbsGrad: group.every((w) => isFiniteNumber(w.meanAbsGrad)) ? group.reduce((sum, w, i) => sum + (w.meanAbsGrad as number) * sizes[i], 0) / Math.max(total, 1) : null,
      maxAbsGrad: maxes.every(isFiniteNumber) ? Math.max(...maxes) : null,
      updateRatio: updateNorm !== null && weightNorm !== null && weightNorm > 0 ? updateNorm / weightNorm : null,
      zeroFraction: zeros.every(isFiniteNumber) ? zeros.reduce((a, b) => a + b, 0) / Math.max(total, 1) : null,
      nonFiniteCount: group.reduce((sum, w) => sum + (w.nonFiniteCount ?? 0), 0),
    };
  });
}

export function gradientFlowChart(flow: GradientFlow): ChartSpec {
  expectMeasurement('gradientFlowChart', flow, 'report.measurements.gradients', 'weights');
  if (flow.weights.length === 0) return emptyChart(TITLE, 'The model has no trainable weights.');
  const inOrder = flow.weights
    .map((w, position) => ({ w, position }))
    .sort((a, b) => a.w.layerIndex - b.w.layerIndex || a.position - b.position)
    .map(({ w }) => w);
  const perLayer = inOrder.length > MAX_WEIGHT_ROWS;
  const byLayer = perLayer ? combineByLayer(inOrder) : inOrder;
  const bucketed = byLayer.length > MAX_LAYER_ROWS;
  const ordered = bucketed ? combineByLayer(bucketLayers(inOrder)) : byLayer;
  const keys = rowKeys(ordered);
  const rows = ordered.map((w, i) => {
    const nonFinite = (w.nonFiniteCount ?? 0) > 0;
    const gradStatus = statusOf(w.gradNorm, nonFinite);
    const ratioStatus = statusOf(w.updateRatio, nonFinite);
    return {
      key: keys[i], order: i, layer: w.layer, layerIndex: w.layerIndex, weight: w.weight, shape: w.shape.join('×') || 'scalar',
      gradNorm: isFiniteNumber(w.gradNorm) && w.gradNorm > 0 ? round(w.gradNorm) : null,
      weightNorm: isFiniteNumber(w.weightNorm) ? round(w.weightNorm) : null,
      meanAbsGrad: isFiniteNumber(w.meanAbsGrad) ? round(w.meanAbsGrad) : null,
      maxAbsGrad: isFiniteNumber(w.maxAbsGrad) ? round(w.maxAbsGrad) : null,
      updateRatio: isFiniteNumber(w.updateRatio) && w.updateRatio > 0 ? round(w.updateRatio) : null,
      zeroFraction: isFiniteNumber(w.zeroFraction) ? round(w.zeroFraction, 4) : null,
      nonFiniteCount: w.nonFiniteCount ?? null,
      gradStatus, gradStatusLabel: STATUS_LABEL[gradStatus],
      ratioStatus, ratioStatusLabel: STATUS_LABEL[ratioStatus],
    };
  });
  const tooltip = [
    { field: 'layer', type: 'nominal', title: 'layer' },
    { field: 'weight', type: 'nominal', title: 'weight' },
    { field: 'shape', type: 'nominal', title: 'shape' },
    { field: 'gradNorm', type: 'quantitative', title: 'gradient norm', format: FORMAT.scientific },
    { field: 'weightNorm', type: 'quantitative', title: 'weight norm', format: FORMAT.number },
    { field: 'updateRatio', type: 'quantitative', title: 'update / weight', format: FORMAT.scientific },
    { field: 'maxAbsGrad', type: 'quantitative', title: 'max |gradient|', format: FORMAT.scientific },
    { field: 'zeroFraction', type: 'quantitative', title: 'zero gradients', format: FORMAT.percent },
    { field: 'nonFiniteCount', type: 'quantitative', title: 'NaN/Inf entries', format: FORMAT.integer },
  ];
  const gradValues = rows.map((r) => r.gradNorm).filter(isFiniteNumber);
  const ratioValues = rows.map((r) => r.updateRatio).filter(isFiniteNumber);
  const step = flow.optimizerName
    ? `one ${flow.optimizerName} step${isFiniteNumber(flow.learningRate) ? ` at learning rate ${formatNumber(flow.learningRate)}` : ''}`
    : 'one optimizer step';
  const hasGaps = rows.some((r) => r.gradStatus !== 'ok' || r.ratioStatus !== 'ok');
  return {
    ...frame(TITLE, [
      `${bucketed ? `Runs of consecutive layers (${byLayer.length} layers, ${inOrder.length} weights)` : perLayer ? `Layers (${inOrder.length} weights combined per layer)` : 'Weights'} in model order, input at the top. Update/weight ratio for ${step}; around ${formatNumber(UPDATE_RATIO_GUIDE)} is healthy.`,
      ...(hasGaps ? ['Crosses: 0 = zero gradient, NaN/Inf = not finite, n/a = not measured.'] : []),
    ]),
    data: { values: rows },
    hconcat: [
      panel({ field: 'gradNorm', statusField: 'gradStatus', title: 'gradient norm (log)', domain: logDomain(gradValues), keys, showLabels: true, tooltip }),
      panel({
        field: 'updateRatio', statusField: 'ratioStatus', title: 'update / weight (log)',
        domain: logDomain(ratioValues, [UPDATE_RATIO_GUIDE]), keys, showLabels: false, guide: UPDATE_RATIO_GUIDE, tooltip,
      }),
    ],
    resolve: { scale: { y: 'shared' } },
  };
}
