/**
 * Softmax applied twice (CHECKLIST L2): a softmax output layer trained with a
 * custom loss that applies softmax again (tf.losses.softmaxCrossEntropy, or a
 * hand-written "from logits" cross-entropy). Judged by what the loss does, not
 * by its name: a loss on probabilities scores a perfect prediction (probability
 * 1 on the right class) at ~0, while one that takes its input as logits scores
 * it at -ln softmax([1, 0, ..., 0])_true = ln(1 + (C - 1)/e), and scores
 * large logits (30 on the right class) at ~0. Both must hold.
 *
 * The sigmoid form (a sigmoid output trained with tf.losses.sigmoidCrossEntropy,
 * cansyl/DEEPred#5) is judged the same way: a loss that takes its input as
 * logits scores a perfect prediction at ln(1 + 1/e) per positive label and
 * ln 2 per negative one, and logits of +-30 at ~0.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckContext } from '../base';
import type { Finding } from '../../types';
import { lossAppliesSigmoidAgain, lossAppliesSoftmaxAgain } from '../../messages/data';

/** Names of losses tfjs computes on probabilities: never softmax-again. */
const KNOWN_LOSSES = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError']);
/** Label rows the loss is evaluated on. */
const PROBE_ROWS = 32;
/** The loss at a perfect prediction within 2% of ln(1 + (C - 1)/e)... */
const FLOOR_TOLERANCE = 0.02;
/** ...and at logits of 30 below a twentieth of that. */
const LOGIT_FRACTION = 0.05;
const LOGIT = 30;

/** The perfect prediction for label rows `y` ([n, C] one-hot or [n] / [n, 1] class indices) as one-hot rows [n, C]; undefined otherwise. */
function perfectRows(y: tf.Tensor, units: number): tf.Tensor | undefined {
  const width = y.rank === 1 ? 1 : y.shape[y.rank - 1];
  if (y.rank > 2) return undefined;
  if (width === units) return tf.oneHot(tf.argMax(y, -1) as tf.Tensor1D, units).toFloat();
  if (width !== 1) return undefined;
  const indices = tf.reshape(y, [-1]);
  const valid = tf.all(tf.logicalAnd(tf.equal(indices, tf.round(indices)), tf.logicalAnd(tf.greaterEqual(indices, 0), tf.less(indices, units))));
  return valid.dataSync()[0] ? tf.oneHot(tf.cast(indices, 'int32') as tf.Tensor1D, units).toFloat() : undefined;
}

/** Label rows `y` as they are when every value is 0 or 1 and they have the output's shape ([n, units], or [n] / [n, 1] for one unit); undefined otherwise. */
function binaryRows(y: tf.Tensor, units: number): tf.Tensor | undefined {
  const width = y.rank === 1 ? 1 : y.shape[y.rank - 1];
  if (y.rank > 2 || width !== units) return undefined;
  const binary = tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1))).dataSync()[0];
  return binary ? tf.cast(y, 'float32') : undefined;
}

/**
 * loss(y, perfect) and loss(y, logits of the perfect prediction) on the first
 * label rows, with the perfect prediction and its logits as `at` builds them
 * from those rows; undefined when the loss cannot be evaluated on such rows.
 */
function lossesAt(ctx: CheckContext, at: (y: tf.Tensor) => { perfect: tf.Tensor; logits: tf.Tensor } | undefined): { floor: number; logitLoss: number; positives: number } | undefined {
  const rows = Math.min(PROBE_ROWS, ctx.train.y.shape[0] ?? 0);
  if (rows === 0) return undefined;
  try {
    return tf.tidy(() => {
      const y = tf.slice(ctx.train.y, 0, rows);
      const built = at(y);
      if (built === undefined) return undefined;
      const floor = ctx.loss(y, built.perfect).dataSync()[0];
      const logitLoss = ctx.loss(y, built.logits).dataSync()[0];
      const positives = tf.mean(built.perfect).dataSync()[0];
      return Number.isFinite(floor) && Number.isFinite(logitLoss) ? { floor, logitLoss, positives } : undefined;
    });
  } catch {
    // A custom loss that rejects these shapes says nothing either way (loss-config's other probes report shape errors).
    return undefined;
  }
}

/** loss-output-mismatch (kind 'softmax-twice') when the output is a softmax and the loss softmaxes it again. */
export function softmaxAppliedTwice(ctx: CheckContext): Finding | undefined {
  const { outputActivation, outputUnits: units, outputLayer, outputShape } = ctx.facts;
  if (outputActivation !== 'softmax' || units < 2 || outputShape.length !== 1 || KNOWN_LOSSES.has(ctx.info.lossName)) return undefined;
  const measured = lossesAt(ctx, (y) => {
    const perfect = perfectRows(y, units);
    return perfect && { perfect, logits: tf.mul(perfect, LOGIT) };
  });
  if (measured === undefined) return undefined;
  const expected = Math.log(1 + (units - 1) / Math.E);
  const { floor, logitLoss } = measured;
  if (Math.abs(floor - expected) > FLOOR_TOLERANCE * expected || logitLoss > LOGIT_FRACTION * floor) return undefined;
  return lossAppliesSoftmaxAgain({ lossName: ctx.info.lossName, units, layer: outputLayer, floor, expected, logitLoss });
}

/**
 * loss-output-mismatch (kind 'sigmoid-twice') when the output is a sigmoid and
 * the loss applies sigmoid again: the mean over label values of ln(1 + 1/e) for
 * a 1 and ln 2 for a 0 at a perfect prediction, ~0 at logits of +-30.
 */
export function sigmoidAppliedTwice(ctx: CheckContext): Finding | undefined {
  const { outputActivation, outputUnits: units, outputLayer, outputShape } = ctx.facts;
  if (outputActivation !== 'sigmoid' || outputShape.length !== 1 || KNOWN_LOSSES.has(ctx.info.lossName)) return undefined;
  const measured = lossesAt(ctx, (y) => {
    const perfect = binaryRows(y, units);
    return perfect && { perfect, logits: tf.sub(tf.mul(perfect, 2 * LOGIT), LOGIT) };
  });
  if (measured === undefined) return undefined;
  const { floor, logitLoss, positives } = measured;
  const expected = positives * Math.log(1 + 1 / Math.E) + (1 - positives) * Math.LN2;
  if (Math.abs(floor - expected) > FLOOR_TOLERANCE * expected || logitLoss > LOGIT_FRACTION * floor) return undefined;
  return lossAppliesSigmoidAgain({ lossName: ctx.info.lossName, units, layer: outputLayer, floor, expected, logitLoss, positives });
}
