/**
 * Profiles + model + options -> the CheckContext every check reads: inferred
 * task, input kind and classes, the chance level, and bounded probe tensors.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckContext, DataProfiles, ProbeData } from '../checks/base';
import type { DiagnosisContext, InputKind } from '../types';
import type { ResolvedOptions } from '../options';
import type { Reservoir, SplitProfile } from '../data/profile';
import { emptyGroupStats, mergeMoments, type GroupStats } from '../data/stats';
import { cloneModel } from '../model/clone';
import { chanceLevel } from './chance';
import { feedsEmbedding, inferClassCount, inferInputKind, inferTask } from './infer';
import type { ModelFacts } from './model-info';
import type { ResolvedLoss } from './loss';
import type { OptimizerRecipe } from './optimizer';
import { shuffledIndices } from './random';
import { tokenInput } from './sequence-model';

/** Folds per-column statistics into one group (a flattened grayscale image has one channel). */
function mergeGroups(stats: GroupStats): GroupStats {
  const merged = emptyGroupStats(1);
  for (let g = 0; g < stats.count.length; g++) {
    mergeMoments(merged, 0, stats.count[g], stats.mean[g], stats.m2[g]);
    if (stats.count[g] > 0) {
      merged.min[0] = Math.min(merged.min[0], stats.min[g]);
      merged.max[0] = Math.max(merged.max[0], stats.max[g]);
    }
    merged.nonFinite[0] += stats.nonFinite[g];
  }
  return merged;
}

function minOf(stats: GroupStats): number {
  return Math.min(...Array.from(stats.min).filter(Number.isFinite), Infinity);
}

function featureNames(kind: InputKind, groups: number): string[] {
  if (kind === 'image') {
    if (groups === 1) return ['gray'];
    if (groups === 3) return ['red', 'green', 'blue'];
    if (groups === 4) return ['red', 'green', 'blue', 'alpha'];
    return Array.from({ length: groups }, (_, i) => `channel ${i}`);
  }
  return Array.from({ length: groups }, (_, i) => `feature ${i}`);
}

/** The reservoir as tensors, rows in a seeded random order so probe batches mix classes. */
function probeTensors(sample: Reservoir, rowShape: number[], labelShape: number[], random: () => number): ProbeData {
  const order = shuffledIndices(sample.x.length, random);
  const rowSize = sample.x[0]?.length ?? 0;
  const width = sample.y[0]?.length ?? 0;
  const xs = new Float32Array(order.length * rowSize);
  const ys = new Float32Array(order.length * width);
  order.forEach((from, to) => {
    xs.set(sample.x[from], to * rowSize);
    ys.set(sample.y[from], to * width);
  });
  return {
    x: tf.tensor(xs, [order.length, ...rowShape]),
    y: tf.tensor(ys, [order.length, ...labelShape]),
    indices: order.map((i) => sample.indices[i]),
  };
}

/**
 * Token ids outside the Embedding's 0..inputDim-1 (reported by the token-inputs
 * check as tokens-out-of-range) clipped into range in the probe tensors, so the
 * probes run on lookups tfjs can do instead of garbage; the user's data is untouched.
 */
function clipTokenIds(probe: ProbeData, model: tf.LayersModel): ProbeData {
  const tokens = tokenInput(model);
  if (!tokens) return probe;
  const x = tf.tidy(() => tf.clipByValue(probe.x, 0, tokens.inputDim - 1));
  probe.x.dispose();
  return { ...probe, x };
}

/** Flat labels ([n]) for a [n, 1] output become [n, 1], as model.fit expands them. */
function fitLabelShape(labelShape: number[], facts: ModelFacts): number[] {
  return labelShape.length === 0 && facts.outputShape.length === 1 ? [1] : labelShape;
}

export interface ContextInputs {
  model: tf.LayersModel;
  facts: ModelFacts;
  loss: ResolvedLoss;
  optimizer: OptimizerRecipe;
  options: ResolvedOptions;
  backend: string;
  source: DataProfiles['source'];
  train: SplitProfile;
  validation?: SplitProfile;
  random: () => number;
  progress: (message: string) => void;
}

/** Builds the context; the probe tensors in `train`/`validation` are the caller's to dispose. */
export function buildContext(inputs: ContextInputs): CheckContext<never> {
  const { facts, options, train, validation, random } = inputs;
  const inputKind = inferInputKind(options.inputKind, train.rowShape, minOf(train.features), train.sample.x, feedsEmbedding(inputs.model));
  const flatImage = inputKind.value === 'image' && train.rowShape.length === 1;
  const unit = (p: SplitProfile): SplitProfile => (flatImage ? { ...p, features: mergeGroups(p.features) } : p);
  const profile: DataProfiles = { source: inputs.source, train: unit(train), validation: validation && unit(validation) };

  const task = inferTask(options.task, inputs.loss.name, facts, train.labels);
  const numClasses = inferClassCount(task.value, facts, train.labels);
  const chance = chanceLevel(inputs.loss.name, numClasses, train.labels, train.sample.y);
  // A vocabulary as long as the classes names them (next-token outputs predict a token of the vocabulary).
  const vocabularyNames = options.vocabulary && options.vocabulary.length === numClasses ? options.vocabulary : undefined;
  const classNames = numClasses ? (options.classNames ?? vocabularyNames ?? Array.from({ length: numClasses }, (_, i) => String(i))) : undefined;

  const info: DiagnosisContext = {
    backend: inputs.backend,
    task,
    inputKind,
    numClasses,
    classNames,
    lossName: inputs.loss.name,
    chanceLoss: chance?.loss,
    learningRate: inputs.optimizer.learningRate,
    optimizerName: inputs.optimizer.name,
    batchSize: options.batchSize,
    samplesSeen: train.rows,
    budget: options.budget,
    seed: options.seed,
    modelName: inputs.model.name,
    parameterCount: facts.parameterCount,
  };
  return {
    model: inputs.model,
    train: clipTokenIds(probeTensors(train.sample, train.rowShape, fitLabelShape(train.labelShape, facts), random), inputs.model),
    validation: validation ? clipTokenIds(probeTensors(validation.sample, validation.rowShape, fitLabelShape(validation.labelShape, facts), random), inputs.model) : undefined,
    info,
    loss: inputs.loss.fn,
    lossPerRow: inputs.loss.perRow,
    makeOptimizer: inputs.optimizer.make,
    cloneModel: (seeded) => cloneModel(inputs.model, { random: seeded ?? random }),
    random,
    inputs: {},
    progress: inputs.progress,
    profile,
    facts,
    chance,
    featureNames: featureNames(inputKind.value, profile.train.features.count.length),
    vocabulary: options.vocabulary,
  };
}
