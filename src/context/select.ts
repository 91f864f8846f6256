/**
 * Which checks run and which findings are kept, from options.checks.only/skip
 * (each entry a check id or a finding id) and the budget.
 */
import type { Check } from '../checks/base';
import { FINDING_IDS, type Budget, type Finding, type FindingId } from '../types';
import { inputError } from '../data/errors';

export interface Selection {
  /** Each check with the reason it is skipped, when it is. */
  plan: { check: Check; skip?: string }[];
  keepFinding(finding: Finding, checkId: string): boolean;
}

const isFindingId = (id: string): id is FindingId => (FINDING_IDS as readonly string[]).includes(id);

function validate(ids: readonly string[], checkIds: ReadonlySet<string>, option: string): void {
  const unknown = ids.filter((id) => !checkIds.has(id) && !isFindingId(id));
  if (unknown.length > 0) throw inputError('checksUnknownId', option, unknown, [...checkIds, ...FINDING_IDS]);
}

export function selectChecks(all: readonly Check[], only: readonly string[], skip: readonly string[], budget: Budget): Selection {
  const checkIds = new Set(all.map((c) => c.id));
  validate(only, checkIds, 'only');
  validate(skip, checkIds, 'skip');
  const onlyFindings = only.filter(isFindingId);
  const claimed = new Set(all.flatMap((c) => c.findings ?? []));
  // Checks that do not declare their findings run when `only` names a finding no declared check claims.
  const unclaimedWanted = onlyFindings.some((f) => !claimed.has(f));

  const plan = all.map((check) => {
    if (skip.includes(check.id)) return { check, skip: 'skipped by options.checks.skip' };
    if (check.findings && check.findings.length > 0 && check.findings.every((f) => skip.includes(f))) {
      return { check, skip: 'all its findings are skipped by options.checks.skip' };
    }
    if (only.length > 0) {
      const wanted = only.includes(check.id) ||
        (check.findings ? check.findings.some((f) => only.includes(f)) : unclaimedWanted);
      if (!wanted) return { check, skip: 'not selected by options.checks.only' };
    }
    if (check.thoroughOnly && budget !== 'thorough') return { check, skip: "runs with budget: 'thorough'" };
    return { check };
  });

  const keepFinding = (finding: Finding, checkId: string): boolean => {
    if (skip.includes(finding.id)) return false;
    if (onlyFindings.length === 0) return true;
    return only.includes(finding.id) || only.includes(checkId);
  };
  return { plan, keepFinding };
}
