/**
 * Verified fixes as plain JSON: a mechanical fix for a candidate cause, applied
 * to a clone of the model and a view of the data, and the short training probe
 * run before and after it.
 */
import type { CurvePoint } from '../measurements';
import type { FindingId } from '../types';

/** The mechanical fixes tfjs-doctor can try on a clone. */
export type FixKind =
  | 'standardize-inputs' | 'lower-learning-rate' | 'raise-learning-rate' | 'change-output-activation' | 'change-loss'
  | 'unfreeze' | 'reinitialize';

/**
 * cured: the probe now fits where it did not; improved: the final loss at least
 * halved; no-better: the fix did not help (its cause is demoted); inconclusive:
 * the probe already fit before the fix, or ran the same with the fix as without
 * it (the fix never came into play within the probe), so it cannot judge.
 */
export type FixOutcome = 'cured' | 'improved' | 'no-better' | 'inconclusive';

export interface ProbeSummary {
  initialLoss: number | null;
  finalLoss: number | null;
  /** Accuracy on the probe samples at the end (classification), else null. */
  finalAccuracy: number | null;
  /** Reached the target (every sample right, or the loss at a tenth of chance). */
  fit: boolean;
}

export interface VerifiedFix {
  /** The finding whose fix this is. */
  cause: FindingId;
  layer?: string;
  /** Other present findings whose fix is this very change (lowering the rate for update-ratio-off and lr-too-high): the outcome is theirs too. */
  covers?: { cause: FindingId; layer?: string }[];
  kind: FixKind;
  /** What was changed, in words ("with inputs standardized"). */
  change: string;
  /** The comparable parameters of the change, e.g. { fromLr: 10, toLr: 0.01 }. */
  parameters: Record<string, number | string>;
  outcome: FixOutcome;
  samples: number;
  steps: number;
  /** True when the fix changes the loss function: compare accuracies, not loss values. */
  lossChanged: boolean;
  before: ProbeSummary;
  after: ProbeSummary;
  /** Training curves of both runs: series 'as set up' and 'with the fix'. */
  points: CurvePoint[];
  /** One sentence: "verified: with inputs standardized the loss went from 2.30 to 0.41 in 64 steps (as set up: 150 to 98)". */
  summary: string;
}
