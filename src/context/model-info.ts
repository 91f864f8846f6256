/** Read-only facts about a user's model that the data checks need. */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../data/errors';

export interface ModelFacts {
  /** Input shape without the batch axis (null for free dimensions). */
  inputShape: (number | null)[];
  outputShape: (number | null)[];
  /** Units of the last axis of the output. */
  outputUnits: number;
  /** Activation applied last ('softmax', 'sigmoid', 'linear', ...). */
  outputActivation: string;
  /** Name of the layer that applies it. */
  outputLayer: string;
  parameterCount: number;
}

function activationOf(layer: tf.layers.Layer): string | undefined {
  const config = layer.getConfig();
  if (typeof config.activation === 'string') return config.activation;
  // TimeDistributed / Bidirectional wrappers: the wrapped layer's activation ({ layer: { className, config } }).
  const inner = config.layer;
  if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
    const innerConfig = (inner as { config?: unknown }).config;
    const activation = innerConfig && typeof innerConfig === 'object' ? (innerConfig as { activation?: unknown }).activation : undefined;
    if (typeof activation === 'string') return activation;
  }
  const className = layer.getClassName();
  if (className === 'Softmax') return 'softmax';
  if (className === 'ReLU') return 'relu';
  return undefined;
}

const SHAPE_ONLY_LAYERS = new Set(['Reshape', 'Flatten', 'Dropout', 'Permute', 'RepeatVector', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);

/** The activation that shapes the model's output, looking back through shape-only layers. */
function outputActivation(model: tf.LayersModel): { activation: string; layer: string } {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    const activation = activationOf(layer);
    if (activation !== undefined) return { activation, layer: layer.name };
    if (!SHAPE_ONLY_LAYERS.has(layer.getClassName())) return { activation: 'linear', layer: layer.name };
  }
  return { activation: 'linear', layer: model.layers[model.layers.length - 1]?.name ?? 'output' };
}

function isLayersModel(value: unknown): value is tf.LayersModel {
  const m = value as Partial<tf.LayersModel> | null;
  return typeof m === 'object' && m !== null && typeof m.predict === 'function' && Array.isArray(m.layers) && Array.isArray(m.inputs);
}

/** True when model.dispose() was called: its weights can no longer be read (tfjs keeps no public flag). */
export function isDisposedModel(model: tf.LayersModel): boolean {
  return model.weights.some((weight) => {
    try {
      weight.read();
      return false;
    } catch {
      return true;
    }
  });
}

