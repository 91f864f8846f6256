/**
 * Zoo cases with several inputs or outputs (issue 13): date-conversion-attention
 * (two inputs: encoder characters and the shifted decoder characters, attention
 * from dot / softmax / concatenate layers) and an ACGAN discriminator (one image,
 * two outputs: real/fake sigmoid with binaryCrossentropy and an auxiliary class
 * softmax with sparseCategoricalCrossentropy), small, on generated learnable data.
 */
import * as tf from '@tensorflow/tfjs';
import type { Case, HealthyControl, InjectedFault, Setup } from '../base';
import { shuffle } from '../data';
import { seededRandom } from '../../../src/context/random';
import { oneHotSteps, shapes, SHAPES } from './data';

const EXAMPLES = 'https://github.com/tensorflow/tfjs-examples/tree/master/';
const ROWS = 300;

/** Dates as digit tokens: input "DDMMYY" (ids 1..10 for digits 0..9), output "YYMMDD"; 11 starts the decoder. */
export const DATES = { inVocab: 11, outVocab: 12, start: 11, steps: 6 } as const;

export function dates(rows: number, seed = 47): { source: number[][]; decoderIn: number[][]; target: number[][] } {
  const random = seededRandom(seed);
  const source: number[][] = [];
  const decoderIn: number[][] = [];
  const target: number[][] = [];
  const two = (v: number): number[] => [1 + Math.floor(v / 10), 1 + (v % 10)];
  for (let r = 0; r < rows; r++) {
    const [d, m, y] = [1 + Math.floor(random() * 28), 1 + Math.floor(random() * 12), Math.floor(random() * 100)];
    const iso = [...two(y), ...two(m), ...two(d)];
    source.push([...two(d), ...two(m), ...two(y)]);
    target.push(iso);
    decoderIn.push([DATES.start, ...iso.slice(0, -1)]);
  }
  return { source, decoderIn, target };
}

/** tfjs-examples/date-conversion-attention at small size: LSTM encoder and decoder, dot-product attention, per-step softmax. */
export function dateAttention(loss = 'categoricalCrossentropy'): tf.LayersModel {
  const encoderIn = tf.input({ shape: [DATES.steps], name: 'encoderChars' });
  const decoderIn = tf.input({ shape: [DATES.steps], name: 'decoderChars' });
  const encoded = tf.layers.embedding({ inputDim: DATES.inVocab, outputDim: 8 }).apply(encoderIn) as tf.SymbolicTensor;
  const encoder = tf.layers.lstm({ units: 16, returnSequences: true }).apply(encoded) as tf.SymbolicTensor;
  const decoded = tf.layers.embedding({ inputDim: DATES.outVocab, outputDim: 8 }).apply(decoderIn) as tf.SymbolicTensor;
  const decoder = tf.layers.lstm({ units: 16, returnSequences: true }).apply(decoded) as tf.SymbolicTensor;
  const scores = tf.layers.dot({ axes: [2, 2] }).apply([decoder, encoder]) as tf.SymbolicTensor;
  const attention = tf.layers.activation({ activation: 'softmax', name: 'attention' }).apply(scores) as tf.SymbolicTensor;
  const context = tf.layers.dot({ axes: [2, 1] }).apply([attention, encoder]) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([context, decoder]) as tf.SymbolicTensor;
  const hidden = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 16, activation: 'tanh' }) }).apply(joined) as tf.SymbolicTensor;
  const chars = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: DATES.outVocab, activation: 'softmax' }), name: 'isoChars' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [encoderIn, decoderIn], outputs: chars });
  model.compile({ optimizer: tf.train.adam(0.01), loss, metrics: ['accuracy'] });
  return model;
}

/** The two inputs as an array in model.inputs order (as model.fit takes them), one-hot per-step targets. */
function dateData(): { x: tf.Tensor[]; y: tf.Tensor } {
  const { source, decoderIn, target } = dates(ROWS);
  return { x: [tf.tensor2d(source), tf.tensor2d(decoderIn)], y: tf.tensor3d(target.map((ids) => oneHotSteps(ids, DATES.outVocab))) };
}

