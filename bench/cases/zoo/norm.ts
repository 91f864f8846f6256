/**
 * Zoo cases of the norm branch (issue 13): a multilabel tagger, healthy and
 * with softmax + categoricalCrossentropy on its multi-hot targets, and
 * batch-norm faults for the batch-normalized CNN and the MobileNet-like block
 * (batches too small for batch statistics; a trained model fed another
 * preprocessing than the one its moving statistics were collected on).
 */
import * as tf from '@tensorflow/tfjs';
import type { Case, HealthyControl, InjectedFault, Setup } from '../base';
import { seededRandom } from '../../../src/context/random';
import { normal, oneHot } from '../data';
import { shapes, SHAPES } from './data';
import { batchNormCnn, mobilenetBlock } from './models';

const EXAMPLES = 'https://github.com/tensorflow/tfjs-examples/tree/master/';
const ROWS = 300;

/** The tagger's inputs and tags: 10 standardized features, 5 tags. */
export const TAGS = { features: 10, labels: 5 } as const;

/**
 * Rows of standardized features; tag k is on when its own linear score of the
 * features passes a threshold (tags overlap: about 2 tags per row, every tag
 * on in 30-50% of rows).
 */
export function tagged(rows: number, seed = 43): { x: number[][]; y: number[][] } {
  const random = seededRandom(seed);
  const gauss = normal(random);
  const weights = Array.from({ length: TAGS.labels }, () => Array.from({ length: TAGS.features }, () => gauss()));
  const thresholds = [0, 0.5, 1, 1.5, 2];
  const x: number[][] = [];
  const y: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: TAGS.features }, () => gauss());
    x.push(row);
    y.push(weights.map((w, k) => (w.reduce((s, v, j) => s + v * row[j], 0) > thresholds[k] ? 1 : 0)));
  }
  return { x, y };
}

/** tfjs-examples style MLP tagger: dense 32 relu, dense 5 with one output per tag. */
export function tagger(head: 'sigmoid' | 'softmax' = 'sigmoid'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [TAGS.features], units: 32, activation: 'relu' }));
  model.add(tf.layers.dense({ units: TAGS.labels, activation: head }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: head === 'sigmoid' ? 'binaryCrossentropy' : 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function tagData(): { x: tf.Tensor; y: tf.Tensor } {
  const { x, y } = tagged(ROWS);
  return { x: tf.tensor2d(x), y: tf.tensor2d(y) };
}

/** The small images with one-hot labels, pixels in [0, 1] or (`signed`) in [-1, 1] as MobileNet's preprocessing gives them. */
function images(signed = false): { x: tf.Tensor; y: tf.Tensor } {
  const { x, labels } = shapes(ROWS);
  const pixels = x.flat(2).map((v) => (signed ? 2 * v - 1 : v));
  return { x: tf.tensor4d(pixels, [x.length, SHAPES.size, SHAPES.size, 1]), y: tf.tensor2d(oneHot(labels, SHAPES.classes)) };
}

/**
 * Trains `model` in training mode (what model.fit does, synchronously: the
 * builders are synchronous) for `epochs` passes of batches of `batchSize`.
 */
function trainSync(model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }, epochs: number, batchSize: number): void {
  const optimizer = tf.train.adam(0.01);
  const rows = data.x.shape[0];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start + batchSize <= rows; start += batchSize) {
      tf.tidy(() => {
        const x = data.x.slice(start, batchSize);
        const y = data.y.slice(start, batchSize);
        optimizer.minimize(() => tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar);
      });
    }
  }
  optimizer.dispose();
}

/** The MobileNet-like block trained on [-1, 1] pixels (its moving statistics collected there), then given [0, 1] pixels. */
function retrainedMobilenet(): Setup {
  const model = mobilenetBlock();
  const signed = images(true);
  trainSync(model, signed, 6, 16);
  tf.dispose([signed.x, signed.y]);
  return { model, data: images(false) };
}

const HEALTHY: readonly HealthyControl[] = [
  {
    kind: 'healthy', id: 'zoo-multilabel-tagger', example: `${EXAMPLES}iris`, symptom: 'MLP tagger: dense 32 relu, dense 5 sigmoid, binaryCrossentropy, ~1.6 tags per row',
    build: () => ({ model: tagger(), data: tagData(), fit: { epochs: 60, batchSize: 32 } }),
    // The harness's accuracy reads one class per row (argmax): a multilabel fit is judged by its binary cross-entropy (chance ~0.67).
    trainsTo: { metric: 'loss', threshold: 0.15 },
  },
];

const FAULTS: readonly InjectedFault[] = [
  {
    kind: 'fault', id: 'zoo-multilabel-tagger-softmax', base: 'zoo-multilabel-tagger', symptom: 'softmax + categoricalCrossentropy on the multi-hot tag rows',
    expected: { rootCause: 'loss-output-mismatch' },
    build: () => ({ model: tagger('softmax'), data: tagData() }),
  },
  {
    kind: 'fault', id: 'zoo-batchnorm-cnn-small-batches', base: 'zoo-batchnorm-cnn', symptom: 'trained one image at a time (batch size 1, as an online-learning demo does)',
    expected: { rootCause: 'batchnorm-small-batch' },
    build: () => ({ model: batchNormCnn(), data: images(), options: { batchSize: 1 } }),
  },
  {
    kind: 'fault', id: 'zoo-mobilenet-block-preprocessing', base: 'zoo-mobilenet-block', symptom: 'trained on [-1, 1] pixels, then given [0, 1] pixels',
    expected: { rootCause: 'batchnorm-stats-mismatch' },
    build: retrainedMobilenet,
  },
];

/** The norm branch's zoo cases, each healthy setup followed by its faults, then the faults of other healthy setups. */
export const NORM_ZOO: readonly Case[] = [...HEALTHY.flatMap((h) => [h, ...FAULTS.filter((f) => f.base === h.id)]), ...FAULTS.filter((f) => !HEALTHY.some((h) => h.id === f.base))];
