/**
 * T5 verdict: what the learning-rate range test (and the probes around it)
 * says about the configured rate. Pure: the numbers in, findings out. Every
 * claim in a finding is read off the same curve the chart draws: the rate
 * where the smoothed loss was lowest, the smoothed loss at the configured
 * rate, where it blew up, and the band (only when the curve showed one).
 */
import type { Finding } from '../../types';
import type { LrRangeTest } from '../../measurements';
import { networkMessages, type LrEvidence } from '../../messages/network';

export const THRESHOLDS = {
  /**
   * The configured rate is "past the bottom" when the smoothed loss there has
   * given back at least a quarter of the descent the sweep achieved: visibly
   * up the right-hand wall of the chart, not batch noise near the minimum.
   */
  riseFraction: 0.25,
  /**
   * Good rates sit ~10x below the minimum-loss rate, but a short sweep keeps
   * learning as the rate grows, which pushes its minimum up: Adam 1e-3 on a
   * small healthy tabular net measures 1000x below it. 10,000x below is too
   * low for any setup; the overfit probe's "stalled" verdict covers the rest.
   */
  tooLowBelowMin: 1e-4,
  /** The lower-rate probe "converges" when its loss falls by 10%, and yours "fails" when it ends 1.5x above that. */
  probeFall: 0.9,
  probeGap: 1.5,
};

/** The range test reduced to the numbers a verdict may use (all read off the drawn curve). */
export interface SweepReading {
  /** Where the smoothed loss was lowest; null when the sweep had too few points. */
  minLossLr: number | null;
  minLoss: number | null;
  /** Smoothed loss at the first rate of the sweep. */
  startLoss: number | null;
  /** Smoothed loss at the configured rate (interpolated); null when the sweep never reached it. */
  lossAtConfigured: number | null;
  divergenceLr: number | null;
  /** Highest rate the sweep ran before it stopped. */
  lastLr: number | null;
  /** The suggested band; null when the curve showed none (it did not fall, or the model was already trained). */
  band: [number, number] | null;
  /** The curve fell clearly below its start and the chance level. */
  learned: boolean;
  /** The model started far below chance (trained before the diagnosis). */
  trained: boolean;
}

/** Short runs at your rate and at a tenth of it, made when the symptoms point at the rate. */
export interface RateProbe {
  steps: number;
  samples: number;
  initialLoss: number;
  /** Final loss at your rate (NaN when it diverged). */
  yourLoss: number;
  lowerLr: number;
  lowerLoss: number;
}

/** What the overfit probe (run just before) saw with the user's optimizer, when a reference optimizer did fit. */
export type OverfitVerdict = 'went-up' | 'stalled' | 'none';

/** The smoothed loss at `lr`, interpolated in log-rate between the points around it; null outside the curve. */
export function lossAt(points: LrRangeTest['points'], lr: number): number | null {
  const valid = points.filter((p): p is { lr: number; loss: number; smoothed: number } => p.smoothed !== null);
  if (valid.length === 0 || lr < valid[0].lr || lr > valid[valid.length - 1].lr) return null;
  const after = valid.findIndex((p) => p.lr >= lr);
  if (after <= 0) return valid[Math.max(after, 0)].smoothed;
  const a = valid[after - 1];
  const b = valid[after];
  const t = Math.log(lr / a.lr) / Math.log(b.lr / a.lr);
  return a.smoothed + t * (b.smoothed - a.smoothed);
}

/**
 * Whether the probe shows your rate failing where a tenth of it learns. From a
 * trained model both runs start near zero loss, where "1.5x the lower rate's
 * loss" is a difference of hundredths and a fresh optimizer's first steps
 * alone can make it: there your rate must make the loss go up (or NaN).
 */