/** An ACGAN discriminator (tfjs-examples/mnist-acgan) at small size: two strided convs, then a real/fake head and a class head. */
export function acganDiscriminator(classLoss = 'sparseCategoricalCrossentropy'): tf.LayersModel {
  const image = tf.input({ shape: [SHAPES.size, SHAPES.size, 1], name: 'image' });
  let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }).apply(image) as tf.SymbolicTensor;
  h = tf.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tf.SymbolicTensor;
  const features = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const realFake = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'realFake' }).apply(features) as tf.SymbolicTensor;
  const auxClass = tf.layers.dense({ units: SHAPES.classes, activation: 'softmax', name: 'auxClass' }).apply(features) as tf.SymbolicTensor;
  const model = tf.model({ inputs: image, outputs: [realFake, auxClass] });
  model.compile({ optimizer: tf.train.adam(0.005), loss: ['binaryCrossentropy', classLoss] });
  return model;
}

/**
 * Real shapes (label 1) and "generated" ones (label 0: the same shapes with
 * heavy pixel noise, as an early generator draws them), the class of each as
 * the auxiliary label; labels as an object keyed by output name.
 */
function acganData(shuffledClasses = false): { x: tf.Tensor; y: Record<string, tf.Tensor> } {
  const { x, labels } = shapes(ROWS, 53);
  const random = seededRandom(59);
  const fake = x.map((_, r) => r % 2 === 1);
  const images = x.map((img, r) => (fake[r] ? img.map((row) => row.map((v) => Math.min(1, Math.max(0, v + (random() - 0.5) * 0.9)))) : img));
  const classes = shuffledClasses ? shuffle({ x: labels.map((l) => [l]), labels }, 61).labels : labels;
  return {
    x: tf.tensor4d(images.flat(2), [ROWS, SHAPES.size, SHAPES.size, 1]),
    y: { realFake: tf.tensor2d(fake.map((f) => [f ? 0 : 1])), auxClass: tf.tensor2d(classes, [ROWS, 1]) },
  };
}

function setup(model: tf.LayersModel, data: Setup['data'], epochs: number): Setup {
  return { model, data, fit: { epochs, batchSize: 32 } };
}

const HEALTHY: readonly HealthyControl[] = [
  {
    kind: 'healthy', id: 'zoo-date-attention', example: `${EXAMPLES}date-conversion-attention`,
    symptom: 'two inputs (encoder chars, shifted decoder chars): LSTMs, dot-product attention, concatenate, per-step softmax',
    build: () => setup(dateAttention(), dateData(), 40), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-acgan-discriminator', example: `${EXAMPLES}mnist-acgan`,
    symptom: 'two outputs: real/fake sigmoid (binaryCrossentropy) and auxiliary class softmax (sparseCategoricalCrossentropy)',
    build: () => setup(acganDiscriminator(), acganData(), 30), trainsTo: { metric: 'loss', threshold: 0.3 },
  },
];

const FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'zoo-date-attention-wrong-loss', base: 'zoo-date-attention', symptom: 'binaryCrossentropy on the per-step softmax output',
    expected: { rootCause: 'loss-output-mismatch' },
    build: () => ({ model: dateAttention('binaryCrossentropy'), data: dateData() }),
  },
  {
    kind: 'fault', id: 'zoo-acgan-discriminator-shuffled-classes', base: 'zoo-acgan-discriminator', symptom: 'auxiliary class labels shuffled apart from their images',
    expected: { rootCause: 'labels-unrelated' },
    build: () => ({ model: acganDiscriminator(), data: acganData(true) }),
  },
  {
    kind: 'fault', id: 'zoo-acgan-discriminator-wrong-loss', base: 'zoo-acgan-discriminator', symptom: 'categoricalCrossentropy on the class indices of the auxiliary head',
    expected: { rootCause: 'labels-invalid' },
    build: () => ({ model: acganDiscriminator('categoricalCrossentropy'), data: acganData() }),
  },
];

/** The multi-io zoo cases, each healthy setup followed by its faults. */
export const MULTI_IO_ZOO: readonly Case[] = HEALTHY.flatMap((h) => [h, ...FAULTS.filter((f) => f.base === h.id)]);
