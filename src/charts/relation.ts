/**
 * Label relation of an encoder-decoder output (issue 13): the best probe's
 * held-out score on the real source-target pairs (a rule) against its scores
 * on targets shuffled apart from their sources (a histogram), saying which
 * input was judged and which was left out, and why.
 */
import type { LabelRelation } from '../measurements';
import { COLORS, FORMAT, SIZE, emptyChart, frame, isFiniteNumber, round, expectMeasurement, type ChartSpec } from './base';

const TITLE = 'Targets against the source';
const BINS = 20;

export function relationChart(m: LabelRelation): ChartSpec {
  expectMeasurement('relationChart', m, 'report.measurements.relation', 'nulls');
  const nulls = m.nulls.filter(isFiniteNumber);
  if (nulls.length === 0 || !isFiniteNumber(m.score)) return emptyChart(TITLE, 'The probe gave no finite score.');
  const quoted = m.judged.map((n) => `'${n}'`).join(', ');
  const subtitle = [
    `Judged on input${m.judged.length > 1 ? 's' : ''} ${quoted} only: ${m.baseline} predicting ${m.representation}.`,
    ...m.leftOut.map((l) => `Input '${l.input}' left out: ${l.reason}.`),
    `Bars: ${m.metric} on ${nulls.length} shuffled pairings; line: the real pairs (p = ${round(m.p, 3)}, ${m.heldOut} held out).`,
  ];
  const low = Math.min(...nulls, m.score);
  const high = Math.max(...nulls, m.score);
  const pad = Math.max((high - low) * 0.05, 0.01);
  const x = { field: 'score', type: 'quantitative', title: `held-out ${m.metric}`, scale: { domain: [round(low - pad), round(high + pad)], nice: false } };
  const real = [{ score: round(m.score), label: m.linked ? 'real pairs: linked' : 'real pairs: no better than shuffled' }];
  return {
    ...frame(TITLE, subtitle),
    width: SIZE.width,
    height: 160,
    layer: [
      {
        data: { values: nulls.map((score) => ({ score: round(score) })) },
        mark: { type: 'bar', color: COLORS.neutral, opacity: 0.7 },
        encoding: {
          x: { ...x, bin: { maxbins: BINS, extent: [round(low - pad), round(high + pad)] } },
          y: { aggregate: 'count', type: 'quantitative', title: 'shuffled pairings' },
          tooltip: [{ aggregate: 'count', type: 'quantitative', title: 'shuffled pairings' }],
        },
      },
      {
        data: { values: real },
        layer: [
          { mark: { type: 'rule', strokeWidth: 3, color: m.linked ? COLORS.ok : COLORS.error }, encoding: { x, tooltip: [{ field: 'score', type: 'quantitative', title: 'real pairs', format: FORMAT.number }] } },
          {
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 2, fontSize: 11, color: m.linked ? COLORS.ok : COLORS.error },
            encoding: { x, y: { value: 0 }, text: { field: 'label', type: 'nominal' } },
          },
        ],
      },
    ],
  };
}
