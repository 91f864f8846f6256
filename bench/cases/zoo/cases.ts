/**
 * The zoo (issue 13): tensorflow/tfjs-examples architectures at small size on
 * generated learnable data, each healthy and with one fault typical of its kind.
 * The same case kinds as the trust benchmark (HealthyControl, InjectedFault);
 * bench/trust.ts runs them as the suite 'zoo'.
 */
import * as tf from '@tensorflow/tfjs';
import type { Case, HealthyControl, InjectedFault, Setup } from '../base';
import { iris, oneHot, sentiment, SENTIMENT, shuffle, weather } from '../data';
import { weatherGru, WEATHER_STEPS } from '../healthy';
import { ADDITION, additions, oneHotSteps, shapes, SHAPES, TEXT, textWindows, TRANSLATION, translations, WEATHER_RAW } from './data';
import { SEQUENCE_ZOO } from './sequences';
import { NORM_ZOO } from './norm';
import { MULTI_IO_ZOO } from './multi-io';
import { SEQ2SEQ_ZOO } from './seq2seq';
import { additionRnn, batchNormCnn, mobilenetBlock, sentimentCnn, sentimentLstm, textLstm, translationModel, twoHeaded } from './models';

const EXAMPLES = 'https://github.com/tensorflow/tfjs-examples/tree/master/';
const ROWS = 300;

function reviews(labels?: (labels: number[]) => number[]): { x: tf.Tensor; y: tf.Tensor } {
  const data = sentiment(ROWS);
  const y = labels ? labels(data.labels) : data.labels;
  // As the example passes them: float32 ids.
  return { x: tf.tensor2d(data.x, [data.x.length, SENTIMENT.length]), y: tf.tensor2d(y, [y.length, 1]) };
}

/** Reviews with `negativeShare` of them negative (a scraped set, as real review sites are). */
function skewedReviews(negativeShare: number): { x: tf.Tensor; y: tf.Tensor } {
  const data = sentiment(2 * ROWS);
  const negatives = data.x.filter((_, i) => data.labels[i] === 0);
  const positives = data.x.filter((_, i) => data.labels[i] === 1);
  const keepPositive = Math.round(ROWS * (1 - negativeShare));
  const rows = [...negatives.slice(0, ROWS - keepPositive).map((x) => ({ x, l: 0 })), ...positives.slice(0, keepPositive).map((x) => ({ x, l: 1 }))];
  const order = shuffle({ x: rows.map((_, i) => [i]), labels: rows.map((_, i) => i) }, 5).labels;
  return { x: tf.tensor2d(order.map((i) => rows[i].x)), y: tf.tensor2d(order.map((i) => [rows[i].l])) };
}

/** The readings (`raw`: as the CSV holds them) and the target, standardized or (`target`) in the CSV's units of one column. */
function weatherData(raw: boolean, target?: { mean: number; std: number }): { x: tf.Tensor; y: tf.Tensor } {
  const { x, targets } = weather(ROWS, WEATHER_STEPS);
  // The raw CSV: Kelvin, millibar, percent; the example normalizes each column first.
  const series = raw ? x.map((s) => s.map((step) => step.map((v, k) => WEATHER_RAW[k].mean + WEATHER_RAW[k].std * v))) : x;
  const y = target ? targets.map((t) => target.mean + target.std * t) : targets;
  return { x: tf.tensor3d(series), y: tf.tensor2d(y, [y.length, 1]) };
}

/** The questions and their answers; (`shuffled`) the answers in another row order, as when the two lists are shuffled separately. */
function additionData(shuffled = false): { x: tf.Tensor; y: tf.Tensor } {
  const { x, y: answers } = additions(ROWS);
  const y = shuffled ? shuffle({ x: answers.map((_, i) => [i]), labels: answers.map((_, i) => i) }, 4).labels.map((i) => answers[i]) : answers;
  return { x: tf.tensor3d(x.map((ids) => oneHotSteps(ids, ADDITION.chars))), y: tf.tensor3d(y.map((ids) => oneHotSteps(ids, ADDITION.chars))) };
}

function textData(): { x: tf.Tensor; y: tf.Tensor } {
  const { x, next } = textWindows(ROWS);
  return { x: tf.tensor3d(x.map((ids) => oneHotSteps(ids, TEXT.chars))), y: tf.tensor2d(oneHot(next, TEXT.chars)) };
}

