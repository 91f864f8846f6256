/**
 * The zoo's architectures (issue 13): tensorflow/tfjs-examples models at small
 * size, compiled as the examples compile them. Each builder takes the one thing
 * a fault changes (optimizer, loss, trainable flags), defaulting to the healthy setup.
 */
import * as tf from '@tensorflow/tfjs';
import { SENTIMENT } from '../data';
import { ADDITION, SHAPES, TEXT, TRANSLATION } from './data';

/** tfjs-examples/sentiment, the cnn variant: embedding 16, conv1d 16@3, globalMaxPool, dense 1 sigmoid. */
export function sentimentCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: SENTIMENT.vocab, outputDim: 16, inputLength: SENTIMENT.length }));
  model.add(tf.layers.conv1d({ filters: 16, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.globalMaxPooling1d({}));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** tfjs-examples/sentiment, the lstm variant: embedding 16, lstm 8, dense 1 sigmoid. */
export function sentimentLstm(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: SENTIMENT.vocab, outputDim: 16, inputLength: SENTIMENT.length }));
  model.add(tf.layers.lstm({ units: 8 }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * tfjs-examples/addition-rnn: lstm encoder, repeatVector, lstm decoder with
 * returnSequences, timeDistributed dense softmax per output step.
 */
export function additionRnn(loss = 'categoricalCrossentropy'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ inputShape: [ADDITION.inSteps, ADDITION.chars], units: 32 }));
  model.add(tf.layers.repeatVector({ n: ADDITION.outSteps }));
  model.add(tf.layers.lstm({ units: 32, returnSequences: true }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: ADDITION.chars, activation: 'softmax' }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss, metrics: ['accuracy'] });
  return model;
}

/** tfjs-examples/lstm-text-generation: lstm 16 over one-hot characters, dense softmax; RMSProp. */
export function textLstm(learningRate = 0.01): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ inputShape: [TEXT.steps, TEXT.chars], units: 16 }));
  model.add(tf.layers.dense({ units: TEXT.chars, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.rmsprop(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * A MobileNet-like block (tfjs-examples/mobilenet, webcam-transfer-learning): conv 3x3
 * stride 2, then depthwise 3x3 and pointwise 1x1, each with batchNorm and relu; GAP, dense softmax.
 */
export function mobilenetBlock(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [SHAPES.size, SHAPES.size, 1], filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.reLU({ maxValue: 6 }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.reLU({ maxValue: 6 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.reLU({ maxValue: 6 }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: SHAPES.classes, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** tfjs-examples/mnist-node style CNN with batchNorm and dropout, on the small images. */
export function batchNormCnn(frozen = false): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [SHAPES.size, SHAPES.size, 1], filters: 8, kernelSize: 3, activation: 'relu', trainable: !frozen }));
  model.add(tf.layers.batchNormalization({ trainable: !frozen }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', trainable: !frozen }));
  model.add(tf.layers.batchNormalization({ trainable: !frozen }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.dense({ units: SHAPES.classes, activation: 'softmax', trainable: !frozen }));
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * tfjs-examples/translation: an lstm encoder whose final states start an lstm
 * decoder (teacher forcing), timeDistributed dense softmax. Two inputs.
 */
export function translationModel(): tf.LayersModel {
  const encoderIn = tf.input({ shape: [TRANSLATION.steps], name: 'encoder' });
  const decoderIn = tf.input({ shape: [TRANSLATION.steps], name: 'decoder' });
  const encoded = tf.layers.embedding({ inputDim: TRANSLATION.vocab, outputDim: 8 }).apply(encoderIn) as tf.SymbolicTensor;
  const [, h, c] = tf.layers.lstm({ units: 24, returnState: true }).apply(encoded) as tf.SymbolicTensor[];
  const decoded = tf.layers.embedding({ inputDim: TRANSLATION.vocab, outputDim: 8 }).apply(decoderIn) as tf.SymbolicTensor;
  const sequence = tf.layers.lstm({ units: 24, returnSequences: true }).apply(decoded, { initialState: [h, c] }) as tf.SymbolicTensor;
  const probs = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: TRANSLATION.vocab, activation: 'softmax' }) }).apply(sequence) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [encoderIn, decoderIn], outputs: probs });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * A two-headed model (tfjs-examples/simple-object-detection): a shared dense
 * trunk, a class head (softmax) and a regression head (one value). Two outputs.
 */
export function twoHeaded(classLoss = 'categoricalCrossentropy'): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const trunk = tf.layers.dense({ units: 16, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const cls = tf.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(trunk) as tf.SymbolicTensor;
  const size = tf.layers.dense({ units: 1, name: 'size' }).apply(trunk) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [cls, size] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: [classLoss, 'meanSquaredError'] });
  return model;
}
