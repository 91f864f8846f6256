/**
 * Runs one case variant through diagnose() as a user would, and records what
 * the trust benchmark scores: the findings (id + severity), triage.first,
 * tensors leaked by diagnose(), whether the model came back bit-identical,
 * and (verbose mode) how a plain model.fit trains the same setup.
 */
import * as tf from '@tensorflow/tfjs';
import { diagnose } from '../../src/diagnose';
import type { Severity } from '../../src/types';
import type { Case, Expected, Setup, TrainsTo } from './base';
import { seededRandom } from '../../src/context/random';
import { withSeed } from './seed';

export type Variant = 'buggy' | 'fixed' | 'faulty' | 'healthy';
export type Suite = 'corpus' | 'faults' | 'zoo';

/** One variant of one case, ready to run. */
export interface Run {
  suite: Suite;
  caseId: string;
  variant: Variant;
  /** An injected fault's healthy setup (its case id). */
  base?: string;
  /** What the variant must produce; undefined for setups that must be clean. */
  expected?: Expected;
  /** How a plain fit must train it (healthy controls, fixed real bugs). */
  trainsTo?: TrainsTo;
  /** What verbose mode prints after a plain fit. Defaults to 'acc' for several output units, else 'loss'. */
  fitMetric?: TrainsTo['metric'];
  build(): Setup;
}

export interface FitResult {
  metric: 'acc' | 'loss';
  value: number;
  threshold?: number;
  ok?: boolean;
  /** model.fit threw (tfjs refuses some broken set-ups outright): the message. */
  error?: string;
}

export interface RunResult {
  run: Omit<Run, 'build'>;
  findings: { id: string; severity: Severity }[];
  first?: string;
  explains?: string[];
  /** tf.memory().numTensors after diagnose() minus before. */
  leaked: number;
  /** Weights bit-identical and trainable flags unchanged after diagnose(). */
  unchanged: boolean;
  ms: number;
  /** CPU time of this process (user + system) spent in diagnose(), ms; with repeats the least of them. */
  cpuMs: number;
  /** CPU ms of one training step (trainOnBatch) of the same model on one batch of its data, when measured (zoo runs). */
  stepCpuMs?: number;
  /** diagnose() threw: the message. */
  error?: string;
  fit?: FitResult;
  /** With repeats: every distinct outcome (findings + triage.first) the same seed gave; more than one is non-determinism. */
  outcomes?: string[];
}

/** Every runnable variant of the cases: real bugs give two, faults and controls one. */
export function runsOf(cases: readonly Case[]): Run[] {
  return cases.flatMap((c): Run[] => {
    switch (c.kind) {
      case 'real':
        return [
          { suite: 'corpus', caseId: c.id, variant: 'buggy', expected: c.expected, fitMetric: c.trainsTo?.metric, build: c.buggy },
          { suite: 'corpus', caseId: c.id, variant: 'fixed', trainsTo: c.trainsTo, fitMetric: c.trainsTo?.metric, build: c.fixed },
        ];
      case 'fault':
        return [{ suite: 'faults', caseId: c.id, variant: 'faulty', base: c.base, expected: c.expected, build: c.build }];
      case 'healthy':
        return [{ suite: 'faults', caseId: c.id, variant: 'healthy', trainsTo: c.trainsTo, fitMetric: c.trainsTo.metric, build: c.build }];
    }
  });
}

interface ModelState {
  weights: Float32Array[];
  trainable: boolean[];
}

function modelState(model: tf.LayersModel): ModelState {
  return {
    weights: model.getWeights().map((w) => Float32Array.from(w.dataSync())),
    trainable: model.layers.map((l) => l.trainable),
  };
}

function sameState(a: ModelState, b: ModelState): boolean {
  return a.weights.length === b.weights.length &&
    a.weights.every((w, i) => w.length === b.weights[i].length && w.every((v, j) => Object.is(v, b.weights[i][j]))) &&
    a.trainable.length === b.trainable.length && a.trainable.every((t, i) => t === b.trainable[i]);
}

/** Every tensor a setup holds (data, validation data), to dispose after the run. */
function tensorsOf(setup: Setup): tf.Tensor[] {
  const found: tf.Tensor[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (value instanceof tf.Tensor) found.push(value);
    else if (depth < 3 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.values(value).forEach((v) => visit(v, depth + 1));
    }
  };
  visit(setup.data, 0);
  visit(setup.options?.validation, 0);
  return found;
}