export function probeConfirmsTooHigh(probe: RateProbe | null, trained = false): boolean {
  if (probe === null) return false;
  const lowerLearns = probe.lowerLoss < THRESHOLDS.probeFall * probe.initialLoss;
  const yoursFails = !Number.isFinite(probe.yourLoss) || probe.yourLoss > THRESHOLDS.probeGap * probe.lowerLoss;
  return lowerLearns && yoursFails && (!trained || !(probe.yourLoss < probe.initialLoss));
}

function evidenceOf(
  reading: SweepReading, configured: number, overfit: OverfitVerdict, optimizer: string, probe: RateProbe | null,
): LrEvidence {
  const nan = Number.NaN;
  return {
    configuredLr: configured,
    minLossLr: reading.learned ? reading.minLossLr ?? nan : nan,
    minLoss: reading.learned ? reading.minLoss ?? nan : nan,
    startLoss: reading.startLoss ?? nan,
    lossAtConfigured: reading.lossAtConfigured ?? nan,
    divergenceLr: reading.divergenceLr ?? nan,
    suggestedLow: reading.band?.[0] ?? nan,
    suggestedHigh: reading.band?.[1] ?? nan,
    optimizer,
    overfitProbe: overfit,
    probeSteps: probe?.steps ?? 0,
    probeInitialLoss: probe?.initialLoss ?? nan,
    probeYourLoss: probe?.yourLoss ?? nan,
    probeLowerLr: probe?.lowerLr ?? nan,
    probeLowerLoss: probe?.lowerLoss ?? nan,
    alreadyTrained: reading.trained,
  };
}

/**
 * Whether the sweep shows the configured rate as too high, and how badly.
 * From a trained model (loss far below chance) the curve says nothing about
 * the rate that trained it: its minimum sits at the first, tiny rates (any real
 * step leaves the optimum) and its "rise" is batch noise around a near-zero
 * loss. The only claim left is divergence, and the range check measures that
 * for a trained model as the loss driven back above the chance level (or NaN):
 * a rate that undoes all the training is too high whatever trained it.
 */
export function sweepSaysTooHigh(reading: SweepReading, configured: number): 'diverges' | 'rising' | 'lost-descent' | null {
  const beyond = reading.lastLr !== null && configured > reading.lastLr && reading.divergenceLr !== null;
  if (beyond || (reading.divergenceLr !== null && configured >= reading.divergenceLr)) return 'diverges';
  const { minLossLr, minLoss, startLoss, lossAtConfigured } = reading;
  if (!reading.learned || reading.trained || minLossLr === null || minLoss === null || startLoss === null || lossAtConfigured === null) return null;
  if (configured <= minLossLr) return null;
  if (lossAtConfigured >= startLoss) return 'lost-descent';
  return lossAtConfigured >= minLoss + THRESHOLDS.riseFraction * (startLoss - minLoss) ? 'rising' : null;
}

/** lr-too-high / lr-too-low from the sweep, confirmed or completed by the overfit probe and the rate probe. */
export function lrVerdict(
  reading: SweepReading, configured: number, overfit: OverfitVerdict, optimizer: string, probe: RateProbe | null,
): Finding[] {
  const evidence = evidenceOf(reading, configured, overfit, optimizer, probe);
  const sweep = sweepSaysTooHigh(reading, configured);
  const confirmed = probeConfirmsTooHigh(probe, reading.trained);
  if (sweep !== null || overfit === 'went-up' || confirmed) {
    // The probe alone makes it an error only when your rate made the loss go up (or NaN), not merely fall slower.
    const probeRose = confirmed && probe !== null && !(probe.yourLoss < probe.initialLoss);
    const severe = sweep === 'diverges' || sweep === 'lost-descent' || overfit === 'went-up' || probeRose;
    return [networkMessages.lrTooHigh({ ...evidence, severe, sweep: sweep ?? 'none' })];
  }
  const { minLossLr } = reading;
  const farBelow = reading.learned && !reading.trained && minLossLr !== null && configured < minLossLr * THRESHOLDS.tooLowBelowMin;
  return farBelow || overfit === 'stalled' ? [networkMessages.lrTooLow(evidence)] : [];
}
