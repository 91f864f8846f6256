/**
 * Prediction views of a multilabel output (CHECKLIST L4, T10): side-by-side
 * predictions (the labels that are on next to the outputs above 0.5, worst
 * losses first) and a per-label confusion summary (true/false positives and
 * negatives of each label at 0.5) instead of a multiclass confusion matrix,
 * which would pretend the labels compete for one sample.
 */
import type { Check, CheckContext, CheckResult } from '../base';
import type { LabelSummary, SampleRow } from '../../measurements';
import { className } from '../data/shared';
import { inputView, labelText, pickRows, sampleSetBase, withScoredRows } from '../data/views';

const PREDICTION_ROWS = 48;

/** Per-label counts at 0.5 over `rows` label rows `y` and outputs `p` (both row-major, `width` per row). */
export function labelSummary(names: readonly string[], y: ArrayLike<number>, p: ArrayLike<number>, rows: number, width: number): LabelSummary {
  const labels = names.map((label) => ({ label, positives: 0, truePositive: 0, falsePositive: 0, falseNegative: 0, trueNegative: 0 }));
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < width; k++) {
      const actual = y[r * width + k] >= 0.5;
      const said = p[r * width + k] >= 0.5;
      const entry = labels[k];
      if (actual) entry.positives++;
      if (actual && said) entry.truePositive++;
      else if (!actual && said) entry.falsePositive++;
      else if (actual) entry.falseNegative++;
      else entry.trueNegative++;
    }
  }
  return { labels, rows };
}

/** The labels of row r whose value is at least 0.5, by name, with the output's probability when `p` is given. */
function onText(ctx: CheckContext, values: ArrayLike<number>, r: number, width: number): string {
  const on = Array.from({ length: width }, (_, k) => k).filter((k) => values[r * width + k] >= 0.5);
  return on.map((k) => `${className(ctx, k)} ${values[r * width + k].toFixed(2)}`).join(', ') || '(none)';
}

export const multilabelPredictionsCheck: Check = {
  id: 'multilabel-predictions',
  checklist: ['L4', 'T10'],
  findings: [],
  async run(ctx: CheckContext): Promise<CheckResult> {
    if (ctx.info.task.value !== 'multilabel') return { findings: [], skipped: 'not a multilabel task' };
    const width = ctx.profile.train.labels.width;
    if (width !== ctx.facts.outputUnits) return { findings: [], skipped: 'the labels are not one column per output (see labels-invalid)' };
    return withScoredRows(ctx, ({ rows, x, rowSize, yv, p, losses }) => {
      const exact = (r: number) => Array.from({ length: width }, (_, k) => k).every((k) => (yv[r * width + k] >= 0.5) === (p[r * width + k] >= 0.5));
      const shown = pickRows(losses, PREDICTION_ROWS, ctx.random).map((r): SampleRow => ({
        index: ctx.train.indices[r],
        ...inputView(ctx, x, r, rowSize),
        label: labelText(ctx, yv, r, width).text,
        prediction: onText(ctx, p, r, width),
        // The probability of the predicted set of labels, the outputs read as independent yes/no.
        confidence: Array.from({ length: width }, (_, k) => Math.max(p[r * width + k], 1 - p[r * width + k])).reduce((a, b) => a * b, 1),
        ...(Number.isFinite(losses[r]) ? { loss: losses[r] } : {}),
        correct: exact(r),
      }));
      const names = Array.from({ length: width }, (_, k) => className(ctx, k));
      const summary = labelSummary(names, yv, p, rows, width);
      const exactRows = Array.from({ length: rows }, (_, r) => r).filter(exact).length;
      return {
        findings: [],
        measurements: { predictions: { ...sampleSetBase(ctx), rows: shown }, labelSummary: summary },
        note: `${exactRows} of ${rows} rows predicted exactly (every label right at 0.5)`,
      };
    });
  },
};