function asTensor(value: unknown): tf.Tensor | undefined {
  if (value instanceof tf.Tensor) return value;
  if (Array.isArray(value) && !value.some((v) => v instanceof tf.Tensor)) return tf.tensor(value as number[]);
  return undefined;
}

/** The inputs as fit takes them: one tensor, or one tensor per input of a several-input model (given as a list). */
function asInputs(value: unknown): tf.Tensor | tf.Tensor[] | undefined {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof tf.Tensor)) return value as tf.Tensor[];
  return asTensor(value);
}

/** Accuracy of predictions against one-hot, sparse or binary labels. */
function accuracy(model: tf.LayersModel, x: tf.Tensor | tf.Tensor[], y: tf.Tensor): number {
  return tf.tidy(() => {
    const pred = model.predict(x) as tf.Tensor;
    const units = pred.shape[pred.shape.length - 1] ?? 1;
    const right = units === 1
      ? tf.equal(tf.greater(pred.reshape([-1]), 0.5), tf.greater(y.reshape([-1]), 0.5))
      : tf.equal(tf.argMax(pred, -1), y.shape[y.shape.length - 1] === 1 || y.rank === 1 ? y.reshape([-1]).toInt() : tf.argMax(y, -1));
    return right.toFloat().mean().dataSync()[0];
  });
}

/** A plain model.fit on the setup, as the user would run it; the result on the training data. */
export async function plainFit(setup: Setup, trainsTo: TrainsTo | undefined, fitMetric: TrainsTo['metric'] | undefined, seed: number): Promise<FitResult | undefined> {
  const data = setup.data;
  if (!('x' in data) || !('y' in data)) return undefined;
  const x = asInputs(data.x);
  const y = asTensor(data.y);
  if (!x || !y) return undefined;
  const metric = fitMetric ?? ((setup.model.outputs[0].shape.at(-1) ?? 1) > 1 ? 'acc' : 'loss');
  const original = Math.random;
  try {
    // Shuffling and dropout in fit draw from Math.random: seeded, so verbose output is reproducible.
    Math.random = seededRandom(seed);
    const history = await setup.model.fit(x, y, {
      epochs: setup.fit?.epochs ?? 5, batchSize: setup.fit?.batchSize ?? 32, validationSplit: setup.fit?.validationSplit, verbose: 0,
    }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    if (history instanceof Error) {
      return { metric, value: NaN, threshold: trainsTo?.threshold, ok: trainsTo === undefined ? undefined : false, error: history.message };
    }
    const losses = history.history.loss as number[];
    const value = metric === 'acc' ? accuracy(setup.model, x, y) : losses[losses.length - 1];
    const ok = trainsTo === undefined ? undefined : metric === 'acc' ? value >= trainsTo.threshold : value <= trainsTo.threshold;
    return { metric, value, threshold: trainsTo?.threshold, ok };
  } finally {
    Math.random = original;
    if (x !== data.x && x instanceof tf.Tensor) x.dispose();
    if (y !== data.y) y.dispose();
  }
}

export interface RunOptions {
  seed: number;
  /** Also fit the setup after the diagnosis and record how it trained. */
  fit: boolean;
  /** Diagnose each variant this many times (fresh build, same seed) to catch non-determinism. Defaults to 1. */
  repeat?: number;
  /** Also time training steps of the setup's model (RunResult.stepCpuMs), the unit the zoo's cost ratios are judged in. */
  stepCost?: boolean;
}

/** What must not change between two runs with the same seed: the findings with their severities, and triage.first. */
export function outcomeOf(result: RunResult): string {
  const findings = result.findings.map((f) => `${f.id}:${f.severity}`).sort().join(',');
  return `${result.error ? `threw ${result.error}` : findings || '-'} first=${result.first ?? '-'}`;
}

/** runOne `repeat` times; the first run's result, with every distinct outcome, leaks and changed models of all runs. */
export async function runRepeated(run: Run, options: RunOptions): Promise<RunResult> {
  const first = await runOne(run, options);
  const outcomes = new Set([outcomeOf(first)]);
  for (let i = 1; i < (options.repeat ?? 1); i++) {
    const again = await runOne(run, { ...options, fit: false });
    outcomes.add(outcomeOf(again));
    first.leaked = Math.max(first.leaked, again.leaked);
    first.cpuMs = Math.min(first.cpuMs, again.cpuMs);
    first.unchanged &&= again.unchanged;
  }
  return { ...first, outcomes: [...outcomes] };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const STEP_TIMING = { warmup: 2, minSteps: 3, maxSteps: 50, minCpuMs: 100 };

/** One batch of the setup's data as model.trainOnBatch takes it (tensors: the first rows; datasets: the first element). */
type Batch = tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;

async function firstBatch(setup: Setup): Promise<{ x: Batch; y: Batch; dispose: tf.Tensor[] } | undefined> {
  const data = setup.data;
  const rows = setup.fit?.batchSize ?? 32;
  const head = (v: unknown): unknown => {
    if (v instanceof tf.Tensor) return v.slice(0, Math.min(rows, v.shape[0]));
    if (Array.isArray(v) && v.every((t) => t instanceof tf.Tensor)) return v.map(head);
    if (Array.isArray(v)) return tf.tensor(v.slice(0, rows) as number[]);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, head(t)]));
    return undefined;
  };
  let batch: { x: unknown; y: unknown };
  if ('x' in data && 'y' in data) batch = { x: head(data.x), y: head(data.y) };
  else if (data instanceof tf.data.Dataset) {
    const [element] = await (data as tf.data.Dataset<{ xs: tf.TensorContainer; ys: tf.TensorContainer }>).take(1).toArray();
    if (!element) return undefined;
    batch = { x: element.xs, y: element.ys };
  } else return undefined;
  const dispose: tf.Tensor[] = [];
  const collect = (v: unknown): void => {
    if (v instanceof tf.Tensor) dispose.push(v);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(batch);
  return { x: batch.x as Batch, y: batch.y as Batch, dispose };
}