/** The first layer (nested models included) whose class tfjs cannot deserialize: a copy of the model would fail. */
function unregisteredLayer(model: tf.LayersModel): tf.layers.Layer | undefined {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const layer of model.layers) {
    if (!(layer.getClassName() in known)) return layer;
    if (layer instanceof tf.LayersModel) {
      const inner = unregisteredLayer(layer);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Validates the model argument and reads its facts; disposed and multi-input/output models are refused plainly. */
export function modelFacts(model: unknown): ModelFacts {
  if (!isLayersModel(model)) throw inputError('modelNotLayersModel', model);
  if (isDisposedModel(model)) throw inputError('modelDisposed');
  if (model.inputs.length !== 1) throw inputError('modelSeveralInputs', model.inputs.length);
  if (model.outputs.length !== 1) throw inputError('modelSeveralOutputs', model.outputs.length);
  return factsOf(model);
}

/** Refuses models tfjs cannot copy (a layer of an unregistered class). */
export function checkCopyable(model: tf.LayersModel): void {
  const unregistered = unregisteredLayer(model);
  if (unregistered) throw inputError('modelUnregisteredLayer', unregistered.name, unregistered.getClassName());
}

/** The facts of a single-output model; `inputShape` overrides the input's (several inputs packed into one row). */
export function factsOf(model: tf.LayersModel, inputShape: (number | null)[] = model.inputs[0].shape.slice(1)): ModelFacts {
  checkCopyable(model);
  const outputShape = model.outputs[0].shape.slice(1);
  const { activation, layer } = outputActivation(model);
  return {
    inputShape,
    outputShape,
    outputUnits: outputShape[outputShape.length - 1] ?? 1,
    outputActivation: activation,
    outputLayer: layer,
    parameterCount: model.countParams(),
  };
}

/** Throws when the data's row shape cannot feed the model's input. */
export function checkInputShape(facts: ModelFacts, rowShape: number[], name: string): void {
  const expected = facts.inputShape;
  const fits = expected.length === rowShape.length && expected.every((d, i) => d === null || d === rowShape[i]);
  if (fits) return;
  const wanted = `[n, ${expected.map((d) => d ?? '?').join(', ')}]`;
  const got = `[n, ${rowShape.join(', ')}]`;
  throw inputError('inputShape', name, got, wanted, shapeHint(expected, rowShape));
}

/**
 * How to turn rows of `rowShape` into `expected`: a transpose when the same
 * axes come in another order (channels-first images: reshaping would scramble
 * the pixels), a reshape when only the layout differs, else a pointer to the
 * model's inputShape.
 */
function shapeHint(expected: (number | null)[], rowShape: number[]): string {
  const size = rowShape.reduce((a, b) => a * b, 1);
  const known = expected.every((d) => d !== null) ? (expected as number[]) : undefined;
  if (!known || size !== known.reduce((a, b) => a * b, 1)) return "check the model's inputShape or the preprocessing";
  const permutation = axisPermutation(rowShape, known);
  if (permutation) {
    const perm = [0, ...permutation.map((axis) => axis + 1)];
    const channelsFirst = rowShape.length === 3 && [1, 3, 4].includes(rowShape[0]) && known[2] === rowShape[0];
    return `${channelsFirst ? 'the images are channels-first; ' : ''}transpose the axes (a reshape would scramble the values): x.transpose([${perm.join(', ')}])`;
  }
  return `reshape it: x.reshape([-1, ${known.join(', ')}])`;
}

/** The order of `from`'s axes that gives `to`, when `to` is a non-identity permutation of them. */
function axisPermutation(from: number[], to: number[]): number[] | undefined {
  if (from.length !== to.length || from.length < 2) return undefined;
  const used = new Set<number>();
  const order: number[] = [];
  for (const dim of to) {
    const axis = from.findIndex((d, i) => d === dim && !used.has(i));
    if (axis < 0) return undefined;
    used.add(axis);
    order.push(axis);
  }
  return order.some((axis, i) => axis !== i) ? order : undefined;
}

/** What checkProfileAgainstModel needs of a split's profile. */
export interface ProfiledSplit {
  labelShape: number[];
  features: { min: ArrayLike<number>; max: ArrayLike<number> };
}

/**
 * Throws when the profiled data cannot go through the model at all, before a
 * check tries and fails deep inside tfjs: labels with several columns against
 * another number of output units (no standard loss can pair them).
 */
export function checkProfileAgainstModel(
  model: tf.LayersModel, facts: ModelFacts, split: ProfiledSplit, name: string, knownLoss: boolean, embeddings: readonly tf.layers.Layer[] = [],
): void {
  const width = split.labelShape.reduce((a, b) => a * b, 1);
  const units = facts.outputShape.every((d) => d !== null) ? (facts.outputShape as number[]).reduce((a, b) => a * b, 1) : NaN;
  // Per-position class indices ([n, T] against [n, T, C] outputs, sparse losses) pair with the output without its class axis.
  const classes = facts.outputShape[facts.outputShape.length - 1];
  const perPosition = typeof classes === 'number' && facts.outputShape.length > 1 && width * classes === units;
  if (knownLoss && split.labelShape.length > 0 && width > 1 && units > 1 && width !== units && !perPosition) {
    throw inputError('labelColumns', name, split.labelShape, units);
  }
  // Token ids outside an Embedding's range are a finding (tokens-out-of-range), not a refusal: see checks/sequence/tokens.ts.
  // Only the inputs of a several-input model (src/multi), whose facets do not run that check, are still refused here.
  const min = Math.min(...Array.from(split.features.min).filter(Number.isFinite), Infinity);
  const max = Math.max(...Array.from(split.features.max).filter(Number.isFinite), -Infinity);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return;
  for (const layer of embeddings) {
    const inputDim = Number(layer.getConfig().inputDim);
    if (!Number.isInteger(inputDim)) continue;
    // tfjs casts ids to int32 (truncating toward zero) before the lookup.
    const [low, high] = [Math.trunc(min), Math.trunc(max)];
    if (low < 0 || high > inputDim - 1) throw inputError('embeddingOutOfRange', name, layer.name, inputDim, low, high);
  }
}
