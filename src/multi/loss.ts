/**
 * The training loss of a model with several outputs, as model.fit computes it:
 * the mean loss of each output, summed (tfjs 4 ignores compile's lossWeights,
 * so every weight is 1 unless tfjs-doctor is told otherwise), on labels and
 * predictions packed per sample (see model/packing.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { LossFunction } from '../checks/base';
import type { ResolvedLoss } from '../context/loss';
import { unpackRows } from '../model/packing';

/** One output's part of the total: its loss, weight, and row shapes of its labels and predictions. */
export interface OutputLoss {
  name: string;
  loss: ResolvedLoss;
  weight: number;
  labelShape: number[];
  outputShape: number[];
}

/** The weighted sum of the outputs' mean losses, on packed labels and packed predictions. */
export function totalLoss(parts: readonly OutputLoss[]): ResolvedLoss {
  const fn: LossFunction = (yTrue, yPred) => tf.tidy(() => {
    const labels = unpackRows(yTrue, parts.map((p) => p.labelShape));
    const predictions = unpackRows(yPred, parts.map((p) => p.outputShape));
    // Weights of 1 (all of them in tfjs 4) cost no op: the sum runs in every probe step.
    const terms = parts.map((p, j) => {
      const own = p.loss.fn(labels[j], predictions[j]);
      return p.weight === 1 ? own : tf.mul(own, p.weight);
    });
    return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
  });
  const perRows = parts.map((p) => p.loss.perRow);
  const perRow = perRows.every((f) => f !== undefined)
    ? (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => tf.tidy(() => {
      const labels = unpackRows(yTrue, parts.map((p) => p.labelShape));
      const predictions = unpackRows(yPred, parts.map((p) => p.outputShape));
      const rows = yTrue.shape[0];
      return parts.reduce((sum: tf.Tensor, p, j) => {
        const own = tf.reshape(perRows[j]?.(labels[j], predictions[j]) ?? tf.zeros([rows]), [rows, -1]);
        return tf.add(sum, tf.mul(tf.mean(own, 1), p.weight));
      }, tf.zeros([rows]));
    })
    : undefined;
  const name = parts.map((p) => `${p.weight === 1 ? '' : `${p.weight} x `}${p.name}: ${p.loss.name}`).join(' + ');
  return { name: `${TOTAL_PREFIX}${name}`, fn, perRow };
}

const TOTAL_PREFIX = 'sum of ';

/**
 * The loss names of the outputs in a total loss's name (as totalLoss writes it:
 * 'sum of cls: categoricalCrossentropy + size: meanSquaredError'), or undefined
 * for any other loss name. An output name holding ' + ' or ': ' can split wrongly:
 * the pieces then match no known loss, and the total reads as custom.
 */
export function totalLossParts(name: string): string[] | undefined {
  if (!name.startsWith(TOTAL_PREFIX)) return undefined;
  return name.slice(TOTAL_PREFIX.length).split(' + ').map((part) => part.slice(part.lastIndexOf(': ') + 2));
}
