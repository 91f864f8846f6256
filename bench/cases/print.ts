/** Plain-text lines of the trust benchmark: one per run, then the scores per suite. */
import type { ExpectedFinding } from './base';
import { isClean, isFound, isRootCauseFirst, pct, type SuiteScore } from './evaluate';
import type { RunResult } from './harness';

function expectedText(result: RunResult): string {
  const e = result.run.expected;
  if (!e) return 'clean';
  const extra = (e.findings ?? []).map((f: ExpectedFinding) => (typeof f === 'string' ? f : `${f.id}@${f.severity}`));
  return [`${e.rootCause}*`, ...extra.filter((f) => f !== e.rootCause)].join(',');
}

function gotText(result: RunResult): string {
  if (result.error) return `THREW: ${result.error.slice(0, 120)}`;
  const shown = result.findings.filter((f) => f.severity !== 'info');
  const info = result.findings.length - shown.length;
  const list = shown.map((f) => `${f.id}:${f.severity === 'error' ? 'E' : 'W'}`).join(',');
  return `${list || '-'}${info > 0 ? ` (+${info} info)` : ''}`;
}

function verdict(result: RunResult): string {
  const e = result.run.expected;
  const marks = e
    ? [isFound(result, e) ? 'found' : 'MISSED', isRootCauseFirst(result, e) ? 'first' : 'NOT-FIRST']
    : [isClean(result) ? 'clean' : 'FALSE-ALARM'];
  if (result.leaked !== 0) marks.push(`LEAK ${result.leaked}`);
  if (!result.unchanged) marks.push('MODEL-CHANGED');
  if (result.fit?.ok === false) marks.push('DOES-NOT-TRAIN');
  if ((result.outcomes?.length ?? 1) > 1) marks.push(`NONDETERMINISTIC (${result.outcomes?.join(' / ')})`);
  return marks.join(' ');
}

/** `id | expected | got (ids+severities) | triage.first`, with the verdict and the time. */
export function runLine(result: RunResult): string {
  const name = `${result.run.caseId} [${result.run.variant}]`;
  const needs = result.fit?.threshold !== undefined ? ` (needs ${result.fit.metric === 'acc' ? '>=' : '<='} ${result.fit.threshold})` : '';
  const fit = !result.fit ? '' : result.fit.error !== undefined ? ` | fit threw: ${result.fit.error.slice(0, 100)}` : ` | fit ${result.fit.metric} ${result.fit.value.toFixed(3)}${needs}`;
  return `${name.padEnd(44)} | ${expectedText(result)} | ${gotText(result)} | first: ${result.first ?? '-'} | ${verdict(result)} | ${(result.ms / 1000).toFixed(1)} s${fit}`;
}

export function scoreLines(score: SuiteScore): string[] {
  const cleanName = score.suite === 'corpus' ? 'fixed clean' : 'healthy clean';
  return [
    `${score.suite.padEnd(8)} found ${score.found}/${score.bugs} (${pct(score.found, score.bugs)})` +
      ` | root cause first ${score.rootFirst}/${score.bugs} (${pct(score.rootFirst, score.bugs)})` +
      ` | ${cleanName} ${score.clean}/${score.cleanRuns} (${pct(score.clean, score.cleanRuns)})` +
      ` | runs leaking ${score.leaks} | models changed ${score.changed}` +
      (score.nondeterministic > 0 ? ` | non-deterministic ${score.nondeterministic}` : ''),
  ];
}
