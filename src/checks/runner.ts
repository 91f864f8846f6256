/**
 * Runs the selected checks against a context: timing, progress, per-check
 * error isolation (a throwing check becomes status 'error') and tensor scopes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckResult } from './base';
import type { Measurements } from '../measurements';
import type { CheckRun, CheckStatus, Finding } from '../types';
import type { Selection } from '../context/select';

function statusOf(result: CheckResult): CheckStatus {
  if (result.skipped) return 'skipped';
  if (result.findings.some((f) => f.severity === 'error')) return 'fail';
  if (result.findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

function mergeMeasurements(into: Measurements, from: Measurements | undefined): void {
  if (!from) return;
  const { extra, ...rest } = from;
  Object.assign(into, rest);
  if (extra) into.extra = { ...into.extra, ...extra };
}

/** Runs one check inside its own tensor scope, so a leaking or throwing check costs nothing else. */
async function runCheck(check: Check, ctx: CheckContext): Promise<CheckResult> {
  tf.engine().startScope();
  try {
    return await check.run(ctx);
  } finally {
    tf.engine().endScope();
  }
}

export async function runChecks(
  ctx: CheckContext, plan: Selection, findings: Finding[], measurements: Measurements,
  setStage: (stage: string, fraction: number) => void, progress: (message: string) => void,
): Promise<CheckRun[]> {
  const runs: CheckRun[] = [];
  const total = plan.plan.length;
  for (const [i, { check, skip }] of plan.plan.entries()) {
    if (skip) {
      runs.push({ id: check.id, status: 'skipped', ms: 0, note: skip });
      continue;
    }
    setStage(check.id, 0.2 + (0.8 * i) / total);
    progress(`running ${check.id}`);
    const started = performance.now();
    try {
      const result = await runCheck(check, ctx);
      const kept = result.findings.filter((f) => plan.keepFinding(f, check.id));
      findings.push(...kept);
      mergeMeasurements(measurements, result.measurements);
      runs.push({ id: check.id, status: statusOf({ ...result, findings: kept }), ms: Math.round(performance.now() - started), note: result.skipped ?? result.note });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      runs.push({ id: check.id, status: 'error', ms: Math.round(performance.now() - started), note: message });
    }
  }
  return runs;
}

