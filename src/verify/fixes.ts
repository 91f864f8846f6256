/**
 * The mechanical fixes, one recipe per cause: what to change on a clone of the
 * model (architecture, weights, trainable flags), on the optimizer (learning
 * rate), on the loss, or on a view of the inputs. A recipe returns undefined
 * when its fix does not apply to this finding or setup. Recipes never touch
 * the user's model: they build clones through ctx.cloneModel / cloneModel.
 */
import * as tf from '@tensorflow/tfjs';
import type { CheckContext, LossFunction } from '../checks/base';
import type { Measurements } from '../measurements';
import type { Finding } from '../types';
import { cloneModel, modelTopology } from '../model/clone';
import { setLearningRate } from '../model/lr-sweep';
import { resolveLoss } from '../context/loss';
import { verifyMessages } from '../messages/verify';
import { outputActivationOf, withDefaultInitializers, withOutputActivation } from './topology';
import type { FixKind } from './types';

export type VerifyContext = Pick<CheckContext, 'model' | 'train' | 'info' | 'loss' | 'makeOptimizer' | 'facts' | 'progress'>;

/** One fix, ready to run: everything the probe needs, built fresh for each run. */
export interface FixSetup {
  kind: FixKind;
  change: string;
  parameters: Record<string, number | string>;
  /** A clone with the fix applied; the caller disposes it. */
  model(random: () => number): Promise<tf.LayersModel>;
  /** An optimizer with the fix applied; the caller disposes it. */
  optimizer(): tf.Optimizer;
  loss: LossFunction;
  lossChanged: boolean;
  /** The probe inputs as the fixed setup sees them: a new tensor the caller disposes. */
  inputs(x: tf.Tensor): tf.Tensor;
}

type Recipe = (finding: Finding, ctx: VerifyContext, measurements: Measurements) => FixSetup | undefined;

/** The user's setup: the starting point every recipe changes one thing of. */
export function asSetUp(ctx: VerifyContext): FixSetup {
  return {
    kind: 'standardize-inputs',
    change: '',
    parameters: {},
    model: (random) => cloneModel(ctx.model, { random }),
    optimizer: () => ctx.makeOptimizer(),
    loss: ctx.loss,
    lossChanged: false,
    inputs: (x) => x.clone(),
  };
}

function standardize(finding: Finding, ctx: VerifyContext): FixSetup | undefined {
  const x = ctx.train.x;
  // Targets on a large scale: standardizing the inputs is not their fix (and the probe's target loss is in the targets' units).
  if (x.dtype !== 'float32' || finding.evidence.kind === 'target-scale') return undefined;
  const image = ctx.info.inputKind.value === 'image';
  // Images: one scale per channel (a flattened grayscale image is one channel); other inputs: per feature.
  const axes = image ? (x.rank > 2 ? x.shape.slice(0, -1).map((_, i) => i) : x.shape.map((_, i) => i)) : x.shape.slice(0, -1).map((_, i) => i);
  return {
    ...asSetUp(ctx),
    kind: 'standardize-inputs',
    change: verifyMessages.standardize(image ? 'channel' : 'feature'),
    inputs: (batch) => tf.tidy(() => {
      const { mean, variance } = tf.moments(x, axes, true);
      const std = tf.sqrt(variance);
      const safe = tf.where(std.less(1e-6), tf.onesLike(std), std);
      return batch.sub(mean).div(safe);
    }),
  };
}

/**
 * The learning rate to try: the top of the range test's band when it lies the
 * right way, else a factor of 10 (lowering: and at least a decade below where
 * the range test diverged, the usual pick when it found no band).
 */
function learningRateFix(ctx: VerifyContext, measurements: Measurements, direction: 'lower' | 'raise'): FixSetup | undefined {
  const from = ctx.info.learningRate;
  if (from === undefined || !(from > 0)) return undefined;
  const band = measurements.lrRange?.suggested?.[1];
  const divergence = measurements.lrRange?.divergenceLr;
  const below = divergence !== null && divergence !== undefined && divergence > 0 ? Math.min(from / 10, divergence / 10) : from / 10;
  const to = direction === 'lower'
    ? (band !== undefined && band < from ? band : below)
    : (band !== undefined && band > from ? band : from * 10);
  const probe = ctx.makeOptimizer();
  const settable = setLearningRate(probe, to);
  probe.dispose();
  if (!settable) return undefined;
  return {
    ...asSetUp(ctx),
    kind: direction === 'lower' ? 'lower-learning-rate' : 'raise-learning-rate',
    change: direction === 'lower' ? verifyMessages.lowerLr(from, to) : verifyMessages.raiseLr(from, to),
    parameters: { fromLr: from, toLr: to },
    optimizer: () => {
      const optimizer = ctx.makeOptimizer();
      setLearningRate(optimizer, to);
      return optimizer;
    },
  };
}

