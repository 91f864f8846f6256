/**
 * Activation health per layer (CHECKLIST T4): the fraction of dead units
 * (ReLU family) and of saturated outputs (sigmoid/tanh) per layer, next to the
 * activation scale (std) through depth. Layers run from the input (top) to the
 * output (bottom), as in the gradient flow chart.
 */
import type { ActivationHealth, LayerActivation } from '../measurements';
import {
  COLORS, FORMAT, SIZE, consecutiveRuns, emptyChart, frame, isFiniteNumber, round, runLabel, scaleTypeFor, expectMeasurement, type ChartSpec,
} from './base';

const TITLE = 'Activation health per layer';

const METRIC = {
  dead: { label: 'dead units', color: '#6b4c9a' },
  saturated: { label: 'saturated outputs', color: COLORS.warning },
} as const;

/** Row labels in model order (layer names); a repeated name gets its position appended. */
function layerKeys(layers: readonly LayerActivation[]): string[] {
  const counts = new Map<string, number>();
  for (const l of layers) counts.set(l.layer, (counts.get(l.layer) ?? 0) + 1);
  return layers.map((l) => (counts.get(l.layer) === 1 ? l.layer : `${l.layer} (#${l.layerIndex})`));
}

/** Beyond this many layers, rows are runs of consecutive layers: a row per layer would be metres tall. */
export const MAX_ACTIVATION_ROWS = 100;

const finiteValues = (values: readonly (number | null | undefined)[]): number[] => values.filter(isFiniteNumber);

/**
 * Runs of consecutive layers as one row each. A run shows its worst layer's
 * dead and saturated fractions (one dead layer is the news), its mean, and
 * the root mean square of its layers' std (the scale through depth).
 */
export function combineLayerRuns(layers: readonly LayerActivation[], rows = MAX_ACTIVATION_ROWS): LayerActivation[] {
  return consecutiveRuns(layers, rows).map((run, index) => {
    const worst = (values: number[]) => (values.length > 0 ? Math.max(...values) : null);
    const means = finiteValues(run.map((l) => l.mean));
    const stds = finiteValues(run.map((l) => l.std));
    const activations = [...new Set(run.map((l) => l.activation))];
    return {
      layer: runLabel(run.map((l) => l.layer)),
      layerIndex: index,
      activation: activations.length === 1 ? activations[0] : 'mixed',
      mean: means.length > 0 ? means.reduce((a, b) => a + b, 0) / means.length : null,
      std: stds.length > 0 ? Math.sqrt(stds.reduce((a, b) => a + b * b, 0) / stds.length) : null,
      deadFraction: worst(finiteValues(run.map((l) => l.deadFraction))),
      saturatedFraction: worst(finiteValues(run.map((l) => l.saturatedFraction))),
      nonFiniteCount: run.reduce((sum, l) => sum + (l.nonFiniteCount ?? 0), 0),
    };
  });
}

