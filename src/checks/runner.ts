/**
 * Runs the planned checks against a context, in dependency order: timing,
 * progress, per-check error isolation (a throwing check becomes status 'error'),
 * typed inputs from the checks each one `needs`, and one seeded random stream
 * per check.
 *
 * No tensor scope stays open across an `await`: an engine scope is global, so a
 * scope held while a check awaits would adopt (and later dispose) the tensors
 * of anything else running meanwhile, such as a model.fit() that called
 * diagnose() from a callback. Checks dispose what they make (tf.tidy around
 * synchronous parts, try/finally around the rest); what a check leaves alive,
 * on success or error, is disposed by guardTensors (per async context).
 */
import type { AnyCheck, CheckContext, CheckOutputs, CheckResult, InputKey } from './base';
import type { Measurements } from '../measurements';
import type { CheckRun, CheckStatus, Finding } from '../types';
import type { PlannedCheck, Selection } from '../context/select';
import { seededRandom, streamSeed } from '../context/random';
import { guardTensors } from './tensor-guard';

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

/** The outputs a check declared, as it returned them (undeclared keys are ignored: one provider per key). */
function declaredOutputs(check: AnyCheck, result: CheckResult): Partial<CheckOutputs> {
  const picked: Partial<Record<InputKey, unknown>> = {};
  for (const key of check.provides ?? []) {
    if (result.outputs && key in result.outputs) picked[key] = result.outputs[key];
  }
  return picked as Partial<CheckOutputs>;
}

/**
 * The context one check sees: its own random stream and seeded clones (the same
 * numbers whatever ran before it), and the outputs of the checks it needs.
 */
function contextFor(ctx: CheckContext, check: AnyCheck, outputs: Partial<CheckOutputs>): CheckContext<InputKey> {
  const seed = streamSeed(ctx.info.seed, check.id);
  let clones = 0;
  return {
    ...ctx,
    // The runner only runs a check once every key it needs is present (see missingInput).
    inputs: outputs as CheckOutputs,
    random: seededRandom(seed),
    cloneModel: () => ctx.cloneModel(seededRandom(streamSeed(seed, `clone ${clones++}`))),
  };
}

/** Why a check cannot run: a key it needs was not measured (its provider was skipped or failed). */
function missingInput(check: AnyCheck, outputs: Partial<CheckOutputs>, absent: ReadonlyMap<InputKey, string>): string | undefined {
  const key = (check.needs ?? []).find((k) => !(k in outputs));
  if (key === undefined) return undefined;
  return `needs ${key}, which was not measured (${absent.get(key) ?? 'its check did not run'})`;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

export async function runChecks(
  ctx: CheckContext, plan: Selection, findings: Finding[], measurements: Measurements,
  setStage: (stage: string, fraction: number) => void, progress: (message: string) => void,
): Promise<CheckRun[]> {
  const runs: CheckRun[] = [];
  const outputs: Partial<CheckOutputs> = {};
  const absent = new Map<InputKey, string>();
  const markAbsent = (check: AnyCheck, reason: string): void => {
    (check.provides ?? []).filter((key) => !(key in outputs)).forEach((key) => absent.set(key, `${check.id}: ${reason}`));
  };
  const total = plan.plan.length;
  for (const [i, entry] of plan.plan.entries()) {
    const { check, skip, prerequisiteOf }: PlannedCheck = entry;
    const blocked = skip ?? missingInput(check, outputs, absent);
    if (blocked !== undefined) {
      runs.push({ id: check.id, status: 'skipped', ms: 0, note: blocked });
      markAbsent(check, blocked);
      continue;
    }
    setStage(check.id, 0.2 + (0.8 * i) / total);
    progress(`running ${check.id}`);
    const started = performance.now();
    try {
      const { value: result } = await guardTensors(() => check.run(contextFor(ctx, check, outputs)));
      Object.assign(outputs, declaredOutputs(check, result));
      markAbsent(check, result.skipped ?? 'it did not measure it');
      if (prerequisiteOf) {
        // Ran only for its outputs: what it found was not asked for.
        const note = `ran because ${prerequisiteOf.join(', ')} need${prerequisiteOf.length === 1 ? 's' : ''} it; its findings are not reported`;
        runs.push({ id: check.id, status: result.skipped ? 'skipped' : 'pass', ms: elapsed(started), note: result.skipped ?? note });
        continue;
      }
      const kept = result.findings.filter((f) => plan.keepFinding(f, check.id));
      findings.push(...kept);
      mergeMeasurements(measurements, result.measurements);
      runs.push({ id: check.id, status: statusOf({ ...result, findings: kept }), ms: elapsed(started), note: result.skipped ?? result.note });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      markAbsent(check, `it failed: ${message}`);
      runs.push({ id: check.id, status: 'error', ms: elapsed(started), note: message });
    }
  }
  return runs;
}
