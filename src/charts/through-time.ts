/**
 * Gradient through time (CHECKLIST T13): the norm of the loss gradient that
 * reaches each recurrent layer's input at each timestep, relative to the step
 * that gets the most, on a log scale, one line per layer, with the 1e-3 guide
 * below which a step barely learns, and a shaded band over the steps that
 * predict the labels on their own (when located).
 */
import type { GradientThroughTime, TimestepGradients } from '../measurements';
import { signalGradient } from '../measurements';
import { num, percent } from '../messages/format';
import { COLORS, FORMAT, SIZE, emptyChart, frame, isFiniteNumber, powerOfTenBelow, round, expectMeasurement, type ChartSpec } from './base';
import { downsampleRows } from './downsample';

const TITLE = 'Gradient through time';
/** A step that gets less than this share of the strongest step's gradient barely learns. */
export const THROUGH_TIME_GUIDE = 1e-3;

/** The located signal's windows as bands (the first layer that located one: every layer reads the same labels). */
function signalBands(layers: readonly TimestepGradients[]): { from: number; to: number; label: string; score: number; chance: number }[] {
  const located = layers.find((l) => l.signal?.windows.some((w) => w.carries));
  const signal = located?.signal;
  const got = located && signalGradient(located);
  if (!signal || !got) return [];
  // Worded as the finding words them: the chart and the message state the same figures.
  const shown = (v: number): string => (signal.metric === 'R2' ? `R2 ${num(v)}` : percent(v));
  const carrying = signal.windows.filter((w) => w.carries);
  const best = Math.max(...carrying.map((w) => w.score));
  return carrying.map((w, k) => ({
    from: w.first - 0.5, to: w.last + 0.5, score: round(w.score), chance: round(w.nullMean),
    label: k === 0 ? `steps that predict the labels (${shown(best)} held out) get ${num(got.share)} of the gradient` : '',
  }));
}

export function throughTimeChart(m: GradientThroughTime): ChartSpec {
  expectMeasurement('throughTimeChart', m, 'report.measurements.throughTime', 'layers');
  const rows = m.layers.flatMap((l) => {
    const finite = l.norms.filter(isFiniteNumber);
    const peak = Math.max(...finite, 0);
    if (!(peak > 0)) return [];
    const points = l.norms
      .map((norm, t) => ({ step: t + 1, norm, relative: isFiniteNumber(norm) && norm > 0 ? norm / peak : null }))
      .filter((p): p is { step: number; norm: number; relative: number } => p.relative !== null);
    return downsampleRows(points, (p) => p.step, (p) => Math.log10(p.relative), SIZE.maxPointsPerSeries)
      .map((p) => ({ layer: `${l.layer} (${l.cell})`, step: p.step, norm: round(p.norm), relative: round(p.relative) }));
  });
  if (rows.length === 0) return emptyChart(TITLE, 'No gradient reached the recurrent layers (all zero or not finite).');
  const lowest = Math.min(...rows.map((r) => r.relative), THROUGH_TIME_GUIDE);
  const y = {
    field: 'relative', type: 'quantitative', title: 'gradient norm / strongest step (log)',
    scale: { type: 'log', domain: [round(powerOfTenBelow(lowest)), 1], nice: false }, axis: { format: '~e' },
  };
  const steps = Math.max(...m.layers.map((l) => l.norms.length));
  const x = { field: 'step', type: 'quantitative', title: 'timestep (1 = first read)', axis: { tickMinStep: 1 }, scale: { domain: [0.5, steps + 0.5], nice: false } };
  const gated = m.layers.some((l) => l.cell !== 'SimpleRNN');
  const bands = signalBands(m.layers);
  const band = bands.length === 0 ? [] : [{
    data: { values: bands },
    layer: [
      {
        mark: { type: 'rect', color: COLORS.ok, opacity: 0.18 },
        encoding: {
          x: { ...x, field: 'from' }, x2: { field: 'to' },
          tooltip: [
            { field: 'from', type: 'quantitative', title: 'from step', format: '.0f' },
            { field: 'to', type: 'quantitative', title: 'to step', format: '.0f' },
            { field: 'score', type: 'quantitative', title: 'held-out score of these steps alone', format: FORMAT.number },
            { field: 'chance', type: 'quantitative', title: 'with shuffled labels', format: FORMAT.number },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 4, fontSize: 10, color: COLORS.ok },
        encoding: { x: { ...x, field: 'from' }, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
      },
    ],
  }];
  return {
    ...frame(TITLE, [
      'How much of the loss gradient reaches each step of the sequence, as the model is now. Steps below the dashed line (1e-3) barely learn.' +
        (bands.length > 0 ? ' Shaded: the steps that predict the labels on their own (held-out rows).' : '') +
        (gated ? ' LSTM and GRU layers often start this steep: their gates learn to carry the gradient, so only plain RNNs are judged on it.' : ''),
    ]),
    width: SIZE.width,
    height: SIZE.height,
    layer: [
      ...band,
      {
        data: { values: rows },
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 2 },
        encoding: {
          x, y,
          color: { field: 'layer', type: 'nominal', title: 'recurrent layer', scale: { range: [COLORS.info, COLORS.validation, COLORS.ok] }, legend: { labelLimit: 320 } },
          tooltip: [
            { field: 'layer', type: 'nominal' },
            { field: 'step', type: 'quantitative', title: 'timestep' },
            { field: 'norm', type: 'quantitative', title: 'gradient norm', format: FORMAT.scientific },
            { field: 'relative', type: 'quantitative', title: 'of the strongest step', format: FORMAT.scientific },
          ],
        },
      },
      {
        data: { values: [{ guide: THROUGH_TIME_GUIDE, label: '1e-3 of the strongest step' }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [5, 3], color: COLORS.guide }, encoding: { y: { ...y, field: 'guide' } } },
          {
            mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -2, fontSize: 10, color: COLORS.guide },
            encoding: { x: { value: 0 }, y: { ...y, field: 'guide' }, text: { field: 'label', type: 'nominal' } },
          },
        ],
      },
    ],
  };
}
