/**
 * The loss set-up (CHECKLIST L2, L3, L5): loss vs output activation and
 * labels, a regularization penalty that dominates the data loss, and frozen
 * layers. Reads the model; never changes it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext } from '../base';
import type { Finding } from '../../types';
import { layersFrozen, lossOutputMismatch, regularizationDominates, type MismatchKind } from '../../messages/data';
import { predictRows } from './shared';
import { softmaxOnMultilabel } from '../norm/multilabel-loss';
import { sigmoidAppliedTwice, softmaxAppliedTwice } from './logits-loss';

const PROBABILITY_LOSSES = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy']);
const SQUARED_LOSSES = new Set(['meanSquaredError', 'meanAbsoluteError']);
/** Activations whose outputs are probabilities. */
const SQUASHING = new Set(['softmax', 'sigmoid']);
/** Rows used to measure the data loss the penalty is compared with. */
const PENALTY_PROBE_ROWS = 256;
/** The penalty should be a fraction of the data loss at the start; above it, weight decay drives the gradient. */
const PENALTY_RATIO_LIMIT = 1;

function mismatchKind(ctx: CheckContext): MismatchKind | undefined {
  const { outputActivation: act, outputUnits: units } = ctx.facts;
  const loss = ctx.info.lossName;
  if (act === 'softmax' && units === 1) return 'softmax-one-unit';
  if (loss === 'binaryCrossentropy' && act === 'softmax' && units > 2) return 'softmax-binary-crossentropy';
  if (PROBABILITY_LOSSES.has(loss) && !SQUASHING.has(act)) return 'linear-probability-loss';
  // The task is inferred as classification only when the labels are classes (0/1 or one-hot).
  if (SQUARED_LOSSES.has(loss) && SQUASHING.has(act) && ctx.info.task.value !== 'regression') return 'squashed-mse-classes';
  if (loss === 'categoricalCrossentropy' && act === 'sigmoid' && units > 1) return 'sigmoid-categorical';
  // Independent sigmoids for classes that never co-occur: every label row holds exactly one 1.
  const labels = ctx.profile.train.labels;
  if (loss === 'binaryCrossentropy' && act === 'sigmoid' && units > 2 && labels.width === units && labels.rows > 0 &&
    labels.nonBinary === 0 && labels.rowsNotSummingToOne === 0 && labels.multiHotRows === 0) return 'sigmoid-binary-one-hot';
  return undefined;
}

function frozen(ctx: CheckContext): Finding | undefined {
  const withWeights = ctx.model.layers.filter((l) => l.weights.length > 0);
  const stuck = withWeights.filter((l) => !l.trainable).map((l) => l.name);
  if (withWeights.length > 0 && ctx.model.trainableWeights.length === 0) {
    return layersFrozen({ frozen: stuck.length > 0 ? stuck : withWeights.map((l) => l.name), withWeights: withWeights.length, severity: 'error' });
  }
  // Some layers frozen: the network check frozen-layers judges them by their weights (trained or still at init).
  return undefined;
}

function penalty(ctx: CheckContext): Finding | undefined {
  const regularized = ctx.model.layers.filter((l) => {
    const config = l.getConfig();
    return config.kernelRegularizer != null || config.biasRegularizer != null || config.embeddingsRegularizer != null ||
      config.depthwiseRegularizer != null || config.pointwiseRegularizer != null || config.recurrentRegularizer != null;
  });
  if (regularized.length === 0) return undefined;
  const [penaltyValue, dataLoss] = tf.tidy(() => {
    const terms = ctx.model.calculateLosses();
    const total = terms.length > 0 ? tf.addN(terms) : tf.scalar(0);
    const rows = Math.min(PENALTY_PROBE_ROWS, ctx.train.x.shape[0]);
    const predicted = predictRows(ctx, ctx.train.x, rows);
    const loss = ctx.loss(tf.slice(ctx.train.y, 0, rows), predicted);
    return [total.dataSync()[0], loss.dataSync()[0]];
  });
  if (!(penaltyValue > 0) || !Number.isFinite(dataLoss) || dataLoss <= 0) return undefined;
  if (penaltyValue <= PENALTY_RATIO_LIMIT * dataLoss) return undefined;
  return regularizationDominates({ penalty: penaltyValue, dataLoss, layers: regularized.map((l) => l.name) });
}

export const lossConfigCheck: Check = {
  id: 'loss-config',
  checklist: ['L2', 'L3', 'L5'],
  findings: ['loss-output-mismatch', 'regularization-dominates', 'layers-frozen'],
  explains: {
    'loss-output-mismatch': ['loss-above-chance', 'overfit-failed', 'gradients-vanishing', 'gradients-zero', 'lr-too-low', 'lr-too-high'],
    'layers-frozen': ['overfit-failed', 'gradients-zero', 'input-ignored'],
    'regularization-dominates': ['overfit-failed', 'update-ratio-off', 'lr-too-low'],
  },
  async run(ctx: CheckContext) {
    const kind = mismatchKind(ctx);
    const mismatch = softmaxOnMultilabel(ctx) ??
      (kind && lossOutputMismatch({ kind, lossName: ctx.info.lossName, activation: ctx.facts.outputActivation, units: ctx.facts.outputUnits, layer: ctx.facts.outputLayer })) ??
      softmaxAppliedTwice(ctx) ?? sigmoidAppliedTwice(ctx);
    const findings = [mismatch, penalty(ctx), frozen(ctx)].filter((f): f is Finding => f !== undefined);
    return { findings };
  },
};