export function activationHealthChart(health: ActivationHealth): ChartSpec {
  expectMeasurement('activationHealthChart', health, 'report.measurements.activations', 'layers');
  if (health.layers.length === 0) return emptyChart(TITLE, 'No layer activations were measured.');
  const inOrder = [...health.layers].sort((a, b) => a.layerIndex - b.layerIndex);
  const runs = inOrder.length > MAX_ACTIVATION_ROWS;
  const layers = runs ? combineLayerRuns(inOrder) : inOrder;
  const keys = layerKeys(layers);
  const common = (l: LayerActivation, i: number) => ({
    key: keys[i], layer: l.layer, layerIndex: l.layerIndex, activation: l.activation,
    mean: isFiniteNumber(l.mean) ? round(l.mean) : null,
    std: isFiniteNumber(l.std) ? round(l.std) : null,
    dead: isFiniteNumber(l.deadFraction) ? round(l.deadFraction, 4) : null,
    saturated: isFiniteNumber(l.saturatedFraction) ? round(l.saturatedFraction, 4) : null,
    rms: isFiniteNumber(l.rms) ? round(l.rms) : null,
    nonFiniteCount: l.nonFiniteCount ?? null,
    nonFiniteLabel: (l.nonFiniteCount ?? 0) > 0 ? `NaN/Inf in ${l.nonFiniteCount} outputs` : '',
  });
  const rows = layers.map(common);
  const fractions = rows.flatMap((row) =>
    (['dead', 'saturated'] as const)
      .filter((metric) => row[metric] !== null)
      .map((metric) => ({ ...row, metric: METRIC[metric].label, fraction: row[metric] })),
  );
  const scales = rows.filter((r) => r.std !== null && r.std > 0);
  const tooltip = [
    { field: 'layer', type: 'nominal', title: 'layer' },
    { field: 'activation', type: 'nominal', title: 'activation' },
    { field: 'dead', type: 'quantitative', title: 'dead units', format: FORMAT.percent },
    { field: 'saturated', type: 'quantitative', title: 'saturated outputs', format: FORMAT.percent },
    { field: 'mean', type: 'quantitative', title: 'mean', format: FORMAT.number },
    { field: 'std', type: 'quantitative', title: 'std', format: FORMAT.number },
    { field: 'rms', type: 'quantitative', title: 'rms', format: FORMAT.number },
    { field: 'nonFiniteCount', type: 'quantitative', title: 'NaN/Inf outputs', format: FORMAT.integer },
  ];
  // The explicit domain orders the rows; an explicit sort array as well would be
  // parsed recursively by vega, which overflows the stack on deep models.
  const y = { field: 'key', type: 'nominal', scale: { domain: keys }, title: null };
  const highlight = { condition: { param: 'layer_hover', empty: true, value: 1 }, value: 0.3 };
  // A fixed height (not a step): the fraction panel mixes banded rows with offset sub-bands.
  const height = keys.length * (keys.length > 30 ? 14 : 22);
  const stdScale = scaleTypeFor(scales.map((r) => r.std as number), 30);

  const fractionPanel = {
    width: SIZE.labelledHalfWidth,
    height,
    layer: [
      {
        data: { values: rows },
        params: [{ name: 'layer_hover', select: { type: 'point', fields: ['layer'], on: 'mouseover', clear: 'mouseout' } }],
        mark: { type: 'bar', color: '#f2f2f2' },
        encoding: { y: { ...y, axis: { labelLimit: SIZE.rowLabelLimit, ticks: false, domain: false } }, x: { datum: 1, type: 'quantitative' }, x2: { datum: 0 }, tooltip },
      },

      {
        data: { values: fractions },
        mark: { type: 'bar', height: { band: 0.8 } },
        encoding: {
          y,
          yOffset: { field: 'metric', type: 'nominal', scale: { domain: [METRIC.dead.label, METRIC.saturated.label] } },
          x: { field: 'fraction', type: 'quantitative', title: 'fraction of units (0-1)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          color: {
            field: 'metric', type: 'nominal', title: null,
            scale: { domain: [METRIC.dead.label, METRIC.saturated.label], range: [METRIC.dead.color, METRIC.saturated.color] },
          },
          opacity: highlight,
          tooltip,
        },
      },
      {
        // Where NaN/Inf first appears is where to look (CHECKLIST T6): said in red on the layer's track.
        data: { values: rows.filter((r) => r.nonFiniteLabel !== '') },
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 10, fontWeight: 600, color: COLORS.error },
        encoding: { y, x: { datum: 0, type: 'quantitative' }, text: { field: 'nonFiniteLabel', type: 'nominal' } },
      },
      {
        // The activation, written over the right end of each track: it says which fraction can apply.
        data: { values: rows },
        mark: { type: 'text', align: 'right', baseline: 'middle', dx: -4, fontSize: 10, color: '#444' },
        encoding: { y, x: { datum: 1, type: 'quantitative' }, text: { field: 'activation', type: 'nominal' } },
      },
    ],
  };
  const scalePanel = {
    width: SIZE.labelledHalfWidth,
    height,
    data: { values: scales },
    layer: [
      {
        mark: { type: 'line', color: COLORS.info, point: false },
        encoding: {
          y: { ...y, axis: null },
          x: { field: 'std', type: 'quantitative', title: `activation std${stdScale === 'log' ? ' (log)' : ''}`, scale: stdScale === 'log' ? { type: 'log' } : scales.length > 0 ? { zero: true } : { domain: [0, 1] } },
          order: { field: 'layerIndex', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60, color: COLORS.info },
        encoding: { y: { ...y, axis: null }, x: { field: 'std', type: 'quantitative' }, opacity: highlight, tooltip },
      },
    ],
  };
  return {
    ...frame(TITLE, [
      `${runs ? `Runs of consecutive layers (${inOrder.length} layers; each run shows its worst layer)` : 'Layers'} in model order, input at the top, with their activation. ` +
        'Dead units apply to ReLU layers, saturation to sigmoid and tanh.',
    ]),
    hconcat: [fractionPanel, scalePanel],
    resolve: { scale: { y: 'shared' } },
  };
}
