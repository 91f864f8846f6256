/**
 * Per-label confusion summary of a multilabel output (CHECKLIST L4): for each
 * label, the rows where it is on split into found (true positive) and missed
 * (false negative), and the false alarms (false positive) beside them, at 0.5.
 * A multiclass confusion matrix would pretend the labels compete for one sample.
 */
import type { LabelSummary } from '../measurements';
import { COLORS, SIZE, emptyChart, expectMeasurement, frame, round, type ChartSpec } from './base';

const TITLE = 'Per-label results';

const OUTCOME = {
  found: { label: 'found (true positive)', color: COLORS.ok },
  missed: { label: 'missed (false negative)', color: COLORS.error },
  alarm: { label: 'false alarm (false positive)', color: COLORS.warning },
} as const;

export function labelSummaryChart(summary: LabelSummary): ChartSpec {
  expectMeasurement('labelSummaryChart', summary, 'report.measurements.labelSummary', 'labels');
  if (summary.labels.length === 0) return emptyChart(TITLE, 'No label was scored.');
  const keys = summary.labels.map((l) => l.label);
  const values = summary.labels.flatMap((l) => {
    const recall = l.positives > 0 ? round(l.truePositive / l.positives, 4) : null;
    const said = l.truePositive + l.falsePositive;
    const precision = said > 0 ? round(l.truePositive / said, 4) : null;
    const common = { label: l.label, positives: l.positives, recall, precision };
    return [
      { ...common, outcome: OUTCOME.found.label, rank: 0, count: l.truePositive },
      { ...common, outcome: OUTCOME.missed.label, rank: 1, count: l.falseNegative },
      { ...common, outcome: OUTCOME.alarm.label, rank: 2, count: l.falsePositive },
    ];
  });
  const outcomes = [OUTCOME.found, OUTCOME.missed, OUTCOME.alarm];
  return {
    ...frame(TITLE, [`${summary.rows} rows scored at 0.5, one bar per label: its positive rows found or missed, and its false alarms.`]),
    width: SIZE.width - 100,
    height: { step: SIZE.rowStep + 6 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', scale: { domain: keys }, title: null, axis: { labelLimit: SIZE.rowLabelLimit } },
      x: { field: 'count', type: 'quantitative', title: 'rows', stack: 'zero' },
      color: { field: 'outcome', type: 'nominal', title: null, scale: { domain: outcomes.map((o) => o.label), range: outcomes.map((o) => o.color) } },
      order: { field: 'rank', type: 'quantitative' },
      tooltip: [
        { field: 'label', type: 'nominal', title: 'label' },
        { field: 'outcome', type: 'nominal', title: 'outcome' },
        { field: 'count', type: 'quantitative', title: 'rows' },
        { field: 'positives', type: 'quantitative', title: 'positive rows' },
        { field: 'recall', type: 'quantitative', title: 'recall', format: '.0%' },
        { field: 'precision', type: 'quantitative', title: 'precision', format: '.0%' },
      ],
    },
  };
}
