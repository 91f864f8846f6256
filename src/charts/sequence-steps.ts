/**
 * Sequences side by side (CHECKLIST T10, issue 13): for each shown sample,
 * three lines — input, true, predicted — with one timestep per column, so a
 * shift by one or a token always confused shows at a glance. Wrong predicted
 * tokens are red. Tokens are user text: they travel as data values only.
 */
import type { SequenceSteps } from '../measurements';
import { COLORS, FORMAT, SIZE, clip, emptyChart, frame, isFiniteNumber, round, expectMeasurement, type ChartSpec } from './base';

const TITLE = 'Sequences step by step';
const LINES = ['input', 'true', 'predicted'] as const;
const LINE_HEIGHT = 15;
const SAMPLE_GAP = 8;
const LABEL_WIDTH = 120;

export function sequenceStepsChart(m: SequenceSteps): ChartSpec {
  expectMeasurement('sequenceStepsChart', m, 'report.measurements.sequences', 'rows');
  if (m.rows.length === 0) return emptyChart(TITLE, 'No sequence was predicted.');
  const steps = Math.max(...m.rows.map((r) => r.steps.length));
  const cell = Math.max(18, Math.min(48, Math.floor((SIZE.width - LABEL_WIDTH) / Math.max(steps, 1))));
  const sampleHeight = LINES.length * LINE_HEIGHT + SAMPLE_GAP;
  const cells = m.rows.flatMap((row, k) =>
    row.steps.flatMap((s, t) => LINES.map((line, l) => ({
      sample: row.index,
      step: t + 1,
      line,
      token: clip(line === 'input' ? s.input : line === 'true' ? s.label : s.prediction, Math.max(2, Math.floor(cell / 7))),
      full: line === 'input' ? s.input : line === 'true' ? s.label : s.prediction,
      wrong: line === 'predicted' && s.wrong,
      x: LABEL_WIDTH + t * cell + cell / 2,
      y: k * sampleHeight + l * LINE_HEIGHT + LINE_HEIGHT / 2,
    }))));
  const labels = m.rows.flatMap((row, k) => LINES.map((line, l) => ({
    text: l === 0 ? `#${row.index} ${line}` : line,
    loss: isFiniteNumber(row.loss) ? round(row.loss, 4) : null,
    x: 0,
    y: k * sampleHeight + l * LINE_HEIGHT + LINE_HEIGHT / 2,
  })));
  const wrong = m.rows.reduce((sum, r) => sum + r.steps.filter((s) => s.wrong).length, 0);
  const total = m.rows.reduce((sum, r) => sum + r.steps.length, 0);
  const width = LABEL_WIDTH + steps * cell;
  return {
    ...frame(TITLE, [
      `${m.rows.length} samples (highest loss first), one timestep per column${m.totalSteps > steps ? ` (first ${steps} of ${m.totalSteps})` : ''}: ` +
        `input, true and predicted token; ${wrong} of ${total} predicted steps wrong (red).`,
    ]),
    width,
    height: m.rows.length * sampleHeight,
    layer: [
      {
        data: { values: labels },
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 10, color: '#666' },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: null, axis: null },
          y: { field: 'y', type: 'quantitative', scale: null, axis: null },
          text: { field: 'text', type: 'nominal' },
          tooltip: [{ field: 'text', type: 'nominal', title: 'row' }, { field: 'loss', type: 'quantitative', title: 'loss', format: FORMAT.number }],
        },
      },
      {
        data: { values: cells },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: null, axis: null },
          y: { field: 'y', type: 'quantitative', scale: null, axis: null },
          text: { field: 'token', type: 'nominal' },
          color: { condition: { test: 'datum.wrong', value: COLORS.error }, value: '#222' },
          tooltip: [
            { field: 'sample', type: 'quantitative' },
            { field: 'step', type: 'quantitative', title: 'timestep' },
            { field: 'line', type: 'nominal', title: 'line' },
            { field: 'full', type: 'nominal', title: 'token' },
          ],
        },
        layer: [
          { transform: [{ filter: "datum.line !== 'predicted'" }], mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: 11, font: 'monospace' } },
          { transform: [{ filter: "datum.line === 'predicted'" }], mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: 11, font: 'monospace', fontWeight: 600 } },
        ],
      },
    ],
  };
}
