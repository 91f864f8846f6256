/**
 * What to fix first. Findings are listed most severe first, but severity is not
 * causality: raw 0-255 pixels (a warning) routinely cause a failed overfit probe
 * (an error). Fixing a cause first often makes its symptoms disappear, so the
 * verdict names the finding that explains the most of the others.
 */
import type { Finding, FindingId } from './types';

/**
 * Cause -> symptoms it commonly produces (CHECKLIST.md). Read as: "when both are
 * present, the cause alone can explain the symptom". Only edges practitioners
 * would agree on; a missing edge just means no claim.
 */
const EXPLAINS: Partial<Record<FindingId, readonly FindingId[]>> = {
  'data-nonfinite': ['nonfinite-values', 'loss-above-chance', 'overfit-failed', 'gradients-exploding', 'lr-too-high'],
  'labels-invalid': ['loss-above-chance', 'overfit-failed', 'nonfinite-values', 'labels-unrelated'],
  'loss-output-mismatch': ['loss-above-chance', 'overfit-failed', 'gradients-vanishing', 'gradients-zero', 'lr-too-low', 'lr-too-high'],
  'data-unnormalized': [
    'loss-above-chance', 'overfit-failed', 'gradients-exploding', 'activations-saturated', 'activations-dead',
    'update-ratio-off', 'lr-too-high', 'lr-too-low', 'nonfinite-values',
  ],
  'layers-frozen': ['overfit-failed', 'gradients-zero', 'input-ignored'],
  'init-scale-off': [
    'gradients-zero', 'gradients-vanishing', 'gradients-exploding', 'activations-dead', 'activations-saturated', 'loss-above-chance',
    'overfit-failed', 'input-ignored',
  ],
  'gradient-check-failed': ['overfit-failed', 'lr-too-high', 'lr-too-low'],
  'batch-mixing': ['overfit-failed', 'train-eval-gap'],
  'regularization-dominates': ['overfit-failed', 'update-ratio-off', 'lr-too-low'],
  'lr-too-high': ['overfit-failed', 'update-ratio-off', 'nonfinite-values', 'activations-dead', 'gradients-exploding'],
  'lr-too-low': ['overfit-failed', 'update-ratio-off'],
  'activations-dead': ['gradients-zero', 'gradients-vanishing', 'overfit-failed', 'input-ignored'],
  'activations-saturated': ['gradients-vanishing', 'overfit-failed'],
  'layer-bottleneck': ['overfit-failed', 'activations-dead', 'gradients-zero', 'gradients-vanishing', 'input-ignored'],
  'gradients-vanishing': ['overfit-failed', 'input-ignored'],
  'gradients-exploding': ['nonfinite-values', 'overfit-failed'],
  'nonfinite-values': ['overfit-failed', 'loss-above-chance'],
};

export interface Triage {
  /** The finding to fix first. */
  first: FindingId;
  /** Its layer, when it names one (findings with the same id can differ by layer). */
  layer?: string;
  /** Other findings present that `first` alone can explain, most severe first. */
  explains: FindingId[];
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/**
 * Among errors and warnings, the finding whose fix is most likely to clear the
 * others: one that nothing else present explains, explaining the most; ties go
 * to severity, then to list order. Undefined when there is nothing to fix.
 */
export function triage(findings: readonly Finding[]): Triage | undefined {
  const actionable = findings.filter((f) => f.severity !== 'info');
  if (actionable.length === 0) return undefined;
  const present = new Set(actionable.map((f) => f.id));
  const explained = (f: Finding) => (EXPLAINS[f.id] ?? []).filter((id) => id !== f.id && present.has(id));
  // A root is not explained by another present finding; cycles (lr-too-high <-> ...)
  // have no root, hence the fallback to every actionable finding.
  const roots = actionable.filter((f) => !actionable.some((other) => other.id !== f.id && explained(other).includes(f.id)));
  const candidates = roots.length > 0 ? roots : actionable;
  const best = candidates
    .map((finding, order) => ({ finding, order, explains: explained(finding) }))
    .sort(
      (a, b) =>
        b.explains.length - a.explains.length ||
        SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] ||
        a.order - b.order,
    )[0];
  const explains = actionable.filter((f) => best.explains.includes(f.id)).map((f) => f.id);
  return { first: best.finding.id, layer: best.finding.layer, explains: [...new Set(explains)] };
}

/** The finding a triage names (findings with one id can differ by layer). */
export function fixFirstFinding(findings: readonly Finding[], chosen: Triage | undefined): Finding | undefined {
  return chosen && findings.find((f) => f.id === chosen.first && f.layer === chosen.layer);
}
