/**
 * Regression predictions (CHECKLIST L4, T10): predicted vs true with the
 * identity line (perfect predictions), and the residuals (predicted - true)
 * against the true value. Brushing one panel highlights the same samples in
 * the other.
 */
import type { SampleSet } from '../measurements';
import { COLORS, FORMAT, SIZE, emptyChart, formatNumber, frame, isFiniteNumber, round, expectMeasurement, type ChartSpec } from './base';

const TITLE = 'Predicted vs true';
/** More points than this only blacken the scatter; an even subset keeps its shape. */
export const MAX_SCATTER_POINTS = 1000;

function evenSubset<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return rows.slice();
  return Array.from({ length: max }, (_, i) => rows[Math.floor((i * rows.length) / max)]);
}

export function regressionChart(set: SampleSet): ChartSpec {
  expectMeasurement('regressionChart', set, 'report.measurements.predictions', 'rows');
  const numeric = set.rows.filter((r) => isFiniteNumber(r.actualValue) && isFiniteNumber(r.predictedValue));
  if (numeric.length === 0) return emptyChart(TITLE, 'No numeric predictions were recorded.');
  const rows = evenSubset(numeric, MAX_SCATTER_POINTS).map((r) => {
    const actual = r.actualValue as number;
    const predicted = r.predictedValue as number;
    return { index: r.index, actual: round(actual), predicted: round(predicted), residual: round(predicted - actual) };
  });
  const all = rows.flatMap((r) => [r.actual, r.predicted]);
  const low = Math.min(...all);
  const high = Math.max(...all);
  const rmse = Math.sqrt(rows.reduce((sum, r) => sum + r.residual ** 2, 0) / rows.length);
  const domain = [round(low), round(high === low ? low + 1 : high)];
  const tooltip = [
    { field: 'index', type: 'quantitative', title: 'sample' },
    { field: 'actual', type: 'quantitative', title: 'true', format: FORMAT.number },
    { field: 'predicted', type: 'quantitative', title: 'predicted', format: FORMAT.number },
    { field: 'residual', type: 'quantitative', title: 'residual', format: FORMAT.number },
  ];
  const x = { field: 'actual', type: 'quantitative', title: 'true value', scale: { domain, nice: true } };
  const opacity = { condition: { param: 'brush', value: 0.75 }, value: 0.1 };
  const size = rows.length > 300 ? 14 : 30;
  return {
    ...frame(TITLE, [
      `${rows.length}${numeric.length > rows.length ? ` of ${numeric.length}` : ''} samples. On the diagonal = perfect. RMSE ${formatNumber(rmse)}. Drag to select samples in both panels.`,
    ]),
    data: { values: rows },
    hconcat: [
      {
        width: SIZE.halfWidth,
        height: SIZE.halfWidth,
        layer: [
          {
            data: { values: [{ actual: domain[0], predicted: domain[0] }, { actual: domain[1], predicted: domain[1] }] },
            mark: { type: 'line', color: COLORS.guide, strokeDash: [6, 4], strokeWidth: 1 },
            encoding: { x, y: { field: 'predicted', type: 'quantitative' } },
          },
          {
            params: [{ name: 'brush', select: { type: 'interval', encodings: ['x'] } }],
            mark: { type: 'circle', size, color: COLORS.info },
            encoding: {
              x, y: { field: 'predicted', type: 'quantitative', title: 'predicted value', scale: { domain, nice: true } },
              opacity, tooltip,
            },
          },
        ],
      },
      {
        width: SIZE.halfWidth,
        height: SIZE.halfWidth,
        layer: [
          { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: COLORS.guide, strokeDash: [6, 4] }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
          {
            mark: { type: 'circle', size, color: COLORS.warning },
            encoding: {
              x, y: { field: 'residual', type: 'quantitative', title: 'residual (predicted - true)' },
              opacity, tooltip,
            },
          },
        ],
      },
    ],
  };
}