function outputActivation(ctx: VerifyContext, to: string): FixSetup | undefined {
  const topology = modelTopology(ctx.model);
  const from = outputActivationOf(topology);
  if (from === to || !withOutputActivation(topology, to)) return undefined;
  return {
    ...asSetUp(ctx),
    kind: 'change-output-activation',
    change: verifyMessages.outputActivation(from, to),
    parameters: { from, to },
    model: (random) => cloneModel(ctx.model, { random, editTopology: (t) => withOutputActivation(t, to) ?? t }),
  };
}

/** The cross-entropy that matches the output: categorical (one-hot labels) or sparse for several units, binary for one. */
function crossEntropyFor(ctx: VerifyContext): string {
  if (ctx.facts.outputUnits <= 1) return 'binaryCrossentropy';
  const labelWidth = ctx.train.y.shape[ctx.train.y.rank - 1] ?? 1;
  return labelWidth === 1 ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy';
}

function changeLoss(ctx: VerifyContext, to: string): FixSetup | undefined {
  if (to === ctx.info.lossName) return undefined;
  return {
    ...asSetUp(ctx),
    kind: 'change-loss',
    change: verifyMessages.loss(ctx.info.lossName, to),
    parameters: { from: ctx.info.lossName, to },
    loss: resolveLoss(ctx.model, to).fn,
    lossChanged: true,
  };
}

function matchLossToOutput(finding: Finding, ctx: VerifyContext): FixSetup | undefined {
  const units = ctx.facts.outputUnits;
  switch (finding.evidence.kind) {
    case 'linear-probability-loss':
    case 'sigmoid-categorical':
      return outputActivation(ctx, units > 1 && ctx.info.lossName !== 'binaryCrossentropy' ? 'softmax' : 'sigmoid');
    case 'softmax-one-unit':
      return outputActivation(ctx, 'sigmoid');
    case 'softmax-twice':
    case 'sigmoid-twice':
      // The loss already applies softmax (sigmoid): the output layer gives it logits.
      return outputActivation(ctx, 'linear');
    case 'softmax-binary-crossentropy':
    case 'squashed-mse-classes':
      return changeLoss(ctx, crossEntropyFor(ctx));
    default:
      return undefined;
  }
}

function unfreeze(finding: Finding, ctx: VerifyContext): FixSetup | undefined {
  const frozen = ctx.model.layers.filter((l) => !l.trainable && l.weights.length > 0).length;
  if (frozen === 0) return undefined;
  return {
    ...asSetUp(ctx),
    kind: 'unfreeze',
    change: verifyMessages.unfreeze(frozen),
    parameters: { layers: frozen, first: String(finding.evidence.first ?? '') },
    model: async (random) => {
      const copy = await cloneModel(ctx.model, { random });
      copy.layers.forEach((layer) => {
        layer.trainable = true;
      });
      return copy;
    },
  };
}

function reinitialize(_finding: Finding, ctx: VerifyContext): FixSetup {
  return {
    ...asSetUp(ctx),
    kind: 'reinitialize',
    change: verifyMessages.reinitialize(),
    model: (random) => cloneModel(ctx.model, { random, weights: 'initialize', editTopology: withDefaultInitializers }),
  };
}

/**
 * Cause id -> its mechanical fix. Keyed by string so checks added later (e.g.
 * 'output-range-mismatch': a sigmoid/softmax/ReLU output that cannot reach the
 * targets) are matched as soon as their id exists.
 */
const RECIPES: Readonly<Record<string, Recipe>> = {
  'data-unnormalized': standardize,
  'lr-too-high': (_f, ctx, m) => learningRateFix(ctx, m, 'lower'),
  'lr-too-low': (_f, ctx, m) => learningRateFix(ctx, m, 'raise'),
  'update-ratio-off': (f, ctx, m) => learningRateFix(ctx, m, f.evidence.direction === 'low' ? 'raise' : 'lower'),
  'gradients-exploding': (_f, ctx, m) => learningRateFix(ctx, m, 'lower'),
  'loss-output-mismatch': matchLossToOutput,
  'output-range-mismatch': (_f, ctx) => outputActivation(ctx, 'linear'),
  'layers-frozen': unfreeze,
  'init-scale-off': reinitialize,
  'activations-dead': reinitialize,
};

/** The fix for `finding`, or undefined when it has none that can be applied mechanically here. */
export function fixFor(finding: Finding, ctx: VerifyContext, measurements: Measurements): FixSetup | undefined {
  const recipe = RECIPES[finding.id];
  return recipe?.(finding, ctx, measurements);
}
