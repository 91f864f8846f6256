/**
 * Healthy controls: tensorflow/tfjs-examples architectures at small size, on
 * clean data, compiled the way the examples compile them. They train well in a
 * plain fit (`trainsTo`, checked in the harness's verbose mode), so any warning
 * or error diagnose() gives them is a false alarm. The model builders are
 * exported: the injected faults break these same setups one thing at a time.
 */
import * as tf from '@tensorflow/tfjs';
import type { HealthyControl, Setup } from './base';
import { binary, housing, iris, mnist, oneHot, sentiment, SENTIMENT, trends, weather } from './data';

/** Samples per MNIST class in every MNIST setup: 500 digits. */
export const PER_CLASS = 50;

export function mnistTensors(perClass = PER_CLASS, shape: number[] = [784]): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = mnist(perClass);
  return { x: tf.tensor(x.flat(), [x.length, ...shape]), y: tf.tensor2d(oneHot(labels, 10)) };
}

type DenseArgs = Parameters<typeof tf.layers.dense>[0];

/** What the injected faults change in the MNIST MLP; every field defaults to the healthy setup's. */
export interface MnistDenseChanges {
  /** Defaults to Adam 1e-3. */
  optimizer?: tf.Optimizer;
  /** Defaults to 'categoricalCrossentropy'. */
  loss?: string;
  /** Overrides of the hidden layer's arguments. */
  hidden?: Partial<DenseArgs>;
  /** Overrides of the output layer's arguments. */
  output?: Partial<DenseArgs>;
}

/** tfjs-examples/mnist, dense variant: flatten, dense 42 relu, dense 10 softmax; Adam. */
export function mnistDense(changes: MnistDenseChanges = {}): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 42, activation: 'relu', ...changes.hidden }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', ...changes.output }));
  model.compile({ optimizer: changes.optimizer ?? tf.train.adam(0.001), loss: changes.loss ?? 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** tfjs-examples/mnist, convnet: conv 8@5x5, maxpool, conv 16@5x5, maxpool, flatten, dense 10 softmax. */
export function mnistConvnet(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 5, filters: 8, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ kernelSize: 5, filters: 16, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** tfjs-examples/mnist-node at small size, with BatchNorm: conv, BN, pool, conv, BN, pool, flatten, dropout, dense, dropout, dense. */
export function mnistBatchNormCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 3, filters: 8, activation: 'relu' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ kernelSize: 3, filters: 16, activation: 'relu' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** tfjs-examples/iris: dense 10 sigmoid, dense 3 softmax; Adam 0.01, one-hot labels. */
export function irisModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 10, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export const IRIS_ROWS = 300;

export function irisTensors(rows = IRIS_ROWS): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = iris(rows);
  return { x: tf.tensor2d(x), y: tf.tensor2d(oneHot(labels, 3)) };
}

/** tfjs-examples/boston-housing, two hidden layers: dense 50 sigmoid x2, dense 1; SGD 0.01 on MSE, raw prices. */
export function housingModel(features = 12): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [features], units: 50, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 50, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  return model;
}

export const HOUSING_ROWS = 400;

export function housingTensors(rows = HOUSING_ROWS): { x: tf.Tensor; y: tf.Tensor } {
  const { standardized, prices } = housing(rows);
  return { x: tf.tensor2d(standardized), y: tf.tensor2d(prices, [prices.length, 1]) };
}

/** tfjs-examples/website-phishing: dense 100 sigmoid x2, dense 1 sigmoid; Adam, binaryCrossentropy. */
export function phishingModel(features = 10): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [features], units: 32, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 32, activation: 'sigmoid' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

export function binaryTensors(rows = 400): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = binary(rows);
  return { x: tf.tensor2d(x), y: tf.tensor2d(labels, [labels.length, 1]) };
}

/** tfjs-examples/sentiment, the dense variant: embedding 16, globalAveragePooling1d, dense 1 sigmoid. */
export function sentimentModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: SENTIMENT.vocab, outputDim: 16, inputLength: SENTIMENT.length }));
  model.add(tf.layers.globalAveragePooling1d());
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

export function sentimentTensors(rows = 400): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = sentiment(rows);
  return { x: tf.tensor2d(x, [x.length, SENTIMENT.length]), y: tf.tensor2d(labels, [labels.length, 1]) };
}

/** tfjs-examples/sentiment, the LSTM variant at small size: lstm 6 over [8, 1] series, dense 3 softmax. */
export function trendLstm(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ inputShape: [TREND_STEPS, 1], units: 6 }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export const TREND_STEPS = 8;

export function trendTensors(rows = 150): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = trends(rows, TREND_STEPS);
  return { x: tf.tensor3d(x.map((r) => r.map((v) => [v]))), y: tf.tensor2d(oneHot(labels, 3)) };
}

