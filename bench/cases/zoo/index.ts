/**
 * The zoo as a suite of the trust benchmark: its runs (suite 'zoo'), and its
 * scores, where a model diagnose() refuses (several inputs or outputs, not
 * supported yet) counts as 'refused', apart from found / root cause first / clean.
 */
import type { Case } from '../base';
import { scoreSuite, type SuiteScore } from '../evaluate';
import { runsOf, type Run, type RunResult } from '../harness';
import { runLine, scoreLines } from '../print';
import { ZOO } from './cases';
import { costSummary, costText, faultCosts, type FaultCost } from './cost';

export { ZOO };

/** The runs of zoo cases, tagged with the suite 'zoo'. */
export function zooRunsOf(cases: readonly Case[]): Run[] {
  return runsOf(cases).map((run) => ({ ...run, suite: 'zoo' }));
}

/** diagnose() refused the model or data as a multi-input or multi-output setup (its DiagnoseInputError says so). */
export function isRefused(result: RunResult): boolean {
  return result.error !== undefined && /several (inputs|outputs) (are|is) not supported/.test(result.error);
}

export interface ZooScore {
  /** Found / root cause first / clean over the runs diagnose() accepted. */
  score: SuiteScore;
  refused: RunResult[];
  /** Each fault's diagnosis cost against its healthy base's (see cost.ts). */
  costs: FaultCost[];
}

export function scoreZoo(results: readonly RunResult[]): ZooScore {
  const zoo = results.filter((r) => r.run.suite === 'zoo');
  const refused = zoo.filter(isRefused);
  const score = scoreSuite('zoo', zoo.filter((r) => !isRefused(r)));
  const leakingRefusals = refused.filter((r) => r.leaked !== 0 || !r.unchanged).length;
  if (leakingRefusals > 0) score.missed.push(`zoo: ${leakingRefusals} refused runs leaked tensors or changed the model`);
  const costs = faultCosts(zoo);
  score.missed.push(...costSummary(costs).missed);
  return { score, refused, costs };
}

/** One run's line with its cost (a fault's against its base, among `earlier` results); a refused run says REFUSED instead of a verdict. */
export function zooRunLine(result: RunResult, earlier: readonly RunResult[] = []): string {
  const cost = faultCosts([...earlier, result]).find((c) => c.caseId === result.run.caseId);
  if (!isRefused(result)) return `${runLine(result)} | ${costText(result, cost)}`;
  const name = `${result.run.caseId} [${result.run.variant}]`;
  const marks = [result.leaked !== 0 ? `LEAK ${result.leaked}` : '', result.unchanged ? '' : 'MODEL-CHANGED'].filter(Boolean).join(' ');
  return `${name.padEnd(44)} | REFUSED: ${result.error ?? ''}${marks ? ` | ${marks}` : ''} | ${(result.ms / 1000).toFixed(1)} s`;
}

export function zooScoreLines(zoo: ZooScore): string[] {
  const faulty = zoo.refused.filter((r) => r.run.expected).length;
  return [
    ...scoreLines(zoo.score),
    ...costSummary(zoo.costs).lines,
    `zoo      refused ${zoo.refused.length} runs (${faulty} faulty, ${zoo.refused.length - faulty} healthy): several inputs or outputs are not supported yet`,
  ];
}
