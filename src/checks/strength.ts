/**
 * Evidence strength for triage (Check.strength): how far past its threshold a
 * finding's measurement went, in [0, 1]. At the threshold a finding is
 * borderline (0.3: one noisy measurement away from not being reported); a
 * measurement `decades` orders of magnitude past it is as strong as it gets.
 * Below 0.5 triage ranks a cause after every strong one, so a borderline
 * false alarm cannot take "fix first" from a clear cause.
 */
import type { Finding } from '../types';

/** Strength of a measurement `value` that crossed `threshold` (both positive; "more is worse"). */
export function margin(value: number, threshold: number, decades: number): number {
  if (!(value > 0) || !(threshold > 0)) return 0.3;
  const past = Math.log10(value / threshold) / decades;
  return Math.min(1, Math.max(0, 0.3 + 0.7 * past));
}

/** A numeric evidence field, or undefined when the finding does not carry it. */
export function evidenceNumber(finding: Finding, key: string): number | undefined {
  const value = finding.evidence[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** margin() of an evidence field, or undefined (triage then falls back to the severity) when absent. */
export function evidenceMargin(finding: Finding, key: string, threshold: number, decades: number): number | undefined {
  const value = evidenceNumber(finding, key);
  return value === undefined ? undefined : margin(value, threshold, decades);
}
