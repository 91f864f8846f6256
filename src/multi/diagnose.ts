/**
 * diagnose() for a model with several inputs or outputs: the steps of
 * src/diagnose.ts, per facet (see facets.ts).
 *
 *   data ──► 1. validate (arrays or objects in model order, as model.fit takes them)
 *            2. profile: one pass per input (x_i), per output (its feeding inputs
 *               packed, its labels) and for the whole model (all packed)
 *            3. contexts: per input, per output (sub-model input(s) -> output j,
 *               its loss and chance level), whole model (total loss, total chance)
 *            4. checks: input checks per input, label/loss checks per output,
 *               network checks on the whole model; findings tagged with their
 *               input or output, measurements of each facet kept apart
 *            5. triage, verified fixes (whole-model findings only) ──► Diagnosis
 *
 * Sub-models share the user's layers: they are never disposed or trained
 * (probes train clones). Every tensor made here is disposed before returning.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../backend';
import { ALL_CHECKS } from '../checks';
import type { CheckContext } from '../checks/base';
import { runChecks } from '../checks/runner';
import { buildContext } from '../context/build';
import { compiledLoss, resolveLoss, type ResolvedLoss } from '../context/loss';
import { factsOf, isDisposedModel, type ModelFacts } from '../context/model-info';
import { optimizerRecipe } from '../context/optimizer';
import { seededRandom, streamSeed } from '../context/random';
import { selectChecks } from '../context/select';
import { disposeSource, type DataSource } from '../data/source';
import type { SplitProfile } from '../data/profile';
import { inputError } from '../data/errors';
import { isTraining, profile, profileRun, progressOf, shouldDisplay, verify } from '../diagnose';
import type { Measurements, MeasurementPart } from '../measurements';
import { cloneModel } from '../model/clone';
import type { DiagnoseData, ResolvedOptions } from '../options';
import { DiagnosisReport, type Diagnosis } from '../report';
import { triage } from '../triage';
import { sortFindings, type CheckRun, type DiagnosisContext, type Finding } from '../types';
import { diagnoseMessages } from '../messages/diagnose';
import { severalMessages } from '../messages/several';
import { checkFirstElement, disposeMultiData, facetSource, toMultiData, type FacetPick, type MultiData } from './data';
import { embeddingsOf, feedingInputs, fixedShapes, INPUT_CHECK_IDS, OUTPUT_CHECK_IDS, subPlan, tagFinding, withCheck, type FacetKind } from './facets';
import { totalLoss } from './loss';
import { copiedTargetsInput, teacherForcedInput } from './relation';
import { sourceRelationCheck } from './source-relation';
import { sequenceMessages } from '../messages/sequences';
import { checkClassNames, classNamesPerOutput } from './class-names';
import { guardDropoutMasks } from '../model/dropout-masks';

/** A LayersModel with more than one input or output (anything else takes the single-io path and its errors). */
export function isSeveralIo(model: unknown): model is tf.LayersModel {
  const m = model as Partial<tf.LayersModel> | null;
  return typeof m === 'object' && m !== null && Array.isArray(m.inputs) && Array.isArray(m.outputs) && typeof m.predict === 'function' &&
    (m.inputs.length > 1 || m.outputs.length > 1);
}

/** One facet: what its checks see. */
interface Facet {
  kind: FacetKind | 'model';
  name: string;
  pick: FacetPick;
  model: tf.LayersModel;
  facts: ModelFacts;
  loss: ResolvedLoss;
  knownLoss: boolean;
  embeddings: tf.layers.Layer[];
  keepHashes: boolean;
  options: ResolvedOptions;
}


/** The sub-model from the inputs output `j` reads to output `j` (shares the user's layers; the whole model when it is that). */
function outputModel(model: tf.LayersModel, inputs: number[], j: number): tf.LayersModel {
  if (model.outputs.length === 1 && inputs.length === model.inputs.length) return model;
  return tf.model({ inputs: inputs.map((i) => model.inputs[i]), outputs: model.outputs[j], name: `${model.name}_${model.outputNames[j]}` });
}

