/** Read-only facts about a user's model that the data checks need. */
import type * as tf from '@tensorflow/tfjs';
import { DiagnoseInputError } from '../data/errors';

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

/** Validates the model argument and reads its facts; multi-input/output models are refused plainly. */
export function modelFacts(model: unknown): ModelFacts {
  if (!isLayersModel(model)) {
    throw new DiagnoseInputError('model must be a tf.LayersModel (tf.sequential(), tf.model() or tf.loadLayersModel()); graph models from loadGraphModel cannot be trained and are not supported.');
  }
  if (model.inputs.length !== 1) {
    throw new DiagnoseInputError(`model has ${model.inputs.length} inputs: models with several inputs are not supported yet; diagnose a single-input model.`);
  }
  if (model.outputs.length !== 1) {
    throw new DiagnoseInputError(`model has ${model.outputs.length} outputs: models with several outputs are not supported yet; diagnose a single-output model.`);
  }
  const inputShape = model.inputs[0].shape.slice(1);
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
  const size = rowShape.reduce((a, b) => a * b, 1);
  const expectedSize = expected.every((d) => d !== null) ? (expected as number[]).reduce((a, b) => a * b, 1) : NaN;
  const hint = size === expectedSize
    ? `reshape it: x.reshape([-1, ${expected.join(', ')}])`
    : "check the model's inputShape or the preprocessing";
  throw new DiagnoseInputError(`${name} has shape ${got} but the model expects ${wanted}; ${hint}.`);
}
