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

/** Fresh-initializer kernel variances for fan-in/fan-out: glorot, he, lecun (normal or uniform alike). */
function initVariances(fanIn: number, fanOut: number): number[] {
  return [2 / (fanIn + fanOut), 2 / fanIn, 1 / fanIn];
}
/** A kernel std within this factor of a fresh initializer's, with an all-zero bias, is still at its initialization. */
const INIT_STD_TOLERANCE = 1.25;

/**
 * True when a layer's weights look untouched since initialization: its bias is
 * exactly zero (initializers' default; training moves it at once) and its
 * kernel's std matches a standard initializer for its fan-in and fan-out.
 * Pretrained layers fail the bias test; freezing one at init keeps noise.
 */
function atInitialization(layer: tf.layers.Layer): boolean {
  const kernel = layer.weights.find((w) => w.name.includes('kernel'));
  const bias = layer.weights.find((w) => w.name.includes('bias'));
  if (!kernel || !bias) return false;
  return tf.tidy(() => {
    if (kernel.read().rank < 2) return false;
    const b = bias.read();
    if (tf.max(tf.abs(b)).dataSync()[0] !== 0) return false;
    const k = kernel.read();
    const shape = k.shape;
    const fanOut = shape[shape.length - 1];
    const receptive = shape.slice(0, -2).reduce((a, c) => a * c, 1);
    const fanIn = shape[shape.length - 2] * receptive;
    const std = Math.sqrt(tf.moments(k).variance.dataSync()[0]);
    return initVariances(fanIn, fanOut * receptive).some((v) => std <= INIT_STD_TOLERANCE * Math.sqrt(v) && std >= Math.sqrt(v) / INIT_STD_TOLERANCE);
  });
}

function frozen(ctx: CheckContext): Finding | undefined {
  const withWeights = ctx.model.layers.filter((l) => l.weights.length > 0);
  const stuck = withWeights.filter((l) => !l.trainable);
  if (withWeights.length > 0 && ctx.model.trainableWeights.length === 0) {
    return layersFrozen({ frozen: stuck.length > 0 ? stuck.map((l) => l.name) : withWeights.map((l) => l.name), withWeights: withWeights.length, severity: 'error' });
  }
  if (stuck.length === 0) return undefined;
  const atInit = stuck.filter(atInitialization).map((l) => l.name);
  return layersFrozen({ frozen: stuck.map((l) => l.name), withWeights: withWeights.length, atInit, severity: atInit.length > 0 ? 'warning' : 'info' });
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
    const mismatch = kind && lossOutputMismatch({ kind, lossName: ctx.info.lossName, activation: ctx.facts.outputActivation, units: ctx.facts.outputUnits, layer: ctx.facts.outputLayer });
    const findings = [mismatch, penalty(ctx), frozen(ctx)].filter((f): f is Finding => f !== undefined);
    return { findings };
  },
};