function facetsOf(model: tf.LayersModel, opts: ResolvedOptions, shapes: { inputs: number[][]; outputs: number[][] }): { facets: Facet[]; parts: { name: string; loss: ResolvedLoss }[] } {
  const classNames = classNamesPerOutput(model, opts);
  const packedShape = (inputs: number[]): number[] => (inputs.length === 1 ? shapes.inputs[inputs[0]] : [inputs.reduce((s, i) => s + tf.util.sizeFromShape(shapes.inputs[i]), 0)]);
  const knownLoss = typeof opts.loss !== 'function';
  const outputs = model.outputNames.map((name, j) => {
    const inputs = feedingInputs(model, j);
    const sub = outputModel(model, inputs, j);
    const loss = opts.loss === undefined ? compiledLoss(model, j) : resolveLoss(model, opts.loss);
    const facts = factsOf(sub, packedShape(inputs));
    return { name, inputs, sub, loss, facts };
  });
  const facets: Facet[] = [];
  const single = model.outputs.length === 1;
  model.inputNames.forEach((name, i) => {
    const j = Math.max(0, outputs.findIndex((o) => o.inputs.includes(i)));
    const tokens = embeddingsOf(model, i).length > 0;
    facets.push({
      kind: 'input', name, pick: { inputs: [i], outputs: [j] }, model, facts: { ...outputs[j].facts, inputShape: shapes.inputs[i] },
      loss: outputs[j].loss, knownLoss: false, embeddings: embeddingsOf(model, i), keepHashes: true,
      options: { ...opts, classNames: classNames[j], inputKind: opts.inputKind ?? (tokens ? 'sequence' : undefined) },
    });
  });
  outputs.forEach((o, j) => {
    facets.push({
      kind: 'output', name: o.name, pick: { inputs: o.inputs, outputs: [j] }, model: o.sub, facts: o.facts, loss: o.loss, knownLoss,
      embeddings: o.inputs.length === 1 ? embeddingsOf(model, o.inputs[0]) : [], keepHashes: false,
      options: { ...opts, classNames: classNames[j] },
    });
  });
  const all = model.inputNames.map((_, i) => i);
  const parts = outputs.map((o, j) => ({ name: o.name, loss: o.loss, weight: 1, labelShape: [] as number[], outputShape: shapes.outputs[j] }));
  const packedUnits = shapes.outputs.reduce((s, shape) => s + tf.util.sizeFromShape(shape), 0);
  const wholeFacts: ModelFacts = single ? { ...outputs[0].facts, inputShape: packedShape(all) } : {
    inputShape: packedShape(all), outputShape: [packedUnits],
    outputUnits: packedUnits, outputActivation: 'linear',
    outputLayer: model.outputNames.join(', '), parameterCount: model.countParams(),
  };
  facets.push({
    kind: 'model', name: model.name, pick: { inputs: all, outputs: model.outputNames.map((_, j) => j) }, model, facts: wholeFacts,
    loss: single ? outputs[0].loss : totalLoss(parts), knownLoss: false, embeddings: [], keepHashes: false,
    options: { ...opts, task: single ? opts.task : 'regression', classNames: single ? classNames[0] : undefined },
  });
  return { facets, parts: outputs };
}

/** Label row shapes as the loss sees them ([n] labels of a [n, 1] output become [n, 1]). */
function lossLabelShape(profileShape: number[]): number[] {
  return profileShape.length === 0 ? [1] : profileShape;
}

interface FacetRun {
  facet: Facet;
  ctx: CheckContext;
  train: SplitProfile;
  validation?: SplitProfile;
}

