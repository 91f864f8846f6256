/**
 * The plain-JSON vocabulary of a diagnosis: findings, check runs and context.
 * Everything here survives JSON.stringify; nothing holds a tensor.
 */
import type { Measurements } from './measurements';
import type { Triage } from './triage';

/** Finding ids are a public contract (DESIGN.md): never rename one. */
export const FINDING_IDS = [
  // data and labels
  'data-nonfinite', 'data-unnormalized', 'data-constant-feature', 'data-too-small',
  'labels-invalid', 'labels-imbalanced', 'labels-unrelated', 'batches-single-label',
  'split-leakage', 'split-shift',
  // loss and configuration
  'loss-output-mismatch', 'loss-above-chance', 'regularization-dominates', 'layers-frozen',
  'init-scale-off',
  // gradients and activations
  'gradients-vanishing', 'gradients-exploding', 'gradients-zero', 'nonfinite-values',
  'update-ratio-off', 'gradient-check-failed', 'batch-mixing', 'activations-dead',
  'activations-saturated',
  // training probes
  'overfit-failed', 'lr-too-high', 'lr-too-low', 'train-eval-gap', 'input-ignored',
  // data and loss (issue 10 §2): targets the output cannot reach, a loss mixing samples, classes missing from training
  'output-range-mismatch',
  'loss-mixes-samples',
  'split-class-missing',
  // live signals of watch() (ids of their own: what a running fit shows)
  'loss-diverging', 'val-loss-rising', 'loss-nonfinite',
  // network architecture (issue 10)
  'layer-bottleneck',
  // token inputs and sequence models (issue 13)
  'tokens-out-of-range', 'tokens-oov-high', 'padding-wrong-end', 'padding-not-masked', 'labels-shifted',
  'gradients-vanishing-through-time', 'gradients-exploding-through-time',
  // data (issue 10, trust: every input row the same)
  'data-rows-identical',
  // batch normalization (issue 13, norm)
  'batchnorm-stats-mismatch', 'batchnorm-small-batch', 'batchnorm-placement',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];

/** `error`: training cannot work as set up; `warning`: likely hurts results; `info`: worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** One line, plain words. */
  title: string;
  /** What was measured, with numbers. */
  detail: string;
  /** The concrete change to try first. */
  fix: string;
  /** The layer the finding applies to, when it applies to one. */
  layer?: string;
  /** The model input the finding concerns (models with several inputs), by input name. */
  input?: string;
  /** The model output the finding concerns (models with several outputs), by output name. */
  output?: string;
  evidence: Record<string, number | string | boolean>;
  /** Section of CHECKLIST.md, e.g. 'T3'. */
  checklist: string;
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped' | 'error';

export interface CheckRun {
  id: string;
  status: CheckStatus;
  ms: number;
  /** Why a check was skipped or errored, or a one-line summary. */
  note?: string;
}

export type Task = 'multiclass' | 'binary' | 'multilabel' | 'regression';
export type InputKind = 'image' | 'tabular' | 'sequence';
export type Budget = 'quick' | 'thorough';

/** How a value of the context was obtained: given by the user or inferred (and from what). */
export interface Inferred<T> {
  value: T;
  source: 'option' | 'inferred';
  /** For inferred values: the evidence, in plain words ("softmax output with 10 units"). */
  reason?: string;
}

export interface DiagnosisContext {
  backend: string;
  task: Inferred<Task>;
  inputKind: Inferred<InputKind>;
  numClasses?: number;
  classNames?: string[];
  lossName: string;
  chanceLoss?: number;
  learningRate?: number;
  optimizerName?: string;
  batchSize: number;
  samplesSeen: number;
  budget: Budget;
  seed: number;
  modelName: string;
  parameterCount: number;
  /** Models with several inputs: each input by name, with its inferred kind. */
  inputs?: { name: string; inputKind: InputKind }[];
  /** Models with several outputs (or inputs): each output's task, loss and chance level. */
  outputs?: { name: string; task: Task; lossName: string; chanceLoss?: number; numClasses?: number; classNames?: string[] }[];
}

/** The result of diagnose() as plain data; Diagnosis (in diagnose.ts) adds show()/toHTML()/toText(). */
export interface DiagnosisData {
  /** Most severe first. */
  findings: Finding[];
  checks: CheckRun[];
  measurements: Measurements;
  context: DiagnosisContext;
  /** What to fix first, and which other findings it can explain (see triage.ts). */
  triage?: Triage;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Most severe first; stable for equal severities. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || a.order - b.order)
    .map(({ finding }) => finding);
}
