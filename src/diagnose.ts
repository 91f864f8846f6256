/**
 * diagnose(model, data, options): runs the checklist against a live model and
 * its data and returns a Diagnosis (findings, check runs, measurements).
 *
 *   options ──► 1. resolve options (defaults, once)
 *   model, data ──► 2. validate inputs (clear errors before tfjs is touched)
 *                   3. profile: ONE streaming pass per split (moments, labels,
 *                      batch purity, fingerprints, seeded reservoir sample)
 *                   4. build context: infer task, input kind, classes, chance loss;
 *                      probe tensors from the sample
 *                   5. run checks in order: timing, progress, per-check error
 *                      isolation (a throwing check becomes status 'error')
 *                   6. sort findings (most severe first), triage (what to fix
 *                      first, what it explains) ──► Diagnosis
 *                   7. display it when asked (or when inside tslab)
 *
 * The user's model is only read: probes train clones, optimizers are fresh.
 * Every tensor made here is disposed before returning.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from './backend';
import { ALL_CHECKS } from './checks';
import type { CheckContext } from './checks/base';
import type { Measurements } from './measurements';
import { sortFindings, type CheckRun, type DiagnosisData, type Finding } from './types';
import { resolveOptions, type DiagnoseData, type DiagnoseOptions, type ResolvedOptions } from './options';
import { disposeSource, toDataSource, type DataSource } from './data/source';
import { profileSplit, type SplitProfile } from './data/profile';
import { DiagnoseInputError } from './data/errors';
import { checkInputShape, modelFacts, type ModelFacts } from './context/model-info';
import { resolveLoss } from './context/loss';
import { optimizerRecipe } from './context/optimizer';
import { groupsForShape } from './context/infer';
import { seededRandom } from './context/random';
import { selectChecks } from './context/select';
import { buildContext } from './context/build';
import { triage } from './triage';
import { runChecks } from './checks/runner';
import { DiagnosisReport, type Diagnosis } from './report';
import { inNotebook } from './render';

export { DiagnoseInputError } from './data/errors';
export type { Diagnosis } from './report';
export type { DiagnoseOptions, DiagnoseData, ProgressEvent } from './options';

/** Progress on long streams at most this often. */
const PROFILE_PROGRESS_MS = 1000;

/** Profiles one split, checking the row shape against the model before any statistics are gathered. */
async function profile(
  source: DataSource, name: string, facts: ModelFacts, options: ResolvedOptions, random: () => number,
  hashes: { keep: boolean; against?: ReadonlySet<number> }, progress: (message: string) => void,
): Promise<SplitProfile> {
  let lastReport = performance.now();
  const onRows = (rows: number): void => {
    const now = performance.now();
    if (now - lastReport < PROFILE_PROGRESS_MS) return;
    lastReport = now;
    progress(`profiled ${rows.toLocaleString('en-US')} samples of ${name}`);
  };
  // The row shape is checked on the first batch, before any statistics (tensors: a slice; datasets: their first element).
  const rowShape = source.kind === 'tensors' ? source.x.shape.slice(1) : facts.inputShape.map((d) => d ?? 1);
  const result = await profileSplit(source, {
    groups: groupsForShape(rowShape),
    batchSize: options.batchSize,
    sampleRows: options.sampleRows,
    random,
    keepHashes: hashes.keep,
    against: hashes.against,
    name,
    onRows,
    checkRowShape: (shape) => checkInputShape(facts, shape, source.kind === 'tensors' ? `${name}.x` : name),
  });
  if (result.rows === 0) throw new DiagnoseInputError(`${name} yielded no samples; pass a non-empty dataset.`);
  return result;
}

/** The streaming pass, listed with the checks so the report shows where the time went. */
function profileRun(train: SplitProfile, validation: SplitProfile | undefined): CheckRun {
  const count = (p: SplitProfile, name: string) => `${p.rows.toLocaleString('en-US')} ${name} samples in ${p.seconds.toFixed(2)} s`;
  const seconds = train.seconds + (validation?.seconds ?? 0);
  return {
    id: 'profile',
    status: 'pass',
    ms: Math.round(1000 * seconds),
    note: `streamed ${count(train, 'training')}${validation ? ` and ${count(validation, 'validation')}` : ''}`,
  };
}

function shouldDisplay(display: boolean | 'auto'): boolean {
  return display === 'auto' ? inNotebook() : display;
}

/**
 * Diagnoses `model` on `data`: what is wrong, why, and what to change.
 * Never changes the model (weights, optimizer state, trainable flags) and
 * leaves tf.memory().numTensors as it found it.
 */
export async function diagnose(model: tf.LayersModel, data: DiagnoseData, options?: DiagnoseOptions): Promise<Diagnosis> {
  // 1. Resolve options once.
  const opts = resolveOptions(options);
  // 2. Validate what can be validated without reading data.
  const facts = modelFacts(model);
  const loss = resolveLoss(model, opts.loss);
  const optimizer = optimizerRecipe(model, opts.optimizer, opts.learningRate);
  const plan = selectChecks(ALL_CHECKS, opts.only, opts.skip, opts.budget);
  const backend = await ready();
  const random = seededRandom(opts.seed);
  let stage = 'profile';
  let fraction = 0;
  const setStage = (s: string, f: number): void => { stage = s; fraction = f; };
  const progress = (message: string): void => opts.onProgress({ stage, message, fraction });

  const sources: DataSource[] = [];
  let ctx: CheckContext | undefined;
  try {
    const trainSource = toDataSource(data, 'data');
    sources.push(trainSource);
    const validationSource = opts.validation === undefined ? undefined : toDataSource(opts.validation, 'options.validation');
    if (validationSource) sources.push(validationSource);

    // 3. One streaming pass per split.
    progress('profiling the training data');
    const train = await profile(trainSource, 'data', facts, opts, random, { keep: validationSource !== undefined }, progress);
    setStage('profile', 0.1);
    progress('profiling the validation data');
    const validation = validationSource
      ? await profile(validationSource, 'options.validation', facts, opts, random, { keep: false, against: train.hashes }, progress)
      : undefined;
    train.hashes = undefined;

    // 4. The context every check reads.
    const findings: Finding[] = [];
    const measurements: Measurements = {};
    ctx = buildContext({
      model, facts, loss, optimizer, options: opts, backend, source: trainSource.kind, train, validation, random,
      progress, earlier: { findings, measurements },
    });

    // 5. Checks, in order.
    const checks = [profileRun(train, validation), ...await runChecks(ctx, plan, findings, measurements, setStage, progress)];

    // 6. Most severe first.
    const sorted = sortFindings(findings);
    const result: DiagnosisData = { findings: sorted, checks, measurements, context: ctx.info, triage: triage(sorted) };
    const report = new DiagnosisReport(result);
    // 7. Show it when asked, or by default inside a tslab cell (drawn only then: see report.ts).
    const display = shouldDisplay(opts.display);
    opts.onProgress({ stage: 'report', message: display ? 'rendering the report' : 'report ready (drawn when shown)', fraction: 1 });
    if (display) await report.show();
    return report;
  } finally {
    if (ctx) tf.dispose([ctx.train.x, ctx.train.y, ctx.validation?.x, ctx.validation?.y].filter((t): t is tf.Tensor => t !== undefined));
    sources.forEach(disposeSource);
  }
}
