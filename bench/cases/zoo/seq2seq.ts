/**
 * Zoo cases of encoder-decoders and functional recurrent models (issue 13,
 * branch s2s): date-conversion-attention with its targets shuffled apart from
 * their sources (the teacher-forced decoder input shuffled with them, so a
 * probe over both inputs sees a link), and a two-input model whose plain RNN
 * sits behind a Dense layer, healthy over short windows and faulty over long
 * ones (gradient through time on a functional model). Registered in cases.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Case, HealthyControl, InjectedFault, Setup } from '../base';
import { normal, shuffle } from '../data';
import { seededRandom } from '../../../src/context/random';
import { oneHotSteps } from './data';
import { dateAttention, dates, DATES } from './multi-io';
import { PULSE, pulseSeries } from './sequences';

const EXAMPLES = 'https://github.com/tensorflow/tfjs-examples/tree/master/';
const ROWS = 300;

/** Dates whose ISO targets (and the decoder inputs made from them) belong to other source dates. */
function shuffledDateData(): { x: tf.Tensor[]; y: tf.Tensor } {
  const { source, decoderIn, target } = dates(ROWS);
  const order = shuffle({ x: target.map((_, i) => [i]), labels: target.map((_, i) => i) }, 7).labels;
  return {
    x: [tf.tensor2d(source), tf.tensor2d(order.map((i) => decoderIn[i]))],
    y: tf.tensor3d(order.map((i) => oneHotSteps(target[i], DATES.outVocab))),
  };
}

/** Two inputs: sensor windows through a Dense projection into a SimpleRNN, and two standardized site readings joined before the head. */
export function sensorRnn(steps: number): tf.LayersModel {
  const series = tf.input({ shape: [steps, 1], name: 'series' });
  const site = tf.input({ shape: [2], name: 'site' });
  const projected = tf.layers.dense({ units: 4, activation: 'tanh' }).apply(series) as tf.SymbolicTensor;
  const state = tf.layers.simpleRNN({ units: 8 }).apply(projected) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([state, site]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [series, site], outputs: out });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** The pulse windows (class set by a pulse in the first steps) with site readings that shift the odds a little. */
function sensorData(steps: number): { x: tf.Tensor[]; y: tf.Tensor } {
  const { x, labels } = pulseSeries(ROWS, steps);
  const gauss = normal(seededRandom(71));
  const site = labels.map((l) => [0.5 * (l - 0.5) + gauss(), gauss()]);
  return { x: [tf.tensor3d(x), tf.tensor2d(site)], y: tf.tensor2d(labels, [labels.length, 1]) };
}

function setup(model: tf.LayersModel, data: Setup['data'], epochs: number): Setup {
  return { model, data, fit: { epochs, batchSize: 32 } };
}

const HEALTHY: readonly HealthyControl[] = [
  {
    kind: 'healthy', id: 'zoo-sensor-rnn-two-inputs', example: `${EXAMPLES}jena-weather`,
    symptom: 'two inputs: Dense 4 then SimpleRNN 8 over 20-step sensor windows, two site readings joined before the head',
    build: () => setup(sensorRnn(PULSE.short), sensorData(PULSE.short), 20), trainsTo: { metric: 'acc', threshold: 0.9 },
  },
];

const FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'zoo-sensor-rnn-two-inputs-long-windows', base: 'zoo-sensor-rnn-two-inputs', symptom: '150-step windows for the plain SimpleRNN of a two-input model',
    expected: { rootCause: 'gradients-vanishing-through-time' },
    build: () => ({ model: sensorRnn(PULSE.long), data: sensorData(PULSE.long) }),
  },
  {
    kind: 'fault', id: 'zoo-date-attention-shuffled-targets', base: 'zoo-date-attention', symptom: 'ISO targets (and the decoder inputs made from them) shuffled apart from their source dates',
    expected: { rootCause: 'labels-unrelated' },
    build: () => ({ model: dateAttention(), data: shuffledDateData() }),
  },
];

/** The encoder-decoder and functional recurrent cases, each healthy setup followed by its faults, then the faults of other files' models. */
export const SEQ2SEQ_ZOO: readonly Case[] = [
  ...HEALTHY.flatMap((h) => [h, ...FAULTS.filter((f) => f.base === h.id)]),
  ...FAULTS.filter((f) => !HEALTHY.some((h) => h.id === f.base)),
];
