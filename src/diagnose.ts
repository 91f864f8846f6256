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
 *                   5. run checks in dependency order (providers of what a
 *                      check `needs` first): timing, progress, per-check error
 *                      isolation (a throwing check becomes status 'error')
 *                   6. sort findings (most severe first), triage (causes and
 *                      the symptoms each explains)
 *                   7. verify: the top causes' mechanical fixes on a clone,
 *                      before/after probe; triage again with the outcomes ──► Diagnosis
 *                   8. display it when asked (or when inside tslab)
 *
 * The user's model is only read: probes train clones, optimizers are fresh.
 * Called while model.fit() runs (from a callback or another cell), it works on
 * a snapshot of the weights; no engine scope stays open across an await, so
 * the training it interrupts goes on unharmed. Every tensor made here is
 * disposed before returning.
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
import { inputError } from './data/errors';
import { checkInputShape, checkProfileAgainstModel, modelFacts, type ModelFacts } from './context/model-info';
import { resolveLoss } from './context/loss';
import { optimizerRecipe } from './context/optimizer';
import { groupsForShape, labelSteps } from './context/infer';
import { seededRandom, streamSeed } from './context/random';
import { selectChecks } from './context/select';
import { buildContext } from './context/build';
import { triage } from './triage';
import { runChecks } from './checks/runner';
import { guardTensors } from './checks/tensor-guard';
import { cloneModel } from './model/clone';
import { findingsFromFixes, verifiedCauses, verifyFixes, type VerifiedFix } from './verify';
import { diagnoseMessages } from './messages/diagnose';
import { DiagnosisReport, type Diagnosis } from './report';
import { inNotebook } from './render';
import { diagnoseSeveral, isSeveralIo } from './multi/diagnose';
import { checkClassNames, classNamesPerOutput } from './multi/class-names';
import { guardDropoutMasks } from './model/dropout-masks';

export { DiagnoseInputError } from './data/errors';
export type { Diagnosis } from './report';
export type { DiagnoseOptions, DiagnoseData, ProgressEvent } from './options';

/** Progress on long streams at most this often. */
const PROFILE_PROGRESS_MS = 1000;

/** Profiles one split, checking the row shape against the model before any statistics are gathered. */
export async function profile(
  source: DataSource, name: string, model: tf.LayersModel, facts: ModelFacts, options: ResolvedOptions, random: () => number, knownLoss: boolean,
  hashes: { keep: boolean; against?: ReadonlySet<number> }, progress: (message: string) => void, embeddings?: tf.layers.Layer[],
): Promise<SplitProfile> {
  let lastReport = performance.now();
  const onRows = (rows: number): void => {
    const now = performance.now();
    if (now - lastReport < PROFILE_PROGRESS_MS) return;
    lastReport = now;
    progress(`profiled ${rows.toLocaleString('en-US')} samples of ${name}${source.kind === 'dataset' ? ` (reading at most ${options.maxSamples.toLocaleString('en-US')})` : ''}`);
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
    labelSteps: (labelShape) => labelSteps(labelShape, facts.outputShape),
    checkRowShape: (shape) => checkInputShape(facts, shape, source.kind === 'tensors' ? `${name}.x` : name),
    limits: { maxRows: options.maxSamples, signal: options.signal, yieldMs: options.yieldMs },
    modelRank: facts.inputShape.length,
  });
  if (result.rows === 0) throw inputError('datasetEmpty', name);
  checkProfileAgainstModel(model, facts, result, name, knownLoss, embeddings);
  return result;
}

/** The streaming pass, listed with the checks so the report shows where the time went. */
export function profileRun(train: SplitProfile, validation: SplitProfile | undefined): CheckRun {
  const count = (p: SplitProfile, name: string) =>
    `${p.rows.toLocaleString('en-US')} ${name} samples in ${p.seconds.toFixed(2)} s${p.truncated ? ' (stopped at options.maxSamples; more were left)' : ''}`;
  const seconds = train.seconds + (validation?.seconds ?? 0);
  return {
    id: 'profile',
    status: 'pass',
    ms: Math.round(1000 * seconds),
    note: `streamed ${count(train, 'training')}${validation ? ` and ${count(validation, 'validation')}` : ''}`,
  };
}

/** True while model.fit()/fitDataset() runs on `model` (tfjs sets the flag for the whole call; a Sequential on its inner model). */
export function isTraining(model: tf.LayersModel): boolean {
  const inner: unknown = Reflect.get(model, 'model');
  return Reflect.get(model, 'isTraining') === true || (inner instanceof tf.LayersModel && Reflect.get(inner, 'isTraining') === true);
}

