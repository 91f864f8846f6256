/**
 * The live training panel as one Vega-Lite spec over named datasets
 * (panel-rows.ts): loss per batch and epoch with the chance line and the
 * steps where findings appeared; other metrics; per-layer gradient norms and
 * update/weight ratios over time as heatmaps. The notebook fills the datasets
 * inline; the dashboard embeds the same spec and inserts rows as they arrive.
 */
import { COLORS, FORMAT, SIZE, frame, type ChartSpec } from '../charts/base';
import type { DatasetName } from './panel-rows';

export interface PanelLayout {
  title: string;
  subtitle: string[];
  /** Metrics other than the loss, by base name ('acc'). */
  metrics: string[];
  /** Draw the gradient-norm heatmap (a held batch was given). */
  gradientNorms: boolean;
  /** Draw the update/weight heatmap (per-layer statistics are on). */
  updateRatios: boolean;
}

const SERIES = ['train (batch)', 'train (epoch)', 'validation (epoch)'];
const SERIES_COLORS = ['#9ecae1', COLORS.train, COLORS.validation];
/** Heatmap width when two sit side by side. */
const HALF = (SIZE.width - 60) / 2;

function named(name: DatasetName) {
  return { name };
}

function curveLayers(metricTest: string, yTitle: string, scale: object) {
  return [
    {
      data: named('batches'),
      transform: [{ filter: metricTest }, { calculate: "'train (batch)'", as: 'series' }],
      mark: { type: 'line', strokeWidth: 1.2, clip: true },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step' },
        y: { field: 'value', type: 'quantitative', title: yTitle, scale },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: SERIES, range: SERIES_COLORS } },
        detail: { field: 'metric', type: 'nominal' },
        tooltip: [
          { field: 'metric', type: 'nominal', title: 'metric' },
          { field: 'step', type: 'quantitative', title: 'step', format: FORMAT.integer },
          { field: 'value', type: 'quantitative', title: 'value', format: FORMAT.number },
        ],
      },
    },
    {
      data: named('epochs'),
      transform: [{ filter: metricTest }, { calculate: "datum.split + ' (epoch)'", as: 'series' }],
      mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2, clip: true },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative' },
        color: { field: 'series', type: 'nominal' },
        detail: { field: 'metric', type: 'nominal' },
        tooltip: [
          { field: 'series', type: 'nominal', title: 'series' },
          { field: 'metric', type: 'nominal', title: 'metric' },
          { field: 'epoch', type: 'quantitative', title: 'epoch (0-based)' },
          { field: 'value', type: 'quantitative', title: 'value', format: FORMAT.number },
        ],
      },
    },
  ];
}

function lossView() {
  return {
    width: SIZE.width,
    height: 220,
    title: { text: 'Loss', subtitle: 'dashed: chance level; red: where a finding appeared' },
    layer: [
      ...curveLayers("datum.metric === 'loss'", 'loss', { type: 'symlog', constant: 0.1 }),
      {
        data: named('chance'),
        mark: { type: 'rule', color: COLORS.guide, strokeDash: [6, 4] },
        encoding: { y: { field: 'chance', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal', title: 'chance' }] },
      },
      {
        data: named('marks'),
        mark: { type: 'rule', color: COLORS.error, strokeWidth: 1.5, strokeDash: [3, 2] },
        encoding: { x: { field: 'step', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal', title: 'finding' }, { field: 'step', type: 'quantitative', title: 'step' }] },
      },
    ],
  };
}

function metricsView(metrics: string[]) {
  return {
    width: SIZE.width,
    height: 140,
    title: { text: `Metrics: ${metrics.join(', ')}` },
    layer: curveLayers("datum.metric !== 'loss'", metrics.join(', '), { zero: false }),
  };
}

function heatmap(field: 'logGrad' | 'logRatio', title: string, subtitle: string, scale: object, width: number) {
  const raw = field === 'logGrad' ? 'gradNorm' : 'updateRatio';
  const tooltip = [
    { field: 'layer', type: 'nominal', title: 'layer' },
    { field: 'step', type: 'quantitative', title: 'step', format: FORMAT.integer },
    { field: raw, type: 'quantitative', title: raw, format: FORMAT.scientific },
  ];
  const x = { field: 'start', type: 'quantitative', title: 'step' };
  const y = { field: 'layer', type: 'ordinal', title: null, sort: { field: 'order', op: 'min' } };
  return {
    width,
    height: { step: 14 },
    title: { text: title, subtitle },
    data: named('layers'),
    layer: [
      {
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'rect' },
        encoding: {
          x,
          x2: { field: 'step' },
          y,
          color: { field, type: 'quantitative', title: `log10 ${raw}`, scale, legend: { orient: 'right', direction: 'vertical', gradientLength: 90 } },
          tooltip,
        },
      },
      {
        // Exactly zero (dead units, a frozen layer): no logarithm, drawn grey.
        transform: [{ filter: `datum.${raw} === 0` }],
        mark: { type: 'rect', color: COLORS.neutral },
        encoding: { x, x2: { field: 'step' }, y, tooltip },
      },
    ],
  };
}

/** The panel spec; `data` inlines datasets (notebook), empty datasets are filled later (dashboard). */
export function panelSpec(layout: PanelLayout, data: Partial<Record<DatasetName, object[]>> = {}): ChartSpec {
  const heatmaps: object[] = [];
  const both = layout.gradientNorms && layout.updateRatios;
  const width = both ? HALF : SIZE.width;
  if (layout.gradientNorms) {
    heatmaps.push(heatmap('logGrad', 'Gradient norm per layer', 'held batch; dark = vanishing, grey = zero', { scheme: 'viridis' }, width));
  }
  if (layout.updateRatios) {
    heatmaps.push(heatmap('logRatio', 'Update / weight per layer', 'healthy near 1e-3 (white), grey = zero', { scheme: 'redblue', reverse: true, domainMid: -3 }, width));
  }
  const views: object[] = [lossView()];
  if (layout.metrics.length > 0) views.push(metricsView(layout.metrics));
  if (heatmaps.length === 1) views.push(heatmaps[0]);
  if (heatmaps.length === 2) views.push({ hconcat: heatmaps, resolve: { scale: { color: 'independent' } } });
  return {
    ...frame(layout.title, layout.subtitle),
    datasets: {
      batches: data.batches ?? [],
      epochs: data.epochs ?? [],
      layers: data.layers ?? [],
      chance: data.chance ?? [],
      marks: data.marks ?? [],
    },
    vconcat: views,
    resolve: { scale: { color: 'independent' } },
  };
}
