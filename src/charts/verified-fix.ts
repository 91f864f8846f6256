/**
 * Verified fixes: for each fix tried on a clone, the short training probe as
 * set up and with the fix, as two loss curves on one panel, under the
 * one-line verdict. Pure: measurements.verifiedFixes in, a Vega-Lite v5 spec out.
 */
import type { VerifiedFix } from '../verify/types';
import { COLORS, FORMAT, SIZE, emptyChart, frame, isFiniteNumber, round, scaleTypeFor, wrapLine, SUBTITLE_CHARS, type ChartSpec } from './base';
import { downsampleRows, groupBy } from './downsample';
import { verifyMessages } from '../messages/verify';
import { sentence } from '../messages/format';

const TITLE = verifyMessages.sectionTitle;
const OUTCOME_COLOR = { cured: COLORS.ok, improved: COLORS.info, 'no-better': COLORS.neutral, inconclusive: COLORS.neutral } as const;
const OUTCOME_WORD = { cured: 'cured', improved: 'better', 'no-better': 'no better', inconclusive: 'not judged' } as const;

function panel(fix: VerifiedFix, index: number): object {
  const rows = [...groupBy(fix.points, (p) => p.series)].flatMap(([, points]) =>
    downsampleRows([...points].sort((a, b) => a.step - b.step), (p) => p.step, (p) => p.loss, SIZE.maxPointsPerSeries));
  const data = rows.filter((p) => isFiniteNumber(p.loss)).map((p) => ({ series: p.series, step: p.step, loss: round(p.loss as number) }));
  const scale = scaleTypeFor(data.map((d) => d.loss)) === 'log' && data.every((d) => d.loss > 0) ? { type: 'log' } : { type: 'linear', zero: false, nice: true };
  const series = [...new Set(fix.points.map((p) => p.series))];
  const note = fix.lossChanged ? ' (the fix changes the loss: compare shapes, not values)' : '';
  return {
    title: {
      text: `${sentence(fix.change)}: ${OUTCOME_WORD[fix.outcome]}`,
      subtitle: wrapLine(fix.summary + note, SUBTITLE_CHARS),
      color: OUTCOME_COLOR[fix.outcome],
    },
    width: SIZE.width,
    height: Math.round(SIZE.height * 0.7),
    data: { values: data },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2, point: data.length < 12 },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1, format: FORMAT.integer } },
          y: { field: 'loss', type: 'quantitative', title: 'training loss', scale },
          color: {
            field: 'series', type: 'nominal', legend: null,
            scale: { domain: series, range: [COLORS.error, OUTCOME_COLOR[fix.outcome]] },
          },
          strokeDash: { field: 'series', type: 'nominal', scale: { domain: series, range: [[4, 3], [1, 0]] }, legend: null },
        },
      },
      // Each curve named at its last point (a legend would sit far below the stacked panels).
      {
        transform: [{ joinaggregate: [{ op: 'max', field: 'step', as: 'last' }], groupby: ['series'] }, { filter: 'datum.step === datum.last' }],
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, fontWeight: 600 },
        encoding: {
          x: { field: 'step', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
          text: { field: 'series', type: 'nominal' },
          color: { field: 'series', type: 'nominal', legend: null },
        },
      },
      {
        params: [{ name: `hover_${index}`, select: { type: 'point', on: 'mouseover', nearest: true, clear: 'mouseout' } }],
        mark: { type: 'point', filled: true, size: 40 },
        encoding: {
          x: { field: 'step', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
          color: { field: 'series', type: 'nominal', legend: null },
          opacity: { condition: { param: `hover_${index}`, empty: false, value: 1 }, value: 0 },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'run' },
            { field: 'step', type: 'quantitative', title: 'step', format: FORMAT.integer },
            { field: 'loss', type: 'quantitative', title: 'loss', format: FORMAT.number },
          ],
        },
      },
    ],
  };
}

/** One panel per fix tried, stacked; an explicit empty chart when none was tried. */
export function verifiedFixChart(fixes: readonly VerifiedFix[]): ChartSpec {
  if (!Array.isArray(fixes)) throw new Error('verifiedFixChart: expected an array (report.measurements.verifiedFixes).');
  if (fixes.length === 0) return emptyChart(TITLE, verifyMessages.noneTried);
  return {
    ...frame(TITLE, [verifyMessages.sectionIntro]),
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
    vconcat: fixes.map(panel),
  };
}
