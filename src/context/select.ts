/**
 * Which checks run, in which order, and which findings are kept, from
 * options.checks.only/skip (each entry a check id or a finding id), the budget
 * and what each check `needs` from others:
 *
 *   1. select: only/skip/budget give each check a skip reason or none;
 *   2. close over prerequisites: a selected check's providers run too, silently
 *      (their findings are not reported) when only/skip left them out;
 *   3. order: providers before their readers (list order breaks ties).
 */
import type { AnyCheck, InputKey } from '../checks/base';
import { FINDING_IDS, type Budget, type Finding, type FindingId } from '../types';
import { inputError } from '../data/errors';

export interface PlannedCheck {
  check: AnyCheck;
  /** Why the check does not run, when it does not. */
  skip?: string;
  /** Set when the check runs only because these selected checks need its outputs: its findings are not reported. */
  prerequisiteOf?: string[];
}

export interface Selection {
  /** Every check in run order (providers before readers), with the reason it is skipped, when it is. */
  plan: PlannedCheck[];
  keepFinding(finding: Finding, checkId: string): boolean;
}

/** The check that provides each input key; a key with two providers or none that is needed is a programming error. */
export function providers(all: readonly AnyCheck[]): Map<InputKey, AnyCheck> {
  const byKey = new Map<InputKey, AnyCheck>();
  for (const check of all) {
    for (const key of check.provides ?? []) {
      const other = byKey.get(key);
      if (other) throw new Error(`checks ${other.id} and ${check.id} both provide '${key}'`);
      byKey.set(key, check);
    }
  }
  for (const check of all) {
    const unprovided = (check.needs ?? []).filter((key) => !byKey.has(key));
    if (unprovided.length > 0) throw new Error(`check ${check.id} needs ${unprovided.join(', ')}, which no check provides`);
  }
  return byKey;
}

/**
 * The checks in dependency order: every provider before the checks that need
 * it, otherwise the given order (a stable topological sort). Throws on a cycle.
 */
export function dependencyOrder(all: readonly AnyCheck[]): AnyCheck[] {
  const byKey = providers(all);
  const prerequisites = (check: AnyCheck): AnyCheck[] => (check.needs ?? []).map((key) => byKey.get(key)).filter((c): c is AnyCheck => c !== undefined);
  const ordered: AnyCheck[] = [];
  const done = new Set<AnyCheck>();
  const visiting = new Set<AnyCheck>();
  const visit = (check: AnyCheck, path: string[]): void => {
    if (done.has(check)) return;
    if (visiting.has(check)) throw new Error(`checks depend on each other in a cycle: ${[...path, check.id].join(' -> ')}`);
    visiting.add(check);
    prerequisites(check).forEach((p) => visit(p, [...path, check.id]));
    visiting.delete(check);
    done.add(check);
    ordered.push(check);
  };
  all.forEach((check) => visit(check, []));
  return ordered;
}

const isFindingId = (id: string): id is FindingId => (FINDING_IDS as readonly string[]).includes(id);

function validate(ids: readonly string[], checkIds: ReadonlySet<string>, option: string): void {
  const unknown = ids.filter((id) => !checkIds.has(id) && !isFindingId(id));
  if (unknown.length > 0) throw inputError('checksUnknownId', option, unknown, [...checkIds, ...FINDING_IDS]);
}

const BUDGET_SKIP = "runs with budget: 'thorough'";

/** Skip reasons that come from options.checks (not from the budget): such a check still runs when another selected one needs it. */
const BY_SELECTION = new Set(['skipped by options.checks.skip', 'all its findings are skipped by options.checks.skip', 'not selected by options.checks.only']);

/** Step 2: unselected providers of running checks run as silent prerequisites (transitively). */
function withPrerequisites(plan: PlannedCheck[], byKey: Map<InputKey, AnyCheck>, budget: Budget): PlannedCheck[] {
  const entries = new Map(plan.map((entry) => [entry.check, { ...entry }]));
  const queue = plan.filter((entry) => entry.skip === undefined).map((entry) => entry.check);
  while (queue.length > 0) {
    const reader = queue.shift() as AnyCheck;
    for (const key of reader.needs ?? []) {
      const provider = byKey.get(key);
      const entry = provider && entries.get(provider);
      if (!provider || !entry) continue;
      if (entry.skip !== undefined && BY_SELECTION.has(entry.skip)) {
        if (provider.thoroughOnly && budget !== 'thorough') {
          entries.set(provider, { check: provider, skip: BUDGET_SKIP });
          continue;
        }
        entries.set(provider, { check: provider, prerequisiteOf: [reader.id] });
        queue.push(provider);
      } else if (entry.prerequisiteOf && !entry.prerequisiteOf.includes(reader.id)) {
        entry.prerequisiteOf.push(reader.id);
      }
    }
  }
  return plan.map((entry) => entries.get(entry.check) as PlannedCheck);
}

export function selectChecks(unordered: readonly AnyCheck[], only: readonly string[], skip: readonly string[], budget: Budget): Selection {
  const all = dependencyOrder(unordered);
  const checkIds = new Set(all.map((c) => c.id));
  validate(only, checkIds, 'only');
  validate(skip, checkIds, 'skip');
  const onlyFindings = only.filter(isFindingId);
  const claimed = new Set(all.flatMap((c) => c.findings ?? []));
  // Checks that do not declare their findings run when `only` names a finding no declared check claims.
  const unclaimedWanted = onlyFindings.some((f) => !claimed.has(f));

  const plan = all.map((check): PlannedCheck => {
    if (skip.includes(check.id)) return { check, skip: 'skipped by options.checks.skip' };
    if (check.findings && check.findings.length > 0 && check.findings.every((f) => skip.includes(f))) {
      return { check, skip: 'all its findings are skipped by options.checks.skip' };
    }
    if (only.length > 0) {
      const wanted = only.includes(check.id) ||
        (check.findings ? check.findings.some((f) => only.includes(f)) : unclaimedWanted);
      if (!wanted) return { check, skip: 'not selected by options.checks.only' };
    }
    if (check.thoroughOnly && budget !== 'thorough') return { check, skip: BUDGET_SKIP };
    return { check };
  });

  const keepFinding = (finding: Finding, checkId: string): boolean => {
    if (skip.includes(finding.id)) return false;
    if (onlyFindings.length === 0) return true;
    return only.includes(finding.id) || only.includes(checkId);
  };
  return { plan: withPrerequisites(plan, providers(all), budget), keepFinding };
}
