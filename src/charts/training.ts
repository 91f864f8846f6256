/**
 * The live training panel of watch() (CHECKLIST T9), as one Vega-Lite spec
 * over named datasets: loss per batch and epoch with the chance line and the
 * steps where findings appeared; other metrics; per-layer gradient norms and
 * update/weight ratios over time as heatmaps. The notebook fills the datasets
 * inline; the dashboard embeds the same spec and inserts rows as they arrive.
 * Colours, sizes and the loss scale are the report's (base.ts, loss.ts).
 */
import { COLORS, FORMAT, SIZE, formatNumber, frame, type ChartSpec } from './base';
import { lossScale } from './loss';

/** The panel's datasets (rows come from src/live/panel-rows.ts). */
export type TrainingDataset = 'batches' | 'epochs' | 'layers' | 'chance' | 'marks';

export interface TrainingPanelLayout {
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
const SERIES_COLORS = [COLORS.band, COLORS.train, COLORS.validation];
/** Heatmap width when two sit side by side. */
const HALF = (SIZE.width - 60) / 2;
/** The update/weight colour scale: white at the healthy 1e-3, two decades either side. */
const RATIO_DOMAIN = [-6, 0];
const RATIO_MID = -3;

function named(name: TrainingDataset) {
  return { name };
}

function curveLayers(metricTest: string, yTitle: string, scale: object) {
  return [
    {
      data: named('batches'),
      transform: [{ filter: metricTest }, { calculate: "'train (batch)'", as: 'series' }],
      mark: { type: 'line', strokeWidth: 1.2, clip: true },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1, format: FORMAT.integer } },
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

function numbers(rows: readonly object[] | undefined, key: string): number[] {
  return (rows ?? []).map((row) => (row as Record<string, unknown>)[key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** The losses the panel draws. */
function lossValues(data: Partial<Record<TrainingDataset, object[]>>): number[] {
  const loss = (rows: object[] | undefined) => (rows ?? []).filter((row) => (row as { metric?: string }).metric === 'loss');
  return [...numbers(loss(data.batches), 'value'), ...numbers(loss(data.epochs), 'value')];
}

/**
 * The chance line when it falls where the losses are (within 25% above the
 * highest): a chance level far above a trained model's loss would squeeze the
 * curve into the bottom of the plot.
 */
function chanceInView(data: Partial<Record<TrainingDataset, object[]>> | undefined): { shown: boolean; note: string } {
  if (!data) return { shown: true, note: 'Dashed: chance level.' };
  const [chance] = numbers(data.chance, 'chance');
  if (chance === undefined) return { shown: false, note: '' };
  const losses = lossValues(data);
  const shown = losses.length === 0 || chance <= 1.25 * Math.max(...losses);
  return { shown, note: shown ? 'Dashed: chance level.' : `Chance level ${formatNumber(chance)}, above every loss shown.` };
}

/**
 * The loss axis: the report's loss scale over the values shown (never from 0:
 * a loss that falls from 0.5 to 0.2 must not be a flat line at the bottom);
 * symlog when the values are not known yet (the dashboard fills them in later).
 */
function lossAxis(data: Partial<Record<TrainingDataset, object[]>> | undefined, withChance: boolean) {
  if (!data) return { type: 'symlog', constant: 0.1, zero: false };
  return lossScale([...lossValues(data), ...(withChance ? numbers(data.chance, 'chance') : [])]);
}

function lossView(data: Partial<Record<TrainingDataset, object[]>> | undefined) {
  const has = (name: TrainingDataset) => !data || (data[name]?.length ?? 0) > 0;
  const chance = chanceInView(data);
  const layers: object[] = curveLayers("datum.metric === 'loss'", 'loss', lossAxis(data, chance.shown));
  if (has('chance') && chance.shown) {
    layers.push({
      data: named('chance'),
      mark: { type: 'rule', color: COLORS.guide, strokeDash: [6, 4] },
      encoding: { y: { field: 'chance', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal', title: 'chance' }] },
    });
  }
  if (has('marks')) {
    layers.push({
      data: named('marks'),
      mark: { type: 'rule', color: COLORS.error, strokeWidth: 1.5, strokeDash: [3, 2] },
      encoding: { x: { field: 'step', type: 'quantitative' }, tooltip: [{ field: 'label', type: 'nominal', title: 'finding' }, { field: 'step', type: 'quantitative', title: 'step' }] },
    });
  }
  return {
    width: SIZE.width,
    height: 220,
    title: { text: 'Loss', subtitle: `${chance.note}${has('marks') ? ' Red: where a finding appeared.' : ''}`.trim() || 'Training loss per batch and epoch.' },
    layer: layers,
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

/** Which heatmap layers have rows: finite values (coloured) and exact zeros (grey); both when rows come later. */
function heatmapRows(field: 'logGrad' | 'logRatio', layers: readonly object[] | undefined) {
  const raw = field === 'logGrad' ? 'gradNorm' : 'updateRatio';
  if (!layers) return { coloured: true, zeros: true };
  const values = (key: string) => layers.map((row) => (row as Record<string, unknown>)[key]);
  return { coloured: values(field).some((v) => typeof v === 'number'), zeros: values(raw).some((v) => v === 0) };
}

function heatmap(field: 'logGrad' | 'logRatio', title: string, subtitle: string, scale: object, width: number, rows: { coloured: boolean; zeros: boolean }) {
  const raw = field === 'logGrad' ? 'gradNorm' : 'updateRatio';
  const words = field === 'logGrad' ? 'gradient norm' : 'update / weight';
  const tooltip = [
    { field: 'layer', type: 'nominal', title: 'layer' },
    { field: 'step', type: 'quantitative', title: 'step', format: FORMAT.integer },
    { field: raw, type: 'quantitative', title: words, format: FORMAT.scientific },
  ];
  const x = { field: 'start', type: 'quantitative', title: 'step', axis: { tickMinStep: 1, format: FORMAT.integer } };
  const y = { field: 'layer', type: 'ordinal', title: null, sort: { field: 'order', op: 'min' } };
  return {
    width,
    height: { step: 14 },
    title: { text: title, subtitle },
    data: named('layers'),
    // Only layers with rows: vega warns about the empty extent of a layer without any.
    layer: [
      rows.coloured && {
        transform: [{ filter: `isValid(datum.${field})` }],
        mark: { type: 'rect' },
        encoding: {
          x,
          x2: { field: 'step' },
          y,
          color: { field, type: 'quantitative', title: `${words} (log10)`, scale, legend: { orient: 'right', direction: 'vertical', gradientLength: 90, titleLimit: 0 } },
          tooltip,
        },
      },
      rows.zeros && {
        // Exactly zero (dead units, a frozen layer): no logarithm, drawn grey.
        transform: [{ filter: `datum.${raw} === 0` }],
        mark: { type: 'rect', color: COLORS.neutral },
        encoding: { x, x2: { field: 'step' }, y, tooltip },
      },
    ].filter(Boolean),
  };
}

/**
 * The panel spec; `data` inlines datasets (notebook: views and layers without
 * rows are left out, so nothing is drawn from an empty extent), without it
 * every dataset is empty and filled later (dashboard).
 */
export function trainingPanelChart(layout: TrainingPanelLayout, data?: Partial<Record<TrainingDataset, object[]>>): ChartSpec {
  const hasLayers = !data || (data.layers?.length ?? 0) > 0;
  const heatmaps: object[] = [];
  const both = layout.gradientNorms && layout.updateRatios;
  const width = both ? HALF : SIZE.width;
  const gradRows = heatmapRows('logGrad', data?.layers);
  const ratioRows = heatmapRows('logRatio', data?.layers);
  if (layout.gradientNorms && hasLayers && (gradRows.coloured || gradRows.zeros)) {
    heatmaps.push(heatmap('logGrad', 'Gradient norm per layer', 'Held batch, log10 of the gradient norm: darker is smaller; grey: exactly zero.', { scheme: 'viridis' }, width, gradRows));
  }
  if (layout.updateRatios && hasLayers && (ratioRows.coloured || ratioRows.zeros)) {
    heatmaps.push(
      heatmap(
        'logRatio', 'Update / weight per layer', 'White: healthy (1e-3). Red: too large; blue: too small; grey: zero.',
        { type: 'linear', domain: RATIO_DOMAIN, domainMid: RATIO_MID, clamp: true, scheme: 'redblue', reverse: true }, width, ratioRows,
      ),
    );
  }
  const views: object[] = [lossView(data)];
  if (layout.metrics.length > 0) views.push(metricsView(layout.metrics));
  if (heatmaps.length === 1) views.push(heatmaps[0]);
  if (heatmaps.length === 2) views.push({ hconcat: heatmaps, resolve: { scale: { color: 'independent' } } });
  return {
    ...frame(layout.title, layout.subtitle),
    datasets: {
      batches: data?.batches ?? [],
      epochs: data?.epochs ?? [],
      layers: data?.layers ?? [],
      chance: data?.chance ?? [],
      marks: data?.marks ?? [],
    },
    vconcat: views,
    resolve: { scale: { color: 'independent' } },
  };
}