/**
 * CPU ms of one training step of the setup's model on one batch (the median of
 * at least 3 timed steps, after 2 untimed): what the same model costs to train,
 * so a diagnosis's cost reads in steps of its own model. Undefined when the
 * model is not compiled or the step throws.
 */
export async function stepCpuMs(setup: Setup): Promise<number | undefined> {
  if (!setup.model.optimizer) return undefined;
  const batch = await firstBatch(setup);
  if (!batch) return undefined;
  try {
    for (let i = 0; i < STEP_TIMING.warmup; i++) await setup.model.trainOnBatch(batch.x, batch.y);
    const times: number[] = [];
    let total = 0;
    while (times.length < STEP_TIMING.minSteps || (total < STEP_TIMING.minCpuMs && times.length < STEP_TIMING.maxSteps)) {
      const start = process.cpuUsage();
      await setup.model.trainOnBatch(batch.x, batch.y);
      const ms = cpuMsSince(start);
      times.push(ms);
      total += ms;
    }
    return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } catch {
    return undefined;
  } finally {
    tf.dispose(batch.dispose);
  }
}

/** Builds the variant (seeded), diagnoses it, measures leaks and model state, disposes everything. */
export async function runOne(run: Run, options: RunOptions): Promise<RunResult> {
  const setup = withSeed(options.seed, run.build);
  const { build: _build, ...described } = run;
  const before = modelState(setup.model);
  const tensors = tf.memory().numTensors;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let result: RunResult;
  try {
    const report = await diagnose(setup.model, setup.data, { ...setup.options, display: false, seed: options.seed });
    result = {
      cpuMs: cpuMsSince(cpuStart),
      run: described,
      findings: report.findings.map((f) => ({ id: f.id, severity: f.severity })),
      first: report.triage?.first,
      explains: report.triage?.explains,
      leaked: tf.memory().numTensors - tensors,
      unchanged: false,
      ms: performance.now() - started,
    };
  } catch (error) {
    result = {
      cpuMs: cpuMsSince(cpuStart), run: described, findings: [], leaked: tf.memory().numTensors - tensors, unchanged: false,
      ms: performance.now() - started, error: error instanceof Error ? error.message : String(error),
    };
  }
  result.unchanged = sameState(before, modelState(setup.model));
  try {
    if (options.fit) result.fit = await plainFit(setup, run.trainsTo, run.fitMetric, options.seed);
    // Last: it trains the model, which is disposed right after.
    if (options.stepCost) result.stepCpuMs = await stepCpuMs(setup);
  } finally {
    tf.dispose(tensorsOf(setup));
    setup.model.optimizer?.dispose();
    setup.model.dispose();
  }
  return result;
}
