/**
 * Zoo cases of token inputs and sequence models (issue 13, branch seq): a
 * character language model with per-step targets, padded reviews read by an
 * LSTM that masks the padding, and a plain SimpleRNN over short windows, each
 * healthy and with the fault typical of its kind (targets not shifted, padding
 * not masked, windows far too long for a plain RNN); and two faults of the
 * examples' own models (ids one past the Embedding, labels that repeat the last
 * character). Registered in cases.ts by one line.
 */
import * as tf from '@tensorflow/tfjs';
import type { Case, HealthyControl, InjectedFault, Setup } from '../base';
import { oneHot, sentiment, SENTIMENT } from '../data';
import { seededRandom } from '../../../src/context/random';
import { oneHotSteps, TEXT, textWindows } from './data';
import { sentimentLstm, textLstm } from './models';

const EXAMPLES = 'https://github.com/tensorflow/tfjs-examples/tree/master/';
const ROWS = 300;

/** The character language model's alphabet and window. */
export const CHARS = { vocab: 9, steps: 12 } as const;

/** A Markov text over 0..vocab-1: after c comes (c + 4) mod 9 90% of the time (one cycle through every character). Windows and their next-step targets. */
export function charWindows(rows: number, seed = 53): { x: number[][]; next: number[][] } {
  const random = seededRandom(seed);
  const text = [0];
  while (text.length < rows + CHARS.steps + 1) {
    const c = text[text.length - 1];
    text.push(random() < 0.9 ? (c + 4) % CHARS.vocab : Math.floor(random() * CHARS.vocab));
  }
  const x: number[][] = [];
  const next: number[][] = [];
  for (let r = 0; r < rows; r++) {
    x.push(text.slice(r, r + CHARS.steps));
    next.push(text.slice(r + 1, r + CHARS.steps + 1));
  }
  return { x, next };
}

/** Embedding 8, LSTM 24 returning sequences, timeDistributed softmax: the next character at every step. */
export function charLanguageModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: CHARS.vocab, outputDim: 8, inputLength: CHARS.steps }));
  model.add(tf.layers.lstm({ units: 24, returnSequences: true }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: CHARS.vocab, activation: 'softmax' }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function charData(shifted: boolean): { x: tf.Tensor; y: tf.Tensor } {
  const { x, next } = charWindows(ROWS);
  // One-hot targets per step, [n, T, vocab] (tfjs's accuracy metric cannot read sparse per-step targets).
  const y = shifted ? next : x;
  return { x: tf.tensor2d(x), y: tf.tensor3d(y.map((row) => oneHotSteps(row, CHARS.vocab))) };
}

/** Reviews padded to this many steps; each has 6..16 real tokens. */
export const PADDED = { steps: 32, minLength: 6, maxLength: 16 } as const;

/** Reviews of neutral words (20..99) with 3 words of their sentiment (1..9 positive, 10..19 negative) and 1 of the other, padded with 0 after the words. */
export function paddedReviews(rows: number, seed = 59): { x: number[][]; labels: number[] } {
  const random = seededRandom(seed);
  const x: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const label = r % 2;
    const length = PADDED.minLength + Math.floor(random() * (PADDED.maxLength - PADDED.minLength + 1));
    const words = Array.from({ length }, () => 20 + Math.floor(random() * 80));
    const word = (positive: boolean) => (positive ? 1 + Math.floor(random() * 9) : 10 + Math.floor(random() * 10));
    const spots = new Set<number>();
    while (spots.size < 4) spots.add(Math.floor(random() * length));
    [...spots].forEach((at, k) => { words[at] = word(k < 3 ? label === 1 : label !== 1); });
    x.push([...words, ...new Array<number>(PADDED.steps - length).fill(0)]);
    labels.push(label);
  }
  return { x, labels };
}

/** Embedding 16 (maskZero unless `unmasked`), LSTM 8, dense sigmoid. */
export function paddedReviewLstm(unmasked = false): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: SENTIMENT.vocab, outputDim: 16, inputLength: PADDED.steps, maskZero: !unmasked }));
  model.add(tf.layers.lstm({ units: 8 }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

function reviewData(): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = paddedReviews(ROWS);
  return { x: tf.tensor2d(x), y: tf.tensor2d(labels, [labels.length, 1]) };
}

/** A noisy sensor series whose class is set by a pulse in its first 3 steps (sign of their sum); `steps` long. */
export function pulseSeries(rows: number, steps: number, seed = 61): { x: number[][][]; labels: number[] } {
  const random = seededRandom(seed);
  const x: number[][][] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const label = r % 2;
    const series = Array.from({ length: steps }, (_, t) => [t < 3 ? (label === 1 ? 1 : -1) * (0.5 + random()) : 0.5 * (random() * 2 - 1)]);
    x.push(series);
    labels.push(label);
  }
  return { x, labels };
}

