/**
 * What to fix first. Findings are listed most severe first, but severity is not
 * causality: raw 0-255 pixels (a warning) routinely cause a failed overfit probe
 * (an error). Findings form a graph: a cause (unnormalized inputs, a wrong
 * loss, the learning rate, the labels) explains symptoms (exploding gradients,
 * a loss above chance, dead units, a failed overfit). Each check declares the
 * edges for the findings it reports (`Check.explains`) and how strong a
 * finding's evidence is (`Check.strength`); this module only reads them.
 *
 *   1. symptoms: a finding is a symptom when another present finding explains
 *      it, unless that cause is weaker (a borderline cause cannot explain away
 *      a strong finding), was verified not to help (while the symptom's fix
 *      did help or was not tried), is untested while the
 *      symptom's own fix cured, or the two explain each other. A cure is
 *      evidence: a cause whose fix cured counts as strong however borderline
 *      its measurement; a cause whose fix helped (cured or improved) still
 *      explains a symptom whose fix cured (lowering the rate works around
 *      raw-scale inputs; the inputs are still the cause);
 *   2. rank: root causes first; then verified fixes that cured, then untested,
 *      then fixes that did not help; strong evidence before weak; the most
 *      symptoms accounted for; then strength, severity and list order.
 */
import type { AnyCheck } from './checks/base';
import { ALL_CHECKS } from './checks';
import type { Finding, FindingId, Severity } from './types';

/** Read access to the cause -> symptom edges and the evidence strength of findings. */
export interface CausalGraph {
  explains(id: FindingId): readonly FindingId[];
  /** In [0, 1]; below 0.5 the evidence is borderline. */
  strength(finding: Finding): number;
}

/** Without a measure from the check: errors are clear-cut more often than warnings. */
const DEFAULT_STRENGTH: Record<Severity, number> = { error: 0.8, warning: 0.6, info: 0.3 };
/** Below this, evidence is borderline: such a cause ranks after every strong one. */
export const STRONG = 0.5;

/** The graph the checks declare (edges of several checks reporting one id are merged). */
export function causalGraph(checks: readonly AnyCheck[]): CausalGraph {
  const edges = new Map<FindingId, Set<FindingId>>();
  const owners = new Map<FindingId, AnyCheck[]>();
  for (const check of checks) {
    for (const [cause, symptoms] of Object.entries(check.explains ?? {}) as [FindingId, readonly FindingId[]][]) {
      const set = edges.get(cause) ?? new Set<FindingId>();
      symptoms.forEach((s) => set.add(s));
      edges.set(cause, set);
    }
    for (const id of check.findings ?? []) owners.set(id, [...(owners.get(id) ?? []), check]);
  }
  return {
    explains: (id) => [...(edges.get(id) ?? [])],
    strength(finding) {
      for (const check of owners.get(finding.id) ?? []) {
        const measured = check.strength?.(finding);
        if (measured !== undefined && Number.isFinite(measured)) return Math.min(1, Math.max(0, measured));
      }
      const declared = finding.evidence.strength;
      return typeof declared === 'number' && Number.isFinite(declared) ? declared : DEFAULT_STRENGTH[finding.severity];
    },
  };
}

let defaultGraph: CausalGraph | undefined;
/** The graph of every check diagnose() runs. */
export function checksGraph(): CausalGraph {
  defaultGraph ??= causalGraph(ALL_CHECKS);
  return defaultGraph;
}

/** What a verified fix showed (see src/verify): cured and improved promote a cause; no-better demotes it. */
export type VerifiedOutcome = 'cured' | 'improved' | 'no-better';

export interface VerifiedCause {
  cause: FindingId;
  layer?: string;
  outcome: VerifiedOutcome;
}

export interface Cause {
  id: FindingId;
  layer?: string;
  /** Present warnings and errors this cause alone can account for, most severe first. */
  explains: FindingId[];
  /** Evidence strength in [0, 1] (below 0.5: borderline). */
  strength: number;
  /** Present findings that explain this one, when it is itself a symptom. */
  explainedBy?: FindingId[];
  /** What applying its fix to a clone showed, when it was tried. */
  verified?: VerifiedOutcome;
}

