/**
 * Confusion matrix (CHECKLIST L4): true class down, predicted class across,
 * the count in every cell. Colour is the share of the true class (row
 * normalized), blue on the diagonal (right) and red off it (wrong), so a
 * frequent class does not drown the errors of a rare one.
 */
import type { ConfusionMatrix } from '../measurements';
import { CONFIG, FORMAT, emptyChart, frame, round, expectMeasurement, type ChartSpec } from './base';
import { percent } from '../messages/format';

const TITLE = 'Confusion matrix';
/** Beyond this many classes, the classes with the most errors are shown. */
export const MAX_CONFUSION_CLASSES = 30;

interface Cell { actual: string; predicted: string; count: number }

function pickClasses(classes: readonly string[], cells: readonly Cell[], max: number): string[] {
  if (classes.length <= max) return classes.slice();
  const errors = new Map<string, number>();
  for (const c of cells) {
    if (c.actual === c.predicted) continue;
    errors.set(c.actual, (errors.get(c.actual) ?? 0) + c.count);
    errors.set(c.predicted, (errors.get(c.predicted) ?? 0) + c.count);
  }
  const keep = new Set([...classes].sort((a, b) => (errors.get(b) ?? 0) - (errors.get(a) ?? 0)).slice(0, max));
  return classes.filter((c) => keep.has(c));
}

export function confusionMatrixChart(matrix: ConfusionMatrix): ChartSpec {
  expectMeasurement('confusionMatrixChart', matrix, 'report.measurements.confusion', 'cells');
  const declared = matrix.classes.length > 0 ? matrix.classes : [...new Set(matrix.cells.flatMap((c) => [c.actual, c.predicted]))];
  if (declared.length === 0 || matrix.cells.length === 0) return emptyChart(TITLE, 'No predictions were counted.');
  const classes = pickClasses(declared, matrix.cells, MAX_CONFUSION_CLASSES);
  const counts = new Map<string, Map<string, number>>();
  for (const c of matrix.cells) {
    const row = counts.get(c.actual) ?? new Map<string, number>();
    row.set(c.predicted, (row.get(c.predicted) ?? 0) + c.count);
    counts.set(c.actual, row);
  }
  const rowTotal = (actual: string) => [...(counts.get(actual)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const cells = classes.flatMap((actual) => {
    const total = rowTotal(actual);
    return classes.map((predicted) => {
      const count = counts.get(actual)?.get(predicted) ?? 0;
      const share = total > 0 ? round(count / total, 4) : 0;
      return { actual, predicted, count, share, total, diagonal: actual === predicted, label: count > 0 ? String(count) : '' };
    });
  });
  const all = matrix.cells.reduce((sum, c) => sum + c.count, 0);
  const correct = matrix.cells.filter((c) => c.actual === c.predicted).reduce((sum, c) => sum + c.count, 0);
  const step = Math.max(18, Math.min(44, Math.floor(440 / classes.length)));
  const fontSize = step >= 30 ? 11 : 9;
  const axis = { labelLimit: 100, ticks: false, domain: false };
  // Tilt column labels when they would run into each other (about 6.5px per character at 11px).
  const tilt = classes.some((c) => c.length * 6.5 > step);
  const x = { field: 'predicted', type: 'nominal', sort: classes, scale: { domain: classes }, title: 'predicted class', axis: { ...axis, orient: 'top', labelAngle: tilt ? -45 : 0 } };
  const y = { field: 'actual', type: 'nominal', sort: classes, scale: { domain: classes }, title: 'true class', axis };
  const tooltip = [
    { field: 'actual', type: 'nominal', title: 'true' },
    { field: 'predicted', type: 'nominal', title: 'predicted' },
    { field: 'count', type: 'quantitative', title: 'samples', format: FORMAT.integer },
    { field: 'share', type: 'quantitative', title: 'share of the true class', format: FORMAT.percent },
  ];
  const highlight = { condition: { param: 'class_hover', empty: true, value: 1 }, value: 0.35 };
  // Errors are usually small shares: their scale tops out at the largest one so a 5% confusion still shows.
  const worstError = Math.max(0.05, ...cells.filter((c) => !c.diagonal).map((c) => c.share));
  const rect = (diagonal: boolean, scheme: string, title: string) => ({
    transform: [{ filter: diagonal ? 'datum.diagonal && datum.count > 0' : '!datum.diagonal && datum.count > 0' }],
    mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
    encoding: {
      x, y,
      color: {
        field: 'share', type: 'quantitative', title,
        scale: { scheme, domain: [0, diagonal ? 1 : round(worstError, 3)] },
        legend: { format: '.0%', gradientLength: 100 },
      },
      opacity: highlight,
      tooltip,
    },
  });
  const title = classes.length < declared.length ? `${TITLE} (the ${classes.length} classes with the most errors, of ${declared.length})` : TITLE;
  return {
    ...frame(title, [
      `${all.toLocaleString('en-US')} samples, ${percent(correct / Math.max(all, 1))} on the diagonal (accuracy). Colour: share of each true class; red cells are mistakes.`,
    ]),
    width: { step },
    height: { step },
    data: { values: cells },
    layer: [
      {
        // Every cell, empty ones included, so the grid reads as a matrix.
        params: [{ name: 'class_hover', select: { type: 'point', fields: ['actual'], on: 'mouseover', clear: 'mouseout' } }],
        mark: { type: 'rect', fill: '#f6f6f6', stroke: 'white', strokeWidth: 1 },
        encoding: { x, y, opacity: highlight, tooltip },
      },
      rect(false, 'reds', 'wrong'),
      rect(true, 'blues', 'right'),
      {
        mark: { type: 'text', fontSize, baseline: 'middle' },
        encoding: {
          x, y,
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: `datum.diagonal ? datum.share > 0.5 : datum.share > ${round(worstError * 0.6, 3)}`, value: 'white' }, value: '#222' },
          opacity: highlight,
          tooltip,
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
    config: { ...CONFIG, legend: { ...CONFIG.legend, orient: 'right', direction: 'vertical' } },
  };
}
