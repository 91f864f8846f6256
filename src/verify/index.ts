/**
 * Verified fixes: for the top candidate causes of a triage that have a
 * mechanical fix, apply the fix to a clone of the model and a view of the data,
 * re-run the short training probe, and record before and after.
 *
 *   1. candidates: the first causes of the triage with a recipe (src/verify/fixes.ts),
 *      one per kind of fix, at most SETTINGS.fixes;
 *   2. before: the probe on the setup as it is (once, shared by every fix);
 *   3. after: the probe with each fix, same samples, steps and random stream;
 *   4. outcome: cured / improved / no-better / inconclusive (see types.ts).
 *
 * A healthy model (no triage) runs nothing, nor does a setup whose overfit
 * probe already memorized the samples (every outcome would be inconclusive).
 * The user's model is only read.
 */
import * as tf from '@tensorflow/tfjs';
import type { CurvePoint, Measurements } from '../measurements';
import type { Finding } from '../types';
import type { Triage, VerifiedCause } from '../triage';
import { seededRandom, streamSeed } from '../context/random';
import { verifyMessages } from '../messages/verify';
import { asSetUp, fixFor, type FixSetup, type VerifyContext } from './fixes';
import { frozenTail, runProbe, type ProbeBatch } from './probe';
import { fitAsSetUp, sharedBefore } from './shared-before';
import type { FixOutcome, ProbeSummary, VerifiedFix } from './types';

export type { VerifiedFix } from './types';
export type { VerifyContext } from './fixes';

export const VERIFY_SETTINGS = {
  /** The overfit probe's batch size: enough for 10 classes, quick to memorize. */
  samples: 16,
  /**
   * Shorter than the overfit probe (100): 1 + 3 runs stay near one probe's cost twice over. A multiple of
   * the overfit probe's evaluation interval (5), so its record can stand for the run as set up (shared-before.ts).
   */
  steps: { quick: 65, thorough: 200 },
  /** Fixes tried per diagnosis. */
  fixes: 3,
  /** How deep into the ranked causes candidates are taken. */
  candidates: 4,
  /** "improved": the final loss at most this fraction of the final loss as set up... */
  improvedFraction: 0.5,
  /** ...or the loss fell by this fraction of where it started, and at least twice as far as set up (a stalled setup). */
  improvedDrop: 0.1,
  /** With a changed loss, accuracy must rise by this much to count as improved. */
  improvedAccuracy: 0.25,
};

export function outcomeOf(before: ProbeSummary, after: ProbeSummary, lossChanged: boolean): FixOutcome {
  if (before.fit) return 'inconclusive';
  if (after.fit) return 'cured';
  if (lossChanged && before.finalAccuracy !== null && after.finalAccuracy !== null) {
    return after.finalAccuracy >= before.finalAccuracy + VERIFY_SETTINGS.improvedAccuracy ? 'improved' : 'no-better';
  }
  if (after.finalLoss === null) return 'no-better';
  if (before.finalLoss === null) return 'improved';
  if (after.finalLoss >= before.finalLoss) return 'no-better';
  const drop = (p: ProbeSummary): number => (p.initialLoss !== null && p.finalLoss !== null && p.initialLoss > 0 ? (p.initialLoss - p.finalLoss) / p.initialLoss : 0);
  const halved = after.finalLoss <= VERIFY_SETTINGS.improvedFraction * before.finalLoss;
  const unstuck = drop(after) >= Math.max(VERIFY_SETTINGS.improvedDrop, 2 * drop(before));
  return halved || unstuck ? 'improved' : 'no-better';
}

/** Relative agreement under which two probe losses are the same number (float32 noise of one run). */
const SAME_LOSS = 1e-3;

/**
 * True when the fixed probe ran the same as the probe as set up: every step's
 * loss within SAME_LOSS of the other (e.g. a ReLU output made linear while no
 * output went below 0). The fix never came into play, so it is no evidence.
 * A run that stopped frozen (see probe.ts) is compared over the steps it ran:
 * the same up to a frozen loss, it stays the same.
 */
export function sameRun(before: readonly CurvePoint[], after: readonly CurvePoint[]): boolean {
  const frozenStop = (after.length < before.length && frozenTail(after)) || (before.length < after.length && frozenTail(before));
  if (before.length !== after.length && !frozenStop) return false;
  const steps = Math.min(before.length, after.length);
  if (steps < 2) return false;
  return before.slice(0, steps).every((b, i) => {
    const a = after[i].loss;
    if (b.loss === null || a === null) return b.loss === a;
    return Math.abs(a - b.loss) <= SAME_LOSS * Math.max(Math.abs(a), Math.abs(b.loss), Number.MIN_VALUE);
  });
}

/** The same change: one kind with the same parameters. */
function sameChange(a: FixSetup, b: FixSetup): boolean {
  const keys = new Set([...Object.keys(a.parameters), ...Object.keys(b.parameters)]);
  return a.kind === b.kind && [...keys].every((k) => a.parameters[k] === b.parameters[k]);
}

/** Present warnings and errors, other than `tried`, whose own fix is the same change as `setup`. */
function covered(findings: readonly Finding[], tried: Finding, setup: FixSetup, ctx: VerifyContext, measurements: Measurements): { cause: Finding['id']; layer?: string }[] {
  return findings
    .filter((f) => f.severity !== 'info' && !(f.id === tried.id && f.layer === tried.layer))
    .filter((f) => {
      const own = fixFor(f, ctx, measurements);
      return own !== undefined && sameChange(own, setup);
    })
    .map((f) => ({ cause: f.id, ...(f.layer !== undefined ? { layer: f.layer } : {}) }));
}