/** Step 7: fixes tried on clones, as a CheckRun for the time it took; a failure costs the verification only. */
export async function verify(
  ctx: CheckContext, findings: Finding[], measurements: Measurements, first: ReturnType<typeof triage>,
): Promise<{ fixes: VerifiedFix[]; run?: CheckRun }> {
  if (!first) return { fixes: [] };
  const started = performance.now();
  try {
    const { value: fixes } = await guardTensors(() => verifyFixes(ctx, findings, first, measurements));
    if (fixes.length === 0) return { fixes };
    const cured = fixes.filter((f) => f.outcome === 'cured').length;
    return { fixes, run: { id: 'verify-fixes', status: 'pass', ms: Math.round(performance.now() - started), note: diagnoseMessages.verified(fixes.length, cured) } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { fixes: [], run: { id: 'verify-fixes', status: 'error', ms: Math.round(performance.now() - started), note: diagnoseMessages.verifyFailed(reason) } };
  }
}

/** Stage tracking for onProgress; between checks a cancelled diagnosis stops (the runner lets this throw through). */
export function progressOf(opts: ResolvedOptions): { setStage(stage: string, fraction: number): void; progress(message: string): void } {
  let stage = 'profile';
  let fraction = 0;
  return {
    setStage: (s, f) => { opts.signal?.throwIfAborted(); stage = s; fraction = f; },
    progress: (message) => opts.onProgress({ stage, message, fraction }),
  };
}

export function shouldDisplay(display: boolean | 'auto'): boolean {
  return display === 'auto' ? inNotebook() : display;
}

/**
 * Diagnoses `model` on `data`: what is wrong, why, and what to change.
 * Never changes the model (weights, optimizer state, trainable flags) and
 * leaves tf.memory().numTensors as it found it.
 */
export async function diagnose(model: tf.LayersModel, data: DiagnoseData, options?: DiagnoseOptions): Promise<Diagnosis> {
  // 1. Resolve options once.
  const resolved = resolveOptions(options);
  // Several inputs or outputs: the same steps, per input and per output (src/multi).
  if (isSeveralIo(model)) return diagnoseSeveral(model, data, resolved);
  // 2. Validate what can be validated without reading data.
  const facts = modelFacts(model);
  // classNames keyed by the output's name names its classes too.
  const opts: ResolvedOptions = { ...resolved, classNames: classNamesPerOutput(model, resolved)[0] };
  const loss = resolveLoss(model, opts.loss);
  const optimizer = optimizerRecipe(model, opts.optimizer, opts.learningRate);
  const plan = selectChecks(ALL_CHECKS, opts.only, opts.skip, opts.budget);
  const backend = await ready();
  const random = seededRandom(opts.seed);
  const { setStage, progress } = progressOf(opts);

  const sources: DataSource[] = [];
  let ctx: CheckContext | undefined;
  let snapshot: tf.LayersModel | undefined;
  const restoreMasks = guardDropoutMasks(model);
  try {
    // During model.fit() the weights change between our awaits: diagnose a copy taken now.
    if (isTraining(model)) snapshot = await cloneModel(model, { random: seededRandom(streamSeed(opts.seed, 'snapshot')) });
    const trainSource = toDataSource(data, 'data');
    sources.push(trainSource);
    const validationSource = opts.validation === undefined ? undefined : toDataSource(opts.validation, 'options.validation');
    if (validationSource) sources.push(validationSource);

    // 3. One streaming pass per split.
    progress('profiling the training data');
    const train = await profile(trainSource, 'data', model, facts, opts, random, loss.perRow !== undefined, { keep: validationSource !== undefined }, progress);
    setStage('profile', 0.1);
    progress('profiling the validation data');
    const validation = validationSource
      ? await profile(validationSource, 'options.validation', model, facts, opts, random, loss.perRow !== undefined, { keep: false, against: train.hashes }, progress)
      : undefined;
    train.hashes = undefined;

    // 4. The context every check reads.
    const findings: Finding[] = [];
    const measurements: Measurements = {};
    ctx = buildContext({
      model: snapshot ?? model, facts, loss, optimizer, options: opts, backend, source: trainSource.kind, train, validation, random,
      progress,
    });
    checkClassNames(opts.classNames, ctx.info, resolved.outputClassNames && Object.keys(resolved.outputClassNames)[0]);

    // 5. Checks, in dependency order.
    const snapshotRun: CheckRun[] = snapshot ? [{ id: 'snapshot', status: 'pass', ms: 0, note: diagnoseMessages.snapshot }] : [];
    const checks = [...snapshotRun, profileRun(train, validation), ...await runChecks(ctx, plan, findings, measurements, setStage, progress)];

    // 6. Most severe first; causes before their symptoms.
    const sorted = sortFindings(findings);
    const triaged = triage(sorted);
    // 7. Verified fixes for the top causes (none for a healthy model), then the triage with their outcomes.
    setStage('verify', 0.95);
    const verified = await verify(ctx, sorted, measurements, triaged);
    if (verified.run) checks.push(verified.run);
    if (verified.fixes.length > 0) measurements.verifiedFixes = verified.fixes;
    // A verified learning-rate fix for a symptom names the rate as the cause (when the range test did not).
    const earned = findingsFromFixes(verified.fixes, sorted, (f) => plan.keepFinding(f, 'lr-range'));
    const all = sortFindings([...sorted, ...earned]);
    const outcomes = [...verifiedCauses(verified.fixes), ...earned.map((f) => ({ cause: f.id, outcome: 'cured' as const }))];
    const final = verified.fixes.length > 0 ? triage(all, { verified: outcomes }) : triaged;
    const result: DiagnosisData = { findings: all, checks, measurements, context: ctx.info, triage: final };
    const report = new DiagnosisReport(result);
    // 8. Show it when asked, or by default inside a tslab cell (drawn only then: see report.ts).
    const display = shouldDisplay(opts.display);
    opts.onProgress({ stage: 'report', message: display ? 'rendering the report' : 'report ready (drawn when shown)', fraction: 1 });
    if (display) await report.show();
    return report;
  } finally {
    if (ctx) tf.dispose([ctx.train.x, ctx.train.y, ctx.validation?.x, ctx.validation?.y].filter((t): t is tf.Tensor => t !== undefined));
    sources.forEach(disposeSource);
    snapshot?.dispose();
    restoreMasks();
  }
}
