/**
 * Batch normalization, moving vs batch statistics (CHECKLIST T7, T8), in the
 * activation-health family: one point per channel of each batch-norm layer,
 * the batch statistic (what training mode normalizes with) across, the moving
 * statistic (what inference uses) up, mean and variance side by side. Points
 * on the diagonal agree; far from it, inference normalizes with numbers that
 * do not describe the data.
 */
import type { BatchNormMeasurement } from '../measurements';
import { COLORS, SIZE, emptyChart, expectMeasurement, frame, isFiniteNumber, round, type ChartSpec } from './base';

const TITLE = 'Batch normalization: moving vs batch statistics';
/** Channels drawn per layer at most: enough to see the cloud, light enough for a notebook. */
export const MAX_BATCHNORM_CHANNELS = 64;

interface Point { layer: string; channel: number; batch: number; moving: number; meanShift: number; varianceRatio: number }

function diagonal(points: readonly Point[], positive: boolean): { v: number }[] {
  const values = points.flatMap((p) => [p.batch, p.moving]).filter((v) => !positive || v > 0);
  if (values.length === 0) return [];
  return [{ v: Math.min(...values) }, { v: Math.max(...values) }];
}

function panel(points: readonly Point[], stat: 'mean' | 'variance', layers: string[]): object {
  const log = stat === 'variance';
  const scale = log ? { type: 'log' } : { zero: false };
  const tooltip = [
    { field: 'layer', type: 'nominal', title: 'layer' },
    { field: 'channel', type: 'quantitative', title: 'channel' },
    { field: 'batch', type: 'quantitative', title: `batch ${stat}`, format: '.3~g' },
    { field: 'moving', type: 'quantitative', title: `moving ${stat}`, format: '.3~g' },
    { field: 'meanShift', type: 'quantitative', title: 'layer mean shift (batch stds)', format: '.3~g' },
    { field: 'varianceRatio', type: 'quantitative', title: 'layer variance ratio', format: '.3~g' },
  ];
  return {
    width: SIZE.halfWidth,
    height: SIZE.halfWidth,
    layer: [
      {
        data: { values: diagonal(points, log) },
        mark: { type: 'line', color: COLORS.guide, strokeDash: [4, 4] },
        encoding: { x: { field: 'v', type: 'quantitative', scale }, y: { field: 'v', type: 'quantitative', scale } },
      },
      {
        data: { values: points.filter((p) => !log || (p.batch > 0 && p.moving > 0)) },
        mark: { type: 'point', filled: true, size: 36, opacity: 0.8 },
        encoding: {
          x: { field: 'batch', type: 'quantitative', title: `batch ${stat}${log ? ' (log)' : ''}`, scale },
          y: { field: 'moving', type: 'quantitative', title: `moving ${stat}${log ? ' (log)' : ''}`, scale },
          color: { field: 'layer', type: 'nominal', title: 'layer', scale: { domain: layers } },
          tooltip,
        },
      },
    ],
  };
}

export function batchNormChart(stats: BatchNormMeasurement): ChartSpec {
  expectMeasurement('batchNormChart', stats, 'report.measurements.batchNorm', 'layers');
  if (stats.layers.length === 0) return emptyChart(TITLE, 'No batch-normalization layer was measured.');
  const layers = stats.layers.map((l) => l.layer);
  const points = (stat: 'mean' | 'variance'): Point[] => stats.layers.flatMap((l) => l.channels.slice(0, MAX_BATCHNORM_CHANNELS).flatMap((c) => {
    const batch = stat === 'mean' ? c.batchMean : c.batchVariance;
    const moving = stat === 'mean' ? c.movingMean : c.movingVariance;
    if (!isFiniteNumber(batch) || !isFiniteNumber(moving)) return [];
    return [{ layer: l.layer, channel: c.channel, batch: round(batch), moving: round(moving), meanShift: round(l.meanShift, 4), varianceRatio: round(l.varianceRatio, 4) }];
  }));
  const noisiest = stats.layers.filter((l) => isFiniteNumber(l.meanNoise)).sort((a, b) => (b.meanNoise ?? 0) - (a.meanNoise ?? 0))[0];
  const noise = noisiest ? ` At batch size ${stats.batchSize} the batch mean of ${noisiest.layer} moves by ${round(noisiest.meanNoise ?? 0, 3)} std from batch to batch.` : '';
  return {
    ...frame(TITLE, [
      'One point per channel: the statistic of this data (what training mode normalizes with) across, the moving one (what inference uses) up. ' +
        `On the dashed diagonal they agree.${noise}`,
    ]),
    hconcat: [panel(points('mean'), 'mean', layers), panel(points('variance'), 'variance', layers)],
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}