/** Short windows for the plain RNN; the fault feeds this many steps instead. */
export const PULSE = { short: 20, long: 150 } as const;

export function plainRnn(steps: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ inputShape: [steps, 1], units: 8 }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

function pulseData(steps: number): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = pulseSeries(ROWS, steps);
  return { x: tf.tensor3d(x), y: tf.tensor2d(labels, [labels.length, 1]) };
}

/** The sentiment reviews with 1-based ids (a tokenizer that starts its index at 1) into an Embedding sized for the 0-based ids. */
function oneBasedReviews(): { x: tf.Tensor; y: tf.Tensor } {
  const data = sentiment(ROWS);
  return { x: tf.tensor2d(data.x.map((row) => row.map((id) => id + 1))), y: tf.tensor2d(data.labels, [data.labels.length, 1]) };
}

/** Text windows labelled with their own last character instead of the next one. */
function lastCharLabels(): { x: tf.Tensor; y: tf.Tensor } {
  const { x } = textWindows(ROWS);
  return { x: tf.tensor3d(x.map((ids) => oneHotSteps(ids, TEXT.chars))), y: tf.tensor2d(oneHot(x.map((ids) => ids[ids.length - 1]), TEXT.chars)) };
}

function setup(model: tf.LayersModel, data: Setup['data'], epochs: number): Setup {
  return { model, data, fit: { epochs, batchSize: 32 } };
}

const HEALTHY: readonly HealthyControl[] = [
  {
    kind: 'healthy', id: 'zoo-char-lm', example: `${EXAMPLES}lstm-text-generation`,
    symptom: 'Embedding 8 + LSTM 24 returnSequences + timeDistributed softmax: next character at every step, one-hot per-step targets',
    build: () => setup(charLanguageModel(), charData(true), 30), trainsTo: { metric: 'acc', threshold: 0.8 },
  },
  {
    kind: 'healthy', id: 'zoo-padded-reviews', example: `${EXAMPLES}sentiment`,
    symptom: 'reviews of 6..16 tokens padded with 0 to 32 after the words; Embedding maskZero + LSTM 8',
    build: () => setup(paddedReviewLstm(), reviewData(), 20), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
  {
    kind: 'healthy', id: 'zoo-plain-rnn', example: `${EXAMPLES}jena-weather`,
    symptom: 'SimpleRNN 8 over 20-step sensor windows, class set by a pulse in the first steps',
    build: () => setup(plainRnn(PULSE.short), pulseData(PULSE.short), 20), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
];

const FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'zoo-char-lm-unshifted-targets', base: 'zoo-char-lm', symptom: 'targets built from the same window as the inputs (the shift by one forgotten)',
    expected: { rootCause: 'labels-shifted' },
    build: () => ({ model: charLanguageModel(), data: charData(false) }),
  },
  {
    kind: 'fault', id: 'zoo-padded-reviews-unmasked', base: 'zoo-padded-reviews', symptom: 'the Embedding without maskZero: the LSTM reads 16..26 padding steps after the words',
    expected: { rootCause: 'padding-wrong-end' },
    build: () => ({ model: paddedReviewLstm(true), data: reviewData() }),
  },
  {
    kind: 'fault', id: 'zoo-plain-rnn-long-windows', base: 'zoo-plain-rnn', symptom: '150-step windows for a plain SimpleRNN: the pulse is 147 steps before the end',
    expected: { rootCause: 'gradients-vanishing-through-time' },
    build: () => ({ model: plainRnn(PULSE.long), data: pulseData(PULSE.long) }),
  },
  {
    kind: 'fault', id: 'zoo-sentiment-lstm-ids-past-vocab', base: 'zoo-sentiment-lstm', symptom: '1-based token ids (up to 100) into Embedding inputDim 100',
    expected: { rootCause: 'tokens-out-of-range' },
    build: () => ({ model: sentimentLstm(), data: oneBasedReviews() }),
  },
  {
    kind: 'fault', id: 'zoo-text-lstm-last-char-labels', base: 'zoo-text-lstm', symptom: 'each window labelled with its own last character instead of the next one',
    expected: { rootCause: 'labels-shifted' },
    build: () => ({ model: textLstm(), data: lastCharLabels() }),
  },
];

/** The sequence cases, each healthy setup followed by its faults, then the faults of other files' models. */
export const SEQUENCE_ZOO: readonly Case[] = [
  ...HEALTHY.flatMap((h) => [h, ...FAULTS.filter((f) => f.base === h.id)]),
  ...FAULTS.filter((f) => !HEALTHY.some((h) => h.id === f.base)),
];