/** Step 1: the causes worth trying, best first, one per kind of fix. */
function candidates(findings: readonly Finding[], triage: Triage, ctx: VerifyContext, measurements: Measurements): { finding: Finding; setup: FixSetup }[] {
  const picked: { finding: Finding; setup: FixSetup }[] = [];
  for (const cause of (triage.causes ?? []).slice(0, VERIFY_SETTINGS.candidates)) {
    const finding = findings.find((f) => f.id === cause.id && f.layer === cause.layer);
    const setup = finding && fixFor(finding, ctx, measurements);
    if (!finding || !setup || picked.some((p) => p.setup.kind === setup.kind)) continue;
    picked.push({ finding, setup });
    if (picked.length === VERIFY_SETTINGS.fixes) break;
  }
  return picked;
}

/** Runs the verification; [] when there is nothing to verify. Never throws for a fix that fails to run: it is left out. */
export async function verifyFixes(
  ctx: VerifyContext, findings: readonly Finding[], triage: Triage | undefined, measurements: Measurements,
): Promise<VerifiedFix[]> {
  if (!triage) return [];
  const tried = candidates(findings, triage, ctx, measurements);
  if (tried.length === 0) return [];
  const rows = Math.min(VERIFY_SETTINGS.samples, ctx.train.x.shape[0]);
  // The overfit probe memorized these samples as set up, within the probe's steps: no fix could show a difference.
  if (fitAsSetUp(ctx.model, measurements, VERIFY_SETTINGS.steps[ctx.info.budget], rows)) return [];
  const chance = ctx.info.chanceLoss;
  const batch: ProbeBatch = {
    x: ctx.train.x.slice(0, rows),
    y: ctx.train.y.slice(0, rows),
    task: ctx.info.task.value,
    steps: VERIFY_SETTINGS.steps[ctx.info.budget],
    target: chance !== undefined && chance > 0 ? chance * 0.1 : null,
  };
  // Every run draws the same dropout masks: only the fix differs.
  const random = () => seededRandom(streamSeed(ctx.info.seed, 'verify'));
  try {
    ctx.progress('verifying fixes: the probe as set up');
    // The overfit probe already ran it, step for step, when the model trains the same way every time.
    const before = sharedBefore(ctx.model, measurements, batch.steps, rows, verifyMessages.seriesBefore) ??
      await runProbe(asSetUp(ctx), batch, random(), verifyMessages.seriesBefore);
    const verified: VerifiedFix[] = [];
    for (const { finding, setup } of tried) {
      ctx.progress(`verifying a fix for ${finding.id}`);
      try {
        // A changed loss is not comparable with the one as set up; accuracy is.
        const after = await runProbe(setup, { ...batch, target: setup.lossChanged ? null : batch.target }, random(), verifyMessages.seriesAfter);
        const outcome = sameRun(before.points, after.points) ? 'inconclusive' : outcomeOf(before.summary, after.summary, setup.lossChanged);
        const steps = after.points.length - 1;
        const covers = covered(findings, finding, setup, ctx, measurements);
        verified.push({
          cause: finding.id,
          ...(finding.layer !== undefined ? { layer: finding.layer } : {}),
          ...(covers.length > 0 ? { covers } : {}),
          kind: setup.kind,
          change: setup.change,
          parameters: setup.parameters,
          outcome,
          samples: rows,
          steps,
          lossChanged: setup.lossChanged,
          before: before.summary,
          after: after.summary,
          points: [...before.points, ...after.points],
          summary: verifyMessages.summary({ change: setup.change, outcome, steps, samples: rows, before: before.summary, after: after.summary, lossChanged: setup.lossChanged }),
        });
      } catch {
        // A fix that cannot be built or trained (an exotic layer) proves nothing either way.
      }
    }
    return verified;
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

/**
 * Findings the verification earned: when a learning-rate fix tried for a
 * symptom (update-ratio-off, gradients-exploding) cured the probe and the
 * range test did not name the rate itself, the rate is reported as the cause.
 * `keep` applies options.checks (a finding the user skipped stays out).
 */
export function findingsFromFixes(fixes: readonly VerifiedFix[], present: readonly Finding[], keep: (finding: Finding) => boolean): Finding[] {
  const earned: Finding[] = [];
  for (const fix of fixes) {
    const direction = fix.kind === 'lower-learning-rate' ? 'high' : fix.kind === 'raise-learning-rate' ? 'low' : undefined;
    if (!direction || fix.outcome !== 'cured' || fix.cause === 'lr-too-high' || fix.cause === 'lr-too-low') continue;
    const id = direction === 'high' ? 'lr-too-high' : 'lr-too-low';
    if ([...present, ...earned].some((f) => f.id === id)) continue;
    const before = fix.before;
    const severe = before.finalLoss === null || (before.initialLoss !== null && before.finalLoss > before.initialLoss);
    const finding = verifyMessages.learningRateVerified({
      direction, fromLr: Number(fix.parameters.fromLr), toLr: Number(fix.parameters.toLr), symptom: fix.cause,
      samples: fix.samples, steps: fix.steps, before, after: fix.after, severe,
    });
    if (keep(finding)) earned.push(finding);
  }
  return earned;
}

/** What the triage needs from the verification: which causes were cured, helped, or not (a change judges every finding it is the fix of). */
export function verifiedCauses(fixes: readonly VerifiedFix[]): VerifiedCause[] {
  return fixes.flatMap((f) => {
    if (f.outcome === 'inconclusive') return [];
    const outcome = f.outcome;
    // A finding whose fix was tried itself keeps its own outcome.
    const covers = (f.covers ?? []).filter((c) => !fixes.some((o) => o.cause === c.cause && o.layer === c.layer));
    return [{ cause: f.cause, layer: f.layer }, ...covers].map((c) => ({ cause: c.cause, ...(c.layer !== undefined ? { layer: c.layer } : {}), outcome }));
  });
}
