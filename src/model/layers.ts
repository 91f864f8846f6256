/**
 * The layer list of a model in model order, with what the checks need to know
 * about each layer: its activation, its trainable weights and whether it is
 * one of tfjs's own layers or user code.
 */
import * as tf from '@tensorflow/tfjs';

/** Layer classes that ship with tfjs-layers 4.22; anything else is user code (a custom layer). */
const BUILT_IN_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D',
  'AveragePooling3D', 'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop',
  'Concatenate', 'Conv1D', 'Conv2D', 'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose', 'ConvLSTM2D',
  'ConvLSTM2DCell', 'Cropping2D', 'Dense', 'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'Embedding',
  'Flatten', 'Functional', 'GRU', 'GRUCell', 'GaussianDropout', 'GaussianNoise',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'InputLayer', 'LSTM', 'LSTMCell', 'LayerNormalization', 'LeakyReLU', 'Masking', 'MaxPooling1D',
  'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'Minimum', 'Model', 'Multiply', 'PReLU', 'Permute',
  'RNN', 'RandomWidth', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing',
  'SeparableConv2D', 'Sequential', 'SimpleRNN', 'SimpleRNNCell', 'Softmax', 'SpatialDropout1D',
  'StackedRNNCells', 'ThresholdedReLU', 'TimeDistributed', 'UpSampling2D', 'ZeroPadding2D',
]);

/** Activations whose flat regions stop gradients. */
export type ActivationFamily = 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear' | 'other';

export interface WeightInfo {
  /** The weight's own name inside its layer ('kernel', 'bias', 'gamma'...). */
  name: string;
  shape: number[];
  trainable: boolean;
  variable: tf.LayerVariable;
}

export interface LayerInfo {
  name: string;
  /** Position in model.layers (0 = first, InputLayer included for functional models). */
  index: number;
  className: string;
  /** The activation applied at the layer's output ('linear' when none). */
  activation: string;
  family: ActivationFamily;
  /** Not one of tfjs's layer classes: user code worth a numerical gradient check. */
  custom: boolean;
  trainable: boolean;
  /** Trainable weights first, then the rest, each listed once across the model. */
  weights: WeightInfo[];
}

const FAMILY: Record<string, ActivationFamily> = {
  relu: 'relu', relu6: 'relu', ReLU: 'relu',
  sigmoid: 'sigmoid', hardSigmoid: 'sigmoid', hard_sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax', Softmax: 'softmax',
  linear: 'linear',
};

function activationOf(layer: tf.layers.Layer): string {
  const className = layer.getClassName();
  if (className === 'ReLU') return 'relu';
  if (className === 'Softmax') return 'softmax';
  const config = layer.getConfig();
  return typeof config.activation === 'string' ? config.activation : 'linear';
}

function shortWeightName(layerName: string, variable: tf.LayerVariable): string {
  const name = variable.originalName ?? variable.name;
  return name.startsWith(`${layerName}/`) ? name.slice(layerName.length + 1) : name;
}

/** Every layer of the model in model order with its activation and weights. Reads only. */
export function listLayers(model: tf.LayersModel): LayerInfo[] {
  const seen = new Set<number>();
  return model.layers.map((layer, index) => {
    const activation = activationOf(layer);
    const owned = (variables: tf.LayerVariable[], trainable: boolean): WeightInfo[] =>
      variables
        .filter((variable) => !seen.has(variable.id))
        .map((variable) => {
          seen.add(variable.id);
          return { name: shortWeightName(layer.name, variable), shape: [...variable.shape] as number[], trainable, variable };
        });
    const weights = [...owned(layer.trainableWeights, true), ...owned(layer.nonTrainableWeights, false)];
    return {
      name: layer.name,
      index,
      className: layer.getClassName(),
      activation,
      family: FAMILY[activation] ?? 'other',
      custom: !BUILT_IN_LAYER_CLASSES.has(layer.getClassName()),
      trainable: layer.trainable,
      weights,
    };
  });
}

/** A trainable weight with its layer and the tf.Variable behind it. */
export interface TrainableWeight {
  layer: LayerInfo;
  weight: WeightInfo;
  variable: tf.Variable;
}

/** Every trainable weight of the model, in model order, for gradients and optimizer steps. */
export function trainableWeights(model: tf.LayersModel): TrainableWeight[] {
  return listLayers(model).flatMap((layer) =>
    layer.weights
      .filter((weight) => weight.trainable)
      .map((weight) => ({ layer, weight, variable: backingVariable(weight.variable) })),
  );
}

/** The tf.Variable behind a layer weight, for tf.variableGrads. */
export function backingVariable(weight: tf.LayerVariable): tf.Variable {
  const value = weight.read();
  if (!(value instanceof tf.Variable)) {
    throw new Error(`tfjs-doctor: weight ${weight.name} is not backed by a tf.Variable`);
  }
  return value;
}