/** Diagnoses a model with several inputs or outputs (see the top of this file). */
export async function diagnoseSeveral(model: tf.LayersModel, data: DiagnoseData, opts: ResolvedOptions): Promise<Diagnosis> {
  if (isDisposedModel(model)) throw inputError('modelDisposed');
  const shapes = fixedShapes(model);
  // Validates losses and copyability before any data is read.
  facetsOf(model, opts, shapes);
  const optimizer = optimizerRecipe(model, opts.optimizer, opts.learningRate);
  const plan = selectChecks(ALL_CHECKS, opts.only, opts.skip, opts.budget);
  const backend = await ready();
  const random = seededRandom(opts.seed);
  const { setStage, progress } = progressOf(opts);

  const multi: MultiData[] = [];
  const sources: DataSource[] = [];
  const runs: FacetRun[] = [];
  let snapshot: tf.LayersModel | undefined;
  const restoreMasks = guardDropoutMasks(model);
  try {
    if (isTraining(model)) snapshot = await cloneModel(model, { random: seededRandom(streamSeed(opts.seed, 'snapshot')) });
    const target = snapshot ?? model;
    const { facets, parts } = facetsOf(target, opts, shapes);
    const train = toMultiData(target, data, 'data');
    multi.push(train);
    const validation = opts.validation === undefined ? undefined : toMultiData(target, opts.validation, 'options.validation');
    if (validation) multi.push(validation);
    await checkFirstElement(target, train, 'data');
    if (validation) await checkFirstElement(target, validation, 'options.validation');

    // 2-3. One profile per facet and split, then its context.
    progress('profiling the training data');
    for (const facet of facets) {
      const trainSource = facetSource(target, train, facet.pick, 'data');
      sources.push(trainSource);
      const trainProfile = await profile(trainSource, 'data', facet.model, facet.facts, facet.options, random, facet.knownLoss, { keep: facet.keepHashes && validation !== undefined }, progress, facet.embeddings);
      const validationSource = validation && facetSource(target, validation, facet.pick, 'options.validation');
      if (validationSource) sources.push(validationSource);
      const validationProfile = validationSource
        ? await profile(validationSource, 'options.validation', facet.model, facet.facts, facet.options, random, facet.knownLoss, { keep: false, against: trainProfile.hashes }, progress, facet.embeddings)
        : undefined;
      trainProfile.hashes = undefined;
      let loss = facet.loss;
      if (facet.kind === 'model' && model.outputs.length > 1) {
        // The total loss unpacks labels with the shapes the data has.
        const labelShapes = runs.filter((r) => r.facet.kind === 'output').map((r) => lossLabelShape(r.train.labelShape));
        loss = totalLoss(parts.map((p, j) => ({ ...p, weight: 1, labelShape: labelShapes[j], outputShape: shapes.outputs[j] })));
      }
      const ctx = buildContext({
        model: facet.model, facts: facet.facts, loss, optimizer, options: facet.options, backend, source: trainSource.kind,
        train: trainProfile, validation: validationProfile, random, progress,
      });
      runs.push({ facet, ctx, train: trainProfile, validation: validationProfile });
      // After the push: its probe tensors are disposed on this error path too.
      if (facet.kind === 'output') checkClassNames(facet.options.classNames, ctx.info, opts.outputClassNames && facet.name);
      setStage('profile', 0.15 * (runs.length / facets.length));
    }

    // 4. Checks per facet.
    const findings: Finding[] = [];
    const measurements: Measurements = {};
    const measuredParts: MeasurementPart[] = [];
    const checks: CheckRun[] = snapshot ? [{ id: 'snapshot', status: 'pass', ms: 0, note: diagnoseMessages.snapshot }] : [];
    const whole = runs[runs.length - 1];
    const outputs = runs.filter((r) => r.facet.kind === 'output');
    const chance = totalChance(outputs);
    const wholeCtx: CheckContext = model.outputs.length > 1
      ? { ...whole.ctx, chance, info: { ...whole.ctx.info, chanceLoss: chance?.loss, task: { value: 'regression', source: 'inferred', reason: severalMessages.wholeTask(outputs.length) } } }
      : whole.ctx;
    for (const run of runs) {
      const { facet } = run;
      const own: Finding[] = [];
      const ownMeasurements: Measurements = {};
      const ctx = facet.kind === 'model' ? wholeCtx : run.ctx;
      const ids = facet.kind === 'input' ? INPUT_CHECK_IDS
        : facet.kind === 'output' ? outputChecks(run, runs.indexOf(run) === model.inputs.length)
          : new Set(ALL_CHECKS.map((c) => c.id).filter((id) => !INPUT_CHECK_IDS.has(id) && !OUTPUT_CHECK_IDS.has(id)));
      const silent = facet.kind === 'model' ? new Set(['initial-loss']) : new Set<string>();
      // An encoder-decoder output: its relation is judged on the source, the teacher-forced input left out.
      const forced = facet.kind === 'output' ? teacherForcedInput(target, run) : undefined;
      const facetPlan = subPlan(plan, ids, silent);
      const relationPlan = forced ? withCheck(facetPlan, sourceRelationCheck(target, facet.pick, forced, facet.name)) : facetPlan;
      const facetRuns = await runChecks(ctx, relationPlan, own, facet.kind === 'model' ? measurements : ownMeasurements, setStage, progress);
      // A decoder input that is the targets themselves (teacher forcing without the shift).
      const copied = facet.kind === 'output' ? copiedTargetsInput(target, run) : undefined;
      if (copied) own.push(sequenceMessages.decoderCopiesTargets({ input: copied.name, share: copied.share, positions: copied.positions }));
      if (facet.kind === 'model') {
        checks.push(profileRun(run.train, run.validation), ...facetRuns);
        findings.push(...own);
      } else {
        const kind = facet.kind;
        checks.push(...facetRuns.map((r) => ({ ...r, id: `${r.id} (${kind} '${facet.name}')` })));
        findings.push(...own.map((f) => tagFinding(f, kind, facet.name)));
        measuredParts.push({ kind, name: facet.name, measurements: ownMeasurements });
      }
    }
    measurements.parts = measuredParts;

    // 5. Triage; verified fixes for whole-model causes only (a fix on one head is not a mechanical change of the model).
    const sorted = sortFindings(findings);
    const triaged = triage(sorted);
    setStage('verify', 0.95);
    const modelFindings = sorted.filter((f) => f.input === undefined && f.output === undefined);
    const verified = triaged?.first !== undefined && modelFindings.some((f) => f.id === triaged.first)
      ? await verify(wholeCtx, modelFindings, measurements, triage(modelFindings))
      : { fixes: [] };
    if (verified.run) checks.push(verified.run);
    if (verified.fixes.length > 0) measurements.verifiedFixes = verified.fixes;
    const info: DiagnosisContext = {
      ...wholeCtx.info,
      inputs: runs.filter((r) => r.facet.kind === 'input').map((r) => ({ name: r.facet.name, inputKind: r.ctx.info.inputKind.value })),
      outputs: outputs.map((r) => ({
        name: r.facet.name, task: r.ctx.info.task.value, lossName: r.ctx.info.lossName, chanceLoss: r.ctx.info.chanceLoss, numClasses: r.ctx.info.numClasses,
        classNames: r.ctx.info.classNames,
      })),
    };
    const report = new DiagnosisReport({ findings: sorted, checks, measurements, context: info, triage: triaged });
    const display = shouldDisplay(opts.display);
    opts.onProgress({ stage: 'report', message: display ? 'rendering the report' : 'report ready (drawn when shown)', fraction: 1 });
    if (display) await report.show();
    return report;
  } finally {
    runs.forEach(({ ctx }) => tf.dispose([ctx.train.x, ctx.train.y, ctx.validation?.x, ctx.validation?.y].filter((t): t is tf.Tensor => t !== undefined)));
    sources.forEach(disposeSource);
    multi.forEach(disposeMultiData);
    snapshot?.dispose();
    restoreMasks();
  }
}

/** Label and loss checks of one output; the sample grid once (for the first output), when the inputs are not packed. */
function outputChecks(run: FacetRun, first: boolean): ReadonlySet<string> {
  const samples = first && run.facet.pick.inputs.length === 1;
  return new Set([...OUTPUT_CHECK_IDS].filter((id) => id !== 'samples' || samples));
}

/** The chance level of the total loss: the sum over outputs (undefined when one output has none). */
function totalChance(outputs: readonly FacetRun[]): CheckContext['chance'] {
  const levels = outputs.map((r) => r.ctx.chance);
  if (levels.some((c) => c === undefined)) return undefined;
  const defined = levels.filter((c): c is NonNullable<typeof c> => c !== undefined);
  return {
    loss: defined.reduce((s, c) => s + c.loss, 0),
    reason: severalMessages.totalChance(outputs.map((r, j) => ({ name: r.facet.name, loss: defined[j].loss }))),
    band: [defined.reduce((s, c) => s + c.band[0], 0), defined.reduce((s, c) => s + c.band[1], 0)],
  };
}
