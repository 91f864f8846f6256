/**
 * What the panel needs to know about a model before the first batch: its
 * name, the layers with trainable weights, the loss and its chance level.
 */
import type * as tf from '@tensorflow/tfjs';
import { randomUUID } from 'node:crypto';
import type { RunInfo } from './events';
import { trainableLayerNames, type WeightRef } from './probe';

/** The compiled loss as a name ('categoricalCrossentropy'), or 'custom' for a function. */
export function lossName(model: tf.LayersModel): string {
  const loss: unknown = model.loss;
  const first = Array.isArray(loss) ? loss[0] : loss;
  if (typeof first === 'string') return first;
  if (typeof first === 'function' && first.name) return first.name;
  return 'custom';
}

/**
 * Loss of the best constant predictor for balanced classes: ln C for
 * categorical cross-entropy over C units, ln 2 for binary. Null where it depends
 * on the labels (regression).
 */
export function chanceLoss(name: string, outputUnits: number | null): { value: number; reason: string } | null {
  const normalized = name.replace(/_/g, '').toLowerCase();
  if (normalized.includes('categoricalcrossentropy') && outputUnits !== null && outputUnits > 1) {
    return { value: Math.log(outputUnits), reason: `ln ${outputUnits}: uniform prediction over ${outputUnits} balanced classes` };
  }
  if (normalized.includes('binarycrossentropy')) return { value: Math.log(2), reason: 'ln 2: predicting 0.5 for every label' };
  return null;
}

function outputUnits(model: tf.LayersModel): number | null {
  const shape = model.outputs[0]?.shape;
  const last = shape === undefined ? undefined : shape[shape.length - 1];
  return typeof last === 'number' ? last : null;
}

export interface RunStart {
  runId: string;
  /** Total steps of this fit, counted from startStep. */
  totalSteps: number | null;
  epochs: number | null;
  chanceOverride: number | null;
  startedAt: number;
  startStep: number;
}

export function newRunId(): string {
  return randomUUID();
}

export function runInfo(model: tf.LayersModel, weights: readonly WeightRef[], start: RunStart): RunInfo {
  const { runId, totalSteps, epochs, chanceOverride, startedAt, startStep } = start;
  const name = lossName(model);
  const chance = chanceOverride === null ? chanceLoss(name, outputUnits(model)) : { value: chanceOverride, reason: 'given in options' };
  return {
    runId,
    modelName: model.name,
    layers: trainableLayerNames(weights),
    lossName: name,
    chanceLoss: chance?.value ?? null,
    chanceReason: chance?.reason ?? null,
    totalSteps: totalSteps === null ? null : startStep + totalSteps,
    epochs,
    startedAt,
    startStep,
  };
}

/** The learning rate of common optimizers, or null. */
export function learningRateOf(model: tf.LayersModel): number | null {
  const optimizer: unknown = model.optimizer;
  if (typeof optimizer !== 'object' || optimizer === null || !('learningRate' in optimizer)) return null;
  const lr = optimizer.learningRate;
  return typeof lr === 'number' && Number.isFinite(lr) ? lr : null;
}

/** Total batches of a fit from tfjs callback params, when they say. */
export function totalStepsOf(params: Record<string, unknown> | undefined): { steps: number | null; epochs: number | null } {
  if (!params) return { steps: null, epochs: null };
  const num = (key: string) => (typeof params[key] === 'number' && Number.isFinite(params[key]) ? (params[key] as number) : null);
  const epochs = num('epochs');
  const initial = num('initialEpoch') ?? 0;
  const perEpoch = num('steps') ?? (num('samples') !== null && num('batchSize') ? Math.ceil(num('samples')! / num('batchSize')!) : null);
  const runEpochs = epochs === null ? null : epochs - initial;
  return { steps: runEpochs !== null && perEpoch !== null ? runEpochs * perEpoch : null, epochs: runEpochs };
}