export interface Triage {
  /** The finding to fix first. */
  first: FindingId;
  /** Its layer, when it names one (findings with the same id can differ by layer). */
  layer?: string;
  /** Other findings present that `first` alone can explain, most severe first. */
  explains: FindingId[];
  /**
   * Candidate causes, best first (`first` is causes[0]), each with the symptoms
   * it accounts for. Always set by triage(); optional for hand-built triages.
   */
  causes?: Cause[];
}

export interface TriageOptions {
  graph?: CausalGraph;
  /** Outcomes of verified fixes, to promote or demote causes. */
  verified?: readonly VerifiedCause[];
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;
const VERIFIED_RANK: Record<VerifiedOutcome | 'untested', number> = { cured: 0, improved: 1, untested: 2, 'no-better': 3 };

/**
 * Among errors and warnings, the finding whose fix is most likely to clear the
 * others (see the numbered steps above). Undefined when there is nothing to fix.
 */
export function triage(findings: readonly Finding[], options: TriageOptions = {}): Triage | undefined {
  const graph = options.graph ?? checksGraph();
  const actionable = findings.filter((f) => f.severity !== 'info');
  if (actionable.length === 0) return undefined;
  const outcome = (f: Finding): VerifiedOutcome | 'untested' =>
    options.verified?.find((v) => v.cause === f.id && v.layer === f.layer)?.outcome ?? 'untested';
  const strength = new Map(actionable.map((f) => [f, graph.strength(f)]));
  const strong = (f: Finding): boolean => (strength.get(f) ?? 0) >= STRONG || outcome(f) === 'cured';
  const claims = (cause: Finding, symptom: Finding): boolean => cause.id !== symptom.id && graph.explains(cause.id).includes(symptom.id);
  // 1. Can `cause` explain `symptom` away?
  const accounts = (cause: Finding, symptom: Finding): boolean =>
    claims(cause, symptom) &&
    // A fix that did not help demotes its cause, unless the symptom's fix did not help either (one change judged both).
    (outcome(cause) !== 'no-better' || outcome(symptom) === 'no-better') &&
    (strong(cause) || !strong(symptom)) &&
    !(outcome(symptom) === 'cured' && outcome(cause) === 'untested');
  const explainedBy = (f: Finding): Finding[] => actionable.filter((c) => accounts(c, f) && !accounts(f, c));
  const symptoms = new Map(actionable.map((f) => [f, explainedBy(f)]));
  const anyRoot = actionable.some((f) => (symptoms.get(f) ?? []).length === 0);
  const isRoot = (f: Finding): boolean => !anyRoot || (symptoms.get(f) ?? []).length === 0;

  // 2. Rank: roots, verification, strong evidence, symptoms accounted for, strength, severity, order.
  const ranked = actionable
    .map((finding, order) => ({ finding, order, explains: actionable.filter((s) => accounts(finding, s)) }))
    .filter(({ finding, explains }) => isRoot(finding) || explains.length > 0)
    .sort((a, b) =>
      Number(isRoot(b.finding)) - Number(isRoot(a.finding)) ||
      VERIFIED_RANK[outcome(a.finding)] - VERIFIED_RANK[outcome(b.finding)] ||
      Number(strong(b.finding)) - Number(strong(a.finding)) ||
      b.explains.length - a.explains.length ||
      (strength.get(b.finding) ?? 0) - (strength.get(a.finding) ?? 0) ||
      SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] ||
      a.order - b.order);
  const causes = ranked.map(({ finding, explains }): Cause => {
    const by = symptoms.get(finding) ?? [];
    const tried = outcome(finding);
    return {
      id: finding.id,
      ...(finding.layer !== undefined ? { layer: finding.layer } : {}),
      explains: [...new Set(explains.map((f) => f.id))],
      strength: Math.round((strength.get(finding) ?? 0) * 100) / 100,
      ...(by.length > 0 ? { explainedBy: [...new Set(by.map((f) => f.id))] } : {}),
      ...(tried !== 'untested' ? { verified: tried } : {}),
    };
  });
  const best = causes[0];
  return { first: best.id, layer: best.layer, explains: best.explains, causes };
}

/** The finding a triage names (findings with one id can differ by layer). */
export function fixFirstFinding(findings: readonly Finding[], chosen: Triage | undefined): Finding | undefined {
  return chosen && findings.find((f) => f.id === chosen.first && f.layer === chosen.layer);
}
