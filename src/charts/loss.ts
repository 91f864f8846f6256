/**
 * Loss vs chance level (CHECKLIST L1): training curves per series against the
 * loss of the best constant predictor, its tolerance band and the initial loss.
 * Without curves, the initial loss of each probe batch against the same band.
 */
import type { CurvePoint, LossCurves, LossMeasurement } from '../measurements';
import {
  COLORS, FORMAT, SIZE, emptyChart, formatNumber, frame, isFiniteNumber, round, scaleTypeFor, expectMeasurement,
  type ChartSpec,
} from './base';
import { downsampleRows, groupBy } from './downsample';

export interface LossChartInput {
  loss?: LossMeasurement;
  curves?: LossCurves;
}

const TITLE = 'Loss vs chance level';
const CURVES = 'curves';

export function lossChart(input: LossChartInput): ChartSpec {
  expectMeasurement('lossChart', input, '{ loss: report.measurements.loss, curves: report.measurements.curves }');
  const { loss, curves } = input;
  const hasCurves = (curves?.points ?? []).some((p) => isFiniteNumber(p.loss) || p.loss === null);
  if (curves && hasCurves) return curvesChart(curves, loss);
  if (loss) return initialLossChart(loss);
  return emptyChart(TITLE, 'No loss was measured.');
}

interface Chance {
  value: number;
  band: [number, number] | null;
  reason: string | null;
}

function chanceOf(loss: LossMeasurement | undefined, curves: LossCurves | undefined): Chance | null {
  if (loss && isFiniteNumber(loss.chanceLoss)) {
    const [low, high] = loss.chanceBand;
    const band: [number, number] | null = isFiniteNumber(low) && isFiniteNumber(high) ? [low, high] : null;
    return { value: loss.chanceLoss, band, reason: loss.chanceReason };
  }
  if (curves && isFiniteNumber(curves.chanceLoss)) return { value: curves.chanceLoss, band: null, reason: null };
  return null;
}

/** Y scale for losses: log when they span orders of magnitude (symlog if some are exactly 0). */
export function lossScale(values: number[]) {
  const type = scaleTypeFor(values);
  if (type === 'linear') return { type: 'linear' as const, zero: false, nice: true };
  const positive = values.filter((v) => v > 0);
  if (values.some((v) => v <= 0)) return { type: 'symlog' as const, constant: round(Math.min(...positive), 3) };
  return { type: 'log' as const };
}