/** tfjs-examples/jena-weather, the GRU model at small size: gru 6 over [6, 3], dense 1; RMSProp, MAE. */
export function weatherGru(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.gru({ inputShape: [WEATHER_STEPS, 3], units: 6 }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.rmsprop(0.005), loss: 'meanAbsoluteError' });
  return model;
}

export const WEATHER_STEPS = 6;

export function weatherTensors(rows = 150): { x: tf.Tensor; y: tf.Tensor } {
  const { x, targets } = weather(rows, WEATHER_STEPS);
  return { x: tf.tensor3d(x), y: tf.tensor2d(targets, [targets.length, 1]) };
}

/** tfjs-examples/iris with integer labels: the same MLP compiled with sparseCategoricalCrossentropy. */
export function irisSparseModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 10, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** tfjs-examples/mnist dense variant with Dropout 0.2 after each hidden layer (the Keras MNIST MLP). */
export function mnistDropoutMlp(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function setup(model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }, fit?: Setup['fit']): Setup {
  return { model, data, fit };
}

const EXAMPLES = 'https://github.com/tensorflow/tfjs-examples/tree/master/';

export const HEALTHY: readonly HealthyControl[] = [
  {
    kind: 'healthy', id: 'healthy-mnist-dense', example: `${EXAMPLES}mnist`, symptom: 'MNIST MLP 784-42-10, Adam 1e-3',
    build: () => setup(mnistDense(), mnistTensors(), { epochs: 10 }), trainsTo: { metric: 'acc', threshold: 0.85 },
  },
  {
    kind: 'healthy', id: 'healthy-mnist-convnet', example: `${EXAMPLES}mnist`, symptom: 'MNIST convnet c8-pool-c16-pool-d10, Adam 1e-3',
    build: () => setup(mnistConvnet(), mnistTensors(PER_CLASS, [28, 28, 1]), { epochs: 10 }), trainsTo: { metric: 'acc', threshold: 0.8 },
  },
  {
    kind: 'healthy', id: 'healthy-mnist-batchnorm-cnn', example: `${EXAMPLES}mnist-node`, symptom: 'MNIST CNN with BatchNorm and Dropout 0.25/0.5',
    build: () => setup(mnistBatchNormCnn(), mnistTensors(PER_CLASS, [28, 28, 1]), { epochs: 20 }), trainsTo: { metric: 'acc', threshold: 0.75 },
  },
  {
    kind: 'healthy', id: 'healthy-mnist-dropout-mlp', example: `${EXAMPLES}mnist`, symptom: 'MNIST MLP 784-64-32-10 with Dropout 0.2',
    build: () => setup(mnistDropoutMlp(), mnistTensors(), { epochs: 10 }), trainsTo: { metric: 'acc', threshold: 0.85 },
  },
  {
    kind: 'healthy', id: 'healthy-iris', example: `${EXAMPLES}iris`, symptom: 'iris-like 4-10(sigmoid)-3 softmax, Adam 0.01, one-hot',
    build: () => setup(irisModel(), irisTensors(), { epochs: 20 }), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'healthy-iris-sparse', example: `${EXAMPLES}iris`, symptom: 'iris-like 4-10(relu)-3 softmax, sparse labels',
    build: () => {
      const { x, labels } = iris(IRIS_ROWS);
      return setup(irisSparseModel(), { x: tf.tensor2d(x), y: tf.tensor2d(labels, [labels.length, 1]) }, { epochs: 20 });
    },
    trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'healthy-boston-housing', example: `${EXAMPLES}boston-housing`, symptom: 'housing-like 12-50-50-1 sigmoid MLP, SGD 0.01, prices in $1000s',
    build: () => setup(housingModel(), housingTensors(), { epochs: 30 }), trainsTo: { metric: 'loss', threshold: 25 },
  },
  {
    kind: 'healthy', id: 'healthy-phishing-binary', example: `${EXAMPLES}website-phishing`, symptom: 'binary classifier 10-32-32-1 sigmoid, binaryCrossentropy',
    build: () => setup(phishingModel(), binaryTensors(), { epochs: 20 }), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'healthy-sentiment-embedding', example: `${EXAMPLES}sentiment`, symptom: 'Embedding 16 + GlobalAveragePooling1D + dense 1 sigmoid',
    build: () => setup(sentimentModel(), sentimentTensors(), { epochs: 20 }), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'healthy-trend-lstm', example: `${EXAMPLES}sentiment`, symptom: 'LSTM 6 sequence classifier over 8 steps, 3 classes',
    build: () => setup(trendLstm(), trendTensors(), { epochs: 20 }), trainsTo: { metric: 'acc', threshold: 0.85 },
  },
  {
    kind: 'healthy', id: 'healthy-weather-gru', example: `${EXAMPLES}jena-weather`, symptom: 'GRU 6 regression over [6, 3] series, RMSProp, MAE',
    build: () => setup(weatherGru(), weatherTensors(), { epochs: 20 }), trainsTo: { metric: 'loss', threshold: 0.35 },
  },
];
