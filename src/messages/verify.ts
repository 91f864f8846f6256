/**
 * What verified fixes tell the user: the change tried on a copy of the model,
 * and what the short training probe showed before and after it.
 */
import type { Finding } from '../types';
import type { FixOutcome, ProbeSummary } from '../verify/types';
import { num } from './format';

function lossText(p: ProbeSummary): string {
  return `${p.initialLoss === null ? 'NaN' : num(p.initialLoss)} to ${p.finalLoss === null ? 'NaN' : num(p.finalLoss)}`;
}

function accuracyText(p: ProbeSummary): string {
  return p.finalAccuracy === null ? '' : `${Math.round(100 * p.finalAccuracy)}%`;
}

export const verifyMessages = {
  sectionTitle: 'Verified fixes',
  sectionIntro:
    'Each fix below was applied to a copy of your model and a view of your data (your model is untouched), ' +
    'and the same short training probe was run with and without it.',
  noneTried: 'No fix was tried: nothing to fix, or no cause with a mechanical fix.',
  seriesBefore: 'as set up',
  seriesAfter: 'with the fix',

  standardize: (unit: 'channel' | 'feature') => `with inputs standardized (mean 0, std 1 per ${unit})`,
  lowerLr: (from: number, to: number) => `with the learning rate lowered from ${num(from)} to ${num(to)}`,
  raiseLr: (from: number, to: number) => `with the learning rate raised from ${num(from)} to ${num(to)}`,
  outputActivation: (from: string, to: string) => `with the output activation ${from} replaced by ${to}`,
  loss: (from: string, to: string) => `with the loss ${from} replaced by ${to}`,
  unfreeze: (count: number) => `with ${count === 1 ? 'the frozen layer' : `all ${count} frozen layers`} trainable`,
  reinitialize: () => 'with fresh default initial weights (Glorot kernels, zero biases)',

  /**
   * The learning rate named as the cause when only its symptoms were found
   * (huge update ratios, exploding gradients) and lowering it cured the probe.
   */
  learningRateVerified(e: { direction: 'high' | 'low'; fromLr: number; toLr: number; symptom: string; samples: number; steps: number; before: ProbeSummary; after: ProbeSummary; severe: boolean }): Finding {
    const high = e.direction === 'high';
    return {
      id: high ? 'lr-too-high' : 'lr-too-low',
      severity: e.severe ? 'error' : 'warning',
      title: `The learning rate ${num(e.fromLr)} is too ${high ? 'high' : 'low'}`,
      detail:
        `On a copy of your model, ${e.steps} steps on ${e.samples} samples at ${num(e.toLr)} fit them ` +
        `(loss ${lossText(e.after)}) where your rate did not (loss ${lossText(e.before)}). ` +
        `The ${e.symptom} finding is its symptom.`,
      fix: `${high ? 'Lower' : 'Raise'} the learning rate toward ${num(e.toLr)} (the verified value), then check that the loss falls steadily.`,
      checklist: 'T5',
      // Shown to work on a copy: the strongest evidence triage knows (see CausalGraph.strength).
      evidence: { configuredLr: e.fromLr, verifiedLr: e.toLr, symptom: e.symptom, verified: true, strength: 1 },
    };
  },

  /** The section summary (text/plain, toText()): one line per fix tried. */
  sectionText(fixes: readonly { cause: string; summary: string }[]): string {
    return fixes.map((f) => `${f.cause}: ${f.summary}`).join('\n  ');
  },

  /** The one-line verdict shown under the finding and in toText(). */
  summary(e: { change: string; outcome: FixOutcome; steps: number; samples: number; before: ProbeSummary; after: ProbeSummary; lossChanged: boolean }): string {
    const measure = e.lossChanged && e.after.finalAccuracy !== null
      ? `accuracy on ${e.samples} samples reached ${accuracyText(e.after)} in ${e.steps} steps (as set up: ${accuracyText(e.before)})`
      : `the loss went from ${lossText(e.after)} in ${e.steps} steps (as set up: ${lossText(e.before)})`;
    switch (e.outcome) {
      case 'cured':
        return `Verified: ${e.change}, ${measure}; the model now fits the ${e.samples} samples.`;
      case 'improved':
        return `Verified in part: ${e.change}, ${measure}; better, but not yet fitting the ${e.samples} samples.`;
      case 'no-better':
        return `Tried without effect: ${e.change}, ${measure}. This is probably not what blocks training.`;
      case 'inconclusive':
        return e.before.fit
          ? `Not judged: ${e.change}, ${measure}; the probe fit even as set up, so it cannot show the difference.`
          : `Not judged: ${e.change}, ${measure}; the probe ran the same with the fix as without it, so it cannot show whether it helps.`;
    }
  },
};