function chanceLayers(chance: Chance | null, yTitle: string) {
  if (!chance) return [];
  const label = `chance ${formatNumber(chance.value)}`;
  const layers: object[] = [];
  if (chance.band) {
    layers.push({
      data: { values: [{ low: round(chance.band[0]), high: round(chance.band[1]) }] },
      mark: { type: 'rect', color: COLORS.band, opacity: 0.3, tooltip: false },
      encoding: {
        y: { field: 'low', type: 'quantitative', title: yTitle },
        y2: { field: 'high' },
      },
    });
  }
  layers.push({
    data: { values: [{ chance: round(chance.value), label, reason: chance.reason ?? '' }] },
    layer: [
      {
        mark: { type: 'rule', color: COLORS.guide, strokeDash: [6, 4] },
        encoding: {
          y: { field: 'chance', type: 'quantitative', title: yTitle },
          tooltip: [
            { field: 'chance', type: 'quantitative', title: 'chance loss', format: FORMAT.number },
            { field: 'reason', type: 'nominal', title: 'why' },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, color: COLORS.guide, fontSize: 10 },
        encoding: {
          x: { value: SIZE.width },
          y: { field: 'chance', type: 'quantitative' },
          text: { field: 'label', type: 'nominal' },
        },
      },
    ],
  });
  return layers;
}

/**
 * Short lines (chance, band, initial loss), each well within a subtitle line.
 * `marker`: the red diamond at step 0 (and the red bar of its probe batches)
 * drawn beside curves that start on other samples, so it is explained.
 */
function subtitleFor(chance: Chance | null, loss: LossMeasurement | undefined, marker?: { initial: number; batches: number }): string[] {
  const lines: string[] = [];
  if (chance) lines.push(`Chance level ${formatNumber(chance.value)}${chance.reason ? `: ${chance.reason}` : ''}.`);
  if (chance?.band) lines.push(`Shaded: an unremarkable initial loss (${formatNumber(chance.band[0])} to ${formatNumber(chance.band[1])}).`);
  const name = loss ? `${loss.lossName} ` : '';
  if (marker) {
    const over = marker.batches > 1 ? `, the mean of ${marker.batches} probe batches (red bar: lowest to highest)` : ' on the probe batches';
    lines.push(`Red diamond at step 0: initial ${name}loss ${formatNumber(marker.initial)}${over}. Each curve starts on its own samples.`);
  } else if (loss && isFiniteNumber(loss.initialLoss)) {
    lines.push(`Initial ${name}loss: ${formatNumber(loss.initialLoss)}.`);
  }
  return lines;
}

function curvesChart(curves: LossCurves, loss: LossMeasurement | undefined): ChartSpec {
  const chance = chanceOf(loss, curves);
  const yTitle = loss ? `loss (${loss.lossName})` : 'loss';
  const series = groupBy(curves.points, (p) => p.series);
  const points: CurvePoint[] = [];
  const missing: { series: string; step: number }[] = [];
  for (const [name, rows] of series) {
    const sorted = [...rows].sort((a, b) => a.step - b.step);
    for (const row of downsampleRows(sorted, (p) => p.step, (p) => p.loss, SIZE.maxPointsPerSeries)) {
      if (isFiniteNumber(row.loss)) points.push(row);
    }
    const firstMissing = sorted.find((p) => !isFiniteNumber(p.loss));
    if (firstMissing) missing.push({ series: name, step: firstMissing.step });
  }
  const initial = [loss?.initialLoss, curves.initialLoss].find(isFiniteNumber) ?? null;
  const perBatch = (loss?.initialLossPerBatch ?? []).filter(isFiniteNumber);

  const values = [
    ...points.map((p) => p.loss as number),
    ...(chance ? [chance.value, ...(chance.band ?? [])] : []),
    ...(initial === null ? [] : [initial]),
    ...perBatch,
  ];
  const scale = lossScale(values);
  const hasMetric = points.some((p) => isFiniteNumber(p.metric));
  const data = points.map((p) => ({
    series: p.series,
    step: p.step,
    loss: round(p.loss as number),
    ...(hasMetric ? { metric: isFiniteNumber(p.metric) ? round(p.metric) : null } : {}),
  }));
  const tooltip = [
    { field: 'series', type: 'nominal', title: 'series' },
    { field: 'step', type: 'quantitative', title: 'step', format: FORMAT.integer },
    { field: 'loss', type: 'quantitative', title: 'loss', format: FORMAT.number },
    ...(hasMetric ? [{ field: 'metric', type: 'quantitative', title: curves.metricName ?? 'metric', format: FORMAT.number }] : []),
  ];

  const layers: object[] = [
    ...chanceLayers(chance, yTitle),
    {
      data: { name: CURVES },
      // Several series: click a legend entry to bring one forward.
      ...(series.size > 1 ? { params: [{ name: 'series_pick', select: { type: 'point', fields: ['series'] }, bind: 'legend' }] } : {}),
      // A line through one point draws nothing: show points when a series has only one.
      mark: { type: 'line', strokeWidth: 2, interpolate: 'linear', ...([...series.keys()].some((name) => data.filter((d) => d.series === name).length === 1) ? { point: true } : {}) },
      encoding: {
        // Steps are whole numbers; a probe that succeeds at once has all its points at step 0,
        // where an automatic domain would label the axis 0.000000.
        x: {
          field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1, format: FORMAT.integer },
          ...(Math.max(0, ...data.map((d) => d.step)) < 1 ? { scale: { domain: [0, 1] } } : {}),
        },
        y: { field: 'loss', type: 'quantitative', title: yTitle, scale },
        color: { field: 'series', type: 'nominal', title: 'series', legend: series.size > 1 ? { labelLimit: 0 } : null },
        ...(series.size > 1 ? { opacity: { condition: { param: 'series_pick', value: 1 }, value: 0.15 } } : {}),
      },
    },
    {
      data: { name: CURVES },
      params: [{ name: 'hover', select: { type: 'point', on: 'mouseover', nearest: true, clear: 'mouseout' } }],
      mark: { type: 'point', filled: true, size: 40 },
      encoding: {
        x: { field: 'step', type: 'quantitative' },
        y: { field: 'loss', type: 'quantitative' },
        color: { field: 'series', type: 'nominal' },
        opacity: { condition: { param: 'hover', empty: false, value: 1 }, value: 0 },
        tooltip,
      },
    },
  ];
  if (initial !== null) {
    const spread = perBatch.length > 1 ? { min: round(Math.min(...perBatch)), max: round(Math.max(...perBatch)) } : null;
    layers.push({
      data: { values: [{ step: 0, initial: round(initial), ...(spread ?? {}) }] },
      layer: [
        ...(spread
          ? [{ mark: { type: 'rule', color: COLORS.error, strokeWidth: 2 }, encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } }]
          : []),
        {
          mark: { type: 'point', shape: 'diamond', filled: true, size: 110, color: COLORS.error },
          encoding: {
            x: { field: 'step', type: 'quantitative' },
            y: { field: 'initial', type: 'quantitative' },
            tooltip: [
              { field: 'initial', type: 'quantitative', title: 'initial loss (mean)', format: FORMAT.number },
              ...(spread
                ? [
                    { field: 'min', type: 'quantitative', title: 'lowest probe batch', format: FORMAT.number },
                    { field: 'max', type: 'quantitative', title: 'highest probe batch', format: FORMAT.number },
                  ]
                : []),
            ],
          },
        },
      ],
    });
  }
  if (missing.length > 0) {
    layers.push({
      data: { values: missing.map((m) => ({ ...m, label: 'loss not finite from here' })) },
      layer: [
        {
          mark: { type: 'rule', color: COLORS.error, strokeDash: [2, 2] },
          encoding: {
            x: { field: 'step', type: 'quantitative' },
            tooltip: [
              { field: 'series', type: 'nominal', title: 'series' },
              { field: 'step', type: 'quantitative', title: 'first non-finite loss at step', format: FORMAT.integer },
            ],
          },
        },
        {
          mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -4, color: COLORS.error, fontSize: 10 },
          encoding: { x: { field: 'step', type: 'quantitative' }, y: { value: SIZE.height }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  }
  return {
    ...frame(TITLE, subtitleFor(chance, loss, initial === null ? undefined : { initial, batches: perBatch.length })),
    // The curves feed the line and its hover points: one copy in the spec.
    datasets: { [CURVES]: data },
    width: SIZE.width,
    height: SIZE.height,
    layer: layers,
    resolve: { scale: { y: 'shared' } },
  };
}

function initialLossChart(loss: LossMeasurement): ChartSpec {
  const chance = chanceOf(loss, undefined);
  const yTitle = `loss (${loss.lossName})`;
  const batches = loss.initialLossPerBatch
    .map((value, batch) => ({ batch: batch + 1, loss: value }))
    .filter((row) => isFiniteNumber(row.loss))
    .map((row) => ({ ...row, loss: round(row.loss) }));
  if (batches.length === 0 && !isFiniteNumber(loss.initialLoss)) return emptyChart(TITLE, 'The initial loss could not be measured (non-finite).');
  const values = [...batches.map((b) => b.loss), ...(chance ? [chance.value, ...(chance.band ?? [])] : [])];
  if (isFiniteNumber(loss.initialLoss)) values.push(loss.initialLoss);
  const layers: object[] = [
    ...chanceLayers(chance, yTitle),
    {
      data: { values: batches },
      params: [{ name: 'batch_hover', select: { type: 'point', on: 'mouseover', clear: 'mouseout' } }],
      mark: { type: 'point', filled: true, size: 70, color: COLORS.info },
      encoding: {
        x: { field: 'batch', type: 'quantitative', title: 'probe batch', axis: { tickMinStep: 1, format: 'd' }, scale: { domain: [0.5, batches.length + 0.5], nice: false } },
        y: { field: 'loss', type: 'quantitative', title: yTitle, scale: lossScale(values) },
        size: { condition: { param: 'batch_hover', empty: false, value: 160 }, value: 70 },
        tooltip: [
          { field: 'batch', type: 'quantitative', title: 'probe batch' },
          { field: 'loss', type: 'quantitative', title: 'initial loss', format: FORMAT.number },
        ],
      },
    },
  ];
  if (isFiniteNumber(loss.initialLoss)) {
    layers.push({
      data: { values: [{ initial: round(loss.initialLoss), label: `mean initial ${formatNumber(loss.initialLoss)}` }] },
      layer: [
        { mark: { type: 'rule', color: COLORS.error, strokeWidth: 2 }, encoding: { y: { field: 'initial', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', dy: -3, color: COLORS.error, fontSize: 10 },
          encoding: { x: { value: 2 }, y: { field: 'initial', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  }
  return {
    ...frame(TITLE, subtitleFor(chance, loss)),
    width: SIZE.width,
    height: 200,
    layer: layers,
  };
}
