/**
 * Learning-rate range test (CHECKLIST T5): loss and smoothed loss while the
 * learning rate grows exponentially, on a log x axis, with the configured
 * learning rate, the suggested band, the steepest descent and where the loss
 * diverges. Hover shows the values at the nearest learning rate.
 */
import type { LrRangeTest } from '../measurements';
import { COLORS, FORMAT, SIZE, emptyChart, formatNumber, frame, isFiniteNumber, round, expectMeasurement, type ChartSpec } from './base';
import { downsampleRows } from './downsample';

const TITLE = 'Learning-rate range test';

interface Marker { lr: number; label: string; kind: 'configured' | 'divergence' | 'minimum' }

export function lrRangeChart(test: LrRangeTest): ChartSpec {
  expectMeasurement('lrRangeChart', test, 'report.measurements.lrRange', 'points');
  const sorted = test.points.filter((p) => isFiniteNumber(p.lr) && p.lr > 0).sort((a, b) => a.lr - b.lr);
  const finite = sorted.filter((p) => isFiniteNumber(p.loss));
  if (finite.length === 0) return emptyChart(TITLE, 'The range test recorded no finite loss.');
  const kept = downsampleRows(finite, (p) => Math.log10(p.lr), (p) => p.smoothed ?? p.loss, SIZE.maxPointsPerSeries);
  const rows = kept.map((p) => ({
    lr: round(p.lr), loss: round(p.loss as number), smoothed: isFiniteNumber(p.smoothed) ? round(p.smoothed) : null,
  }));

  // Past divergence the loss explodes; cap the y axis so the useful part keeps its height.
  const first = finite[0].smoothed ?? (finite[0].loss as number);
  const highest = Math.max(...rows.map((r) => r.loss));
  const lowest = Math.min(...rows.map((r) => r.loss), ...rows.map((r) => r.smoothed ?? Infinity));
  const yMax = round(Math.min(highest, Math.max(2 * first, ...rows.map((r) => r.smoothed ?? 0))) * 1.05, 3);
  const yMin = round(Math.max(0, lowest - 0.05 * (yMax - lowest)), 3);
  const y = { type: 'quantitative', title: 'loss', scale: { domain: [yMin, yMax], nice: false } };
  const lrs = sorted.map((p) => p.lr);
  // Ticks and grid on whole decades only: minor log ticks crowd a 560px axis.
  const decades = Array.from(
    { length: Math.floor(Math.log10(lrs[lrs.length - 1])) - Math.ceil(Math.log10(lrs[0])) + 1 },
    (_, i) => 10 ** (Math.ceil(Math.log10(lrs[0])) + i),
  ).map((v) => round(v));
  const x = {
    field: 'lr', type: 'quantitative', title: 'learning rate (log)',
    scale: { type: 'log', domain: [round(lrs[0]), round(lrs[lrs.length - 1])], nice: false },
    axis: { format: '~e', values: decades },
  };
  const tooltip = [
    { field: 'lr', type: 'quantitative', title: 'learning rate', format: FORMAT.scientific },
    { field: 'loss', type: 'quantitative', title: 'loss', format: FORMAT.number },
    { field: 'smoothed', type: 'quantitative', title: 'smoothed loss', format: FORMAT.number },
  ];

  const markers: Marker[] = [];
  if (isFiniteNumber(test.configuredLr)) markers.push({ lr: test.configuredLr, label: `your learning rate ${formatNumber(test.configuredLr)}`, kind: 'configured' });
  if (isFiniteNumber(test.divergenceLr)) markers.push({ lr: test.divergenceLr, label: `diverges at ${formatNumber(test.divergenceLr)}`, kind: 'divergence' });
  if (isFiniteNumber(test.minLossLr)) markers.push({ lr: test.minLossLr, label: `lowest loss at ${formatNumber(test.minLossLr)}`, kind: 'minimum' });

  const layers: object[] = [];
  const band = test.suggested && test.suggested.every(isFiniteNumber) ? test.suggested : null;
  if (band) {
    const [from, to] = band;
    layers.push({
      data: { values: [{ from: round(from), to: round(to), label: `suggested ${formatNumber(from)}–${formatNumber(to)}` }] },
      layer: [
        {
          mark: { type: 'rect', color: COLORS.ok, opacity: 0.15 },
          encoding: {
            x: { ...x, field: 'from' }, x2: { field: 'to' },
            tooltip: [
              { field: 'from', type: 'quantitative', title: 'suggested from', format: FORMAT.scientific },
              { field: 'to', type: 'quantitative', title: 'suggested to', format: FORMAT.scientific },
            ],
          },
        },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -4, fontSize: 10, color: COLORS.ok },
          encoding: { x: { ...x, field: 'from' }, y: { value: SIZE.height }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  }
  layers.push(
    {
      data: { values: rows },
      layer: [
        { mark: { type: 'line', color: '#b8c7d9', strokeWidth: 1, clip: true }, encoding: { x, y: { ...y, field: 'loss' } } },
        { mark: { type: 'line', color: COLORS.info, strokeWidth: 2.5, clip: true }, encoding: { x, y: { ...y, field: 'smoothed' } } },
        {
          params: [{ name: 'lr_hover', select: { type: 'point', encodings: ['x'], on: 'mouseover', nearest: true, clear: 'mouseout' } }],
          mark: { type: 'point', color: COLORS.info, filled: true, size: 50, clip: true },
          encoding: { x, y: { ...y, field: 'smoothed' }, opacity: { condition: { param: 'lr_hover', empty: false, value: 1 }, value: 0 }, tooltip },
        },
        {
          transform: [{ filter: { param: 'lr_hover', empty: false } }],
          mark: { type: 'rule', color: '#999' },
          encoding: { x },
        },
      ],
    },
  );
  markers.forEach((m, i) => {
    const color = m.kind === 'configured' ? '#222' : m.kind === 'minimum' ? COLORS.info : COLORS.error;
    layers.push({
      data: { values: [{ lr: round(m.lr), label: m.label }] },
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 1.5, color, strokeDash: m.kind === 'configured' ? [1, 0] : [5, 3] },
          encoding: { x, tooltip: [{ field: 'label', type: 'nominal', title: 'marker' }] },
        },
        {
          // Stacked one under the other so two nearby markers never print over each other.
          mark: { type: 'text', align: 'right', baseline: 'top', dx: -3, fontSize: 10, color },
          encoding: { x, y: { value: 4 + 14 * i }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  });
  if (isFiniteNumber(test.steepestLr)) {
    const steepest = test.steepestLr;
    const nearest = rows.reduce((best, r) => (Math.abs(Math.log(r.lr / steepest)) < Math.abs(Math.log(best.lr / steepest)) ? r : best), rows[0]);
    layers.push({
      data: { values: [{ lr: round(steepest), smoothed: nearest.smoothed ?? nearest.loss, label: `steepest descent ${formatNumber(steepest)}` }] },
      layer: [
        { mark: { type: 'point', shape: 'triangle-down', filled: true, size: 110, color: COLORS.ok }, encoding: { x, y: { ...y, field: 'smoothed' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 6, dy: 4, fontSize: 10, color: COLORS.ok },
          encoding: { x, y: { ...y, field: 'smoothed' }, text: { field: 'label', type: 'nominal' } },
        },
      ],
    });
  }
  // The subtitle says what is drawn: a band only when the measurements suggest one.
  const advice = band
    ? `Pick a rate in the green band (${formatNumber(band[0])} to ${formatNumber(band[1])}), below where the loss turns up.`
    : 'No band is suggested: the smoothed loss never fell steadily during this sweep.';
  return {
    ...frame(TITLE, [`Loss while the learning rate grows each step (thin: raw, thick: smoothed). ${advice}`]),
    width: SIZE.width,
    height: SIZE.height,
    layer: layers,
  };
}
