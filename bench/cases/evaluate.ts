/**
 * Scoring of the trust benchmark (issue 10, "Done when"), as pure functions of
 * run results: found, root cause first, clean, leaks, changed models, and which
 * targets a result set misses.
 */
import type { Expected, ExpectedFinding } from './base';
import type { RunResult, Suite } from './harness';

/** Root cause first for at least this share of the buggy/faulty runs of each suite. */
export const ROOT_CAUSE_TARGET = 0.85;

function expectation(e: ExpectedFinding): { id: string; severity?: string } {
  return typeof e === 'string' ? { id: e } : e;
}

/** Every finding the expectation names (the root cause first) is present at warning/error, or at its pinned severity. */
export function isFound(result: RunResult, expected: Expected): boolean {
  const wanted = [expected.rootCause, ...(expected.findings ?? [])].map(expectation);
  return wanted.every((w) => result.findings.some((f) => f.id === w.id && (w.severity ? f.severity === w.severity : f.severity !== 'info')));
}

export function isRootCauseFirst(result: RunResult, expected: Expected): boolean {
  return result.first === expected.rootCause;
}

/** No warning, no error, and diagnose() did not throw. */
export function isClean(result: RunResult): boolean {
  return result.error === undefined && result.findings.every((f) => f.severity === 'info');
}

export interface SuiteScore {
  suite: Suite;
  bugs: number;
  found: number;
  rootFirst: number;
  /** Setups that must be clean: fixed versions (corpus) or healthy controls (faults). */
  cleanRuns: number;
  clean: number;
  leaks: number;
  changed: number;
  /** Plain fits that missed their trainsTo (verbose mode only). */
  untrained: number;
  /** Runs whose repeats with the same seed disagreed (with --repeat only). */
  nondeterministic: number;
  missed: string[];
}

export function scoreSuite(suite: Suite, results: readonly RunResult[]): SuiteScore {
  const mine = results.filter((r) => r.run.suite === suite);
  const buggy = mine.filter((r) => r.run.expected !== undefined);
  const good = mine.filter((r) => r.run.expected === undefined);
  const found = buggy.filter((r) => r.run.expected && isFound(r, r.run.expected)).length;
  const rootFirst = buggy.filter((r) => r.run.expected && isRootCauseFirst(r, r.run.expected)).length;
  const clean = good.filter(isClean).length;
  const leaks = mine.filter((r) => r.leaked !== 0).length;
  const changed = mine.filter((r) => !r.unchanged).length;
  const untrained = good.filter((r) => r.fit?.ok === false).length;
  const nondeterministic = mine.filter((r) => (r.outcomes?.length ?? 1) > 1).length;
  const cleanName = suite === 'corpus' ? 'fixed setups' : 'healthy controls';
  const missed: string[] = [];
  if (found < buggy.length) missed.push(`${suite}: ${buggy.length - found} of ${buggy.length} bugs not found`);
  if (buggy.length > 0 && rootFirst / buggy.length < ROOT_CAUSE_TARGET) {
    missed.push(`${suite}: root cause first ${rootFirst}/${buggy.length} (${pct(rootFirst, buggy.length)}), target >= ${ROOT_CAUSE_TARGET * 100}%`);
  }
  if (clean < good.length) missed.push(`${suite}: ${good.length - clean} of ${good.length} ${cleanName} not clean`);
  if (leaks > 0) missed.push(`${suite}: ${leaks} runs leaked tensors`);
  if (changed > 0) missed.push(`${suite}: ${changed} runs changed the user's model`);
  if (nondeterministic > 0) missed.push(`${suite}: ${nondeterministic} runs gave different findings with the same seed`);
  if (untrained > 0) missed.push(`${suite}: ${untrained} ${cleanName} do not train in a plain fit (the case is wrong, not the tool)`);
  return { suite, bugs: buggy.length, found, rootFirst, cleanRuns: good.length, clean, leaks, changed, untrained, nondeterministic, missed };
}

export function pct(part: number, whole: number): string {
  return whole === 0 ? '-' : `${Math.round((100 * part) / whole)}%`;
}