/** The small images, with one-hot labels, or (`sparse`) the class indices. */
function imageData(sparse = false): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = shapes(ROWS);
  const y = sparse ? tf.tensor2d(labels, [labels.length, 1]) : tf.tensor2d(oneHot(labels, SHAPES.classes));
  return { x: tf.tensor4d(x.flat(2), [x.length, SHAPES.size, SHAPES.size, 1]), y };
}

/** Two inputs as model.fitDataset takes them: batches of { xs: { encoder, decoder }, ys }. */
function translationData(shuffledTargets: boolean, unshiftedDecoder = false): Setup['data'] {
  const { source, decoderIn, target } = translations(ROWS);
  const order = shuffledTargets ? shuffle({ x: target.map((_, i) => [i]), labels: target.map((_, i) => i) }, 3).labels : target.map((_, i) => i);
  const elements = source.map((s, i) => ({
    xs: { encoder: s, decoder: (unshiftedDecoder ? target : decoderIn)[order[i]] },
    ys: oneHotSteps(target[order[i]], TRANSLATION.vocab),
  }));
  return tf.data.array(elements).batch(32);
}

/** Two outputs as model.fitDataset takes them: batches of { xs, ys: { cls, size } }. */
function twoHeadData(): Setup['data'] {
  const { x, labels } = iris(ROWS);
  // The regression head reads a size driven by the first two features.
  const elements = x.map((r, i) => ({ xs: r, ys: { cls: oneHot([labels[i]], 3)[0], size: [0.8 * r[0] - 0.5 * r[1]] } }));
  return tf.data.array(elements).batch(32);
}

function setup(model: tf.LayersModel, data: Setup['data'], epochs: number, batchSize = 32): Setup {
  return { model, data, fit: { epochs, batchSize } };
}

const HEALTHY: readonly HealthyControl[] = [
  {
    kind: 'healthy', id: 'zoo-sentiment-cnn', example: `${EXAMPLES}sentiment`, symptom: 'Embedding 16 + Conv1D 16@3 + GlobalMaxPool + dense sigmoid, float32 token ids',
    build: () => setup(sentimentCnn(), reviews(), 15), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-sentiment-lstm', example: `${EXAMPLES}sentiment`, symptom: 'Embedding 16 + LSTM 8 + dense sigmoid, float32 token ids',
    build: () => setup(sentimentLstm(), reviews(), 20), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-weather-gru', example: `${EXAMPLES}jena-weather`, symptom: 'GRU 6 regression over [6, 3] standardized readings, RMSProp, MAE',
    build: () => setup(weatherGru(), weatherData(false), 20), trainsTo: { metric: 'loss', threshold: 0.35 },
  },
  {
    kind: 'healthy', id: 'zoo-addition-rnn', example: `${EXAMPLES}addition-rnn`, symptom: "LSTM encoder, repeatVector, LSTM returnSequences, timeDistributed softmax: 'a+b' to two digits",
    build: () => setup(additionRnn(), additionData(), 80), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-text-lstm', example: `${EXAMPLES}lstm-text-generation`, symptom: 'LSTM 16 next-character model over one-hot windows, RMSProp',
    build: () => setup(textLstm(), textData(), 30), trainsTo: { metric: 'acc', threshold: 0.75 },
  },
  {
    kind: 'healthy', id: 'zoo-mobilenet-block', example: `${EXAMPLES}mobilenet`, symptom: 'conv stride 2, depthwise 3x3 + pointwise 1x1, each with batchNorm and relu6, GAP',
    build: () => setup(mobilenetBlock(), imageData(), 30, 16), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-batchnorm-cnn', example: `${EXAMPLES}mnist-node`, symptom: 'CNN with batchNorm after each conv and dropout 0.25',
    build: () => setup(batchNormCnn(), imageData(), 30, 16), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-translation', example: `${EXAMPLES}translation`, symptom: 'two inputs: LSTM encoder states start an LSTM decoder (teacher forcing)',
    build: () => setup(translationModel(), translationData(false), 60), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-two-headed', example: `${EXAMPLES}simple-object-detection`, symptom: 'two outputs: shared dense trunk, class head (softmax) and size head (regression)',
    build: () => setup(twoHeaded(), twoHeadData(), 30), trainsTo: { metric: 'loss', threshold: 0.3 },
  },
];

const FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'zoo-sentiment-cnn-shuffled-labels', base: 'zoo-sentiment-cnn', symptom: 'reviews and labels shuffled separately',
    expected: { rootCause: 'labels-unrelated' },
    build: () => ({ model: sentimentCnn(), data: reviews((labels) => shuffle({ x: labels.map((l) => [l]), labels }, 99).labels) }),
  },
  {
    kind: 'fault', id: 'zoo-sentiment-lstm-skewed', base: 'zoo-sentiment-lstm', symptom: '95% of the scraped reviews negative',
    expected: { rootCause: 'labels-imbalanced' },
    build: () => ({ model: sentimentLstm(), data: skewedReviews(0.95) }),
  },
  {
    kind: 'fault', id: 'zoo-weather-gru-raw-features', base: 'zoo-weather-gru', symptom: 'readings in Kelvin, millibar and percent, not normalized',
    expected: { rootCause: 'data-unnormalized' },
    build: () => ({ model: weatherGru(), data: weatherData(true) }),
  },
  {
    kind: 'fault', id: 'zoo-weather-gru-kelvin-targets', base: 'zoo-weather-gru', symptom: 'inputs normalized, the temperature to forecast left in Kelvin (283 +- 8)',
    expected: { rootCause: 'loss-above-chance' },
    build: () => ({ model: weatherGru(), data: weatherData(false, WEATHER_RAW[0]) }),
  },
  {
    kind: 'fault', id: 'zoo-weather-gru-pascal-targets', base: 'zoo-weather-gru', symptom: 'inputs normalized, the pressure to forecast in pascal (98,900 +- 800)',
    expected: { rootCause: 'data-unnormalized' },
    build: () => ({ model: weatherGru(), data: weatherData(false, { mean: 100 * WEATHER_RAW[1].mean, std: 100 * WEATHER_RAW[1].std }) }),
  },
  {
    kind: 'fault', id: 'zoo-addition-rnn-wrong-loss', base: 'zoo-addition-rnn', symptom: 'binaryCrossentropy on the per-timestep softmax outputs',
    expected: { rootCause: 'loss-output-mismatch' },
    build: () => ({ model: additionRnn('binaryCrossentropy'), data: additionData() }),
  },
  {
    kind: 'fault', id: 'zoo-addition-rnn-shuffled-answers', base: 'zoo-addition-rnn', symptom: "answers shuffled apart from their questions ('a+b' paired with another row's sum)",
    expected: { rootCause: 'labels-unrelated' },
    build: () => ({ model: additionRnn(), data: additionData(true) }),
  },
  {
    kind: 'fault', id: 'zoo-text-lstm-lr-high', base: 'zoo-text-lstm', symptom: 'RMSProp at 2 without gradient clipping: the recurrent updates explode',
    expected: { rootCause: 'lr-too-high' },
    build: () => ({ model: textLstm(2), data: textData() }),
  },
  {
    kind: 'fault', id: 'zoo-mobilenet-block-sparse-labels', base: 'zoo-mobilenet-block', symptom: 'class indices given to categoricalCrossentropy (labels of a Keras sparse pipeline)',
    expected: { rootCause: 'labels-invalid' },
    build: () => ({ model: mobilenetBlock(), data: imageData(true) }),
  },
  {
    kind: 'fault', id: 'zoo-batchnorm-cnn-frozen', base: 'zoo-batchnorm-cnn', symptom: 'every layer frozen (trainable: false), as when fine-tuning goes wrong',
    expected: { rootCause: 'layers-frozen' },
    build: () => ({ model: batchNormCnn(true), data: imageData() }),
  },
  {
    kind: 'fault', id: 'zoo-translation-shuffled-targets', base: 'zoo-translation', symptom: 'target sentences shuffled apart from their sources',
    expected: { rootCause: 'labels-unrelated' },
    build: () => ({ model: translationModel(), data: translationData(true) }),
  },
  {
    kind: 'fault', id: 'zoo-translation-unshifted-decoder', base: 'zoo-translation', symptom: 'the decoder fed the target sentences themselves (teacher forcing without the shift by one)',
    expected: { rootCause: 'labels-shifted' },
    build: () => ({ model: translationModel(), data: translationData(false, true) }),
  },
  {
    kind: 'fault', id: 'zoo-two-headed-wrong-loss', base: 'zoo-two-headed', symptom: 'binaryCrossentropy on the 3-class softmax head',
    expected: { rootCause: 'loss-output-mismatch' },
    build: () => ({ model: twoHeaded('binaryCrossentropy'), data: twoHeadData() }),
  },
];

/** Every zoo case, each healthy setup followed by its fault. */
export const ZOO: readonly Case[] = [...HEALTHY.flatMap((h) => [h, ...FAULTS.filter((f) => f.base === h.id)]), ...SEQUENCE_ZOO, ...NORM_ZOO, ...MULTI_IO_ZOO, ...SEQ2SEQ_ZOO];
