/**
 * T2, T3 and T6 (backward half): one real training step on a clone, with the
 * user's optimizer and learning rate, measures per-layer gradients and the
 * update-to-weight ratio. Cost: one training step.
 */
import type { Finding } from '../../types';
import type { LayerActivation, WeightGradient } from '../../measurements';
import * as tf from '@tensorflow/tfjs';
import { measureGradientStep, weightGradientStats } from '../../model/gradients';
import { forwardLoss } from '../../model/loss';
import { finiteOrNull } from '../../measurements';
import { networkMessages } from '../../messages/network';
import { evidenceMargin } from '../strength';
import type { NetworkCheck, NetworkContext } from './context';
import { lossOrSkip } from '../data/shared';
import { checkLossRuns, headBatch, nameList, nonFiniteSeen, trainingBatchSize, withClone, withOptimizer } from './batch';

const THRESHOLDS = {
  /**
   * Relative gradient ||g||/||w|| of a layer this many times below the
   * strongest layer's: healthy MLP/CNN layers sit within ~10x of each other;
   * a 10-deep sigmoid stack's first layer is ~1e-7 of its last.
   */
  vanishingRatio: 1e-3,
  /**
   * Below float32 resolution: an update lr*g smaller than ~1e-7 of the weight
   * is rounded away, whatever the other layers do.
   */
  float32Noise: 1e-7,
  /**
   * ||g||/||w|| above 10: one SGD step at lr 0.1 would replace the weights.
   * Healthy nets measure 0.05-0.5 at init (small regression nets the most).
   */
  explodingRelative: 10,
  /**
   * Relative gradient 10x larger in the first kernel than in the last: the
   * explosion through depth (ReLU layers initialized 3x too large, 6 deep:
   * ~100x); healthy MLPs measure 0.3-3x.
   */
  depthGrowth: 10,
  /** Healthy update/weight ratio per step (Karpathy's rule of thumb). */
  targetUpdate: 1e-3,
  /**
   * 100x either side of 1e-3. Adam's first step moves every weight by ~lr, so
   * Adam at its default 1e-3 measures ~1e-2: inside, as it should be.
   */
  updateFactor: 100,
};

/** Kernels (rank >= 2, non-zero): biases start at zero and have no meaningful ratio. */
function kernelsOf(weights: WeightGradient[]): WeightGradient[] {
  return weights.filter((w) => w.shape.length >= 2 && (w.weightNorm ?? 0) > 0 && w.gradNorm !== null);
}

function relative(w: WeightGradient): number {
  return (w.gradNorm ?? 0) / (w.weightNorm ?? 1);
}

/**
 * A recurrent layer's recurrent kernel: its gradient sums h(t-1) x delta(t) over
 * the steps, so it scales with the hidden state it multiplies (zero at the
 * first step, small while the layer's inputs are small), not with how much
 * gradient reaches the layer. An encoder LSTM fed by an Embedding (weights
 * +-0.05) measures ~1e-3 of the embedding's relative gradient at init on
 * healthy seq2seq models. The input kernel of the same layer shows whether
 * gradient reaches it; gradient-through-time shows the steps.
 */
function isRecurrentKernel(w: WeightGradient): boolean {
  return /(^|\/)recurrent_kernel$/.test(w.weight);
}

function findVanishing(kernels: WeightGradient[]): Finding | null {
  const live = kernels.filter((w) => (w.gradNorm ?? 0) > 0 && !isRecurrentKernel(w));
  if (live.length < 2) return null;
  const strongest = live.reduce((a, b) => (relative(b) > relative(a) ? b : a));
  const first = live.find(
    (w) => relative(w) < THRESHOLDS.float32Noise || relative(w) < relative(strongest) * THRESHOLDS.vanishingRatio,
  );
  if (!first) return null;
  return networkMessages.gradientsVanishing({
    layer: first.layer,
    relativeGradient: relative(first),
    strongestLayer: strongest.layer,
    strongest: relative(strongest),
    ratio: relative(first) / relative(strongest),
  });
}

/** Layers that pass values through elementwise: what follows them follows the layer before. */
const ELEMENTWISE = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'Softmax', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);
const NORMALIZATION = new Set(['BatchNormalization', 'LayerNormalization']);

/**
 * Whether every output of `layer` is normalized next (through elementwise
 * layers only). Such a kernel is scale-invariant: the normalization divides
 * its output by its own scale, so its gradient relative to its size says
 * nothing about stability (a small first-layer kernel before batch norm
 * measures 10-20x on a healthy batch-normalized CNN, and a step that grows the
 * kernel shrinks the next gradient).
 */
function normalizedNext(layer: tf.layers.Layer, depth = 0): boolean {
  const next = layer.outboundNodes.map((node) => node.outboundLayer);
  if (next.length === 0 || depth > 4) return false;
  return next.every((l) => NORMALIZATION.has(l.getClassName()) || (ELEMENTWISE.has(l.getClassName()) && normalizedNext(l, depth + 1)));
}

/** The batch loss (inference mode) before and after the one real step. */
interface StepEffect {
  before: number;
  after: number;
}

/** Whether the one real step failed to lower the loss of the batch it was computed on (NaN counts as failing). */
function stepHurt(effect: StepEffect): boolean {
  return !(effect.after < effect.before);
}

/**
 * Large gradients relative to the weights are an explosion only with
 * evidence of one: they grow from the last layer back to the first (the
 * classic explosion through depth), or the real step made the loss worse. A
 * regression on raw targets (house prices around 22) starts with residuals
 * of ~22 and large gradients in every layer alike, and its first step still
 * lowers the loss: that is the target scale (see loss-above-chance), not an
 * explosion.
 */
function findExploding(kernels: WeightGradient[], model: tf.LayersModel, effect: StepEffect, activationGrowth: number): Finding | null {
  const first = kernels.find((w) => relative(w) > THRESHOLDS.explodingRelative && !normalizedNext(model.layers[w.layerIndex]));
  if (!first) return null;
  const last = kernels[kernels.length - 1];
  const growth = relative(last) > 0 ? relative(kernels[0]) / relative(last) : 1;
  // A kernel's gradient scales with the activations feeding it: activations that shrink through depth
  // make the last kernel's gradient small and the ratio large without any gradient growing.
  const backwardGrowth = growth * Math.min(1, activationGrowth);
  if (backwardGrowth < THRESHOLDS.depthGrowth && activationGrowth < THRESHOLDS.depthGrowth && !stepHurt(effect)) return null;
  return networkMessages.gradientsExploding({
    layer: first.layer,
    relativeGradient: relative(first),
    growth,
    activationGrowth,
    lossBefore: effect.before,
    lossAfter: effect.after,
  });
}

/**
 * How much the activation scale (RMS) grows from the first hidden layer to the
 * last, from the activations check's tap: weights too large for their layer
 * size multiply the signal layer after layer (and the gradient with it, while
 * the relative gradient per layer stays alike). 1 when not measured.
 */
function activationGrowthOf(layers: readonly LayerActivation[] | undefined): number {
  const hidden = (layers ?? []).slice(0, -1).filter((l) => (l.rms ?? 0) > 0);
  if (hidden.length < 2) return 1;
  return (hidden[hidden.length - 1].rms ?? 0) / (hidden[0].rms ?? 1);
}

async function batchLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, loss: NetworkContext['loss']): Promise<number> {
  const value = tf.tidy(() => forwardLoss(model, x, y, loss, false));
  const [number] = await value.data();
  value.dispose();
  return number;
}

/**
 * Weights whose gradient is exactly zero on the step's batch AND on every
 * other batch measured: one batch can zero a gradient by accident (a
 * mean-absolute-error loss gives the output bias mean(sign(residual)), exactly
 * 0 when a batch has as many residuals above as below).
 */
function findZero(weights: WeightGradient[], zeroElsewhere: ReadonlySet<string>): Finding | null {
  const zero = weights.filter((w) => w.gradNorm === 0 && zeroElsewhere.has(keyOf(w)));
  if (zero.length === 0) return null;
  return networkMessages.gradientsZero({
    layer: zero[0].layer,
    weight: zero[0].weight,
    zeroWeights: zero.length,
    trainableWeights: weights.length,
    layers: nameList([...new Set(zero.map((w) => w.layer))]),
  });
}

function keyOf(w: { layer: string; weight: string }): string {
  return `${w.layer}/${w.weight}`;
}

/**
 * How much larger than its steady-state step an optimizer's first step from
 * empty state is, by construction, as [lowest, highest] over gradient
 * histories. RMSProp divides by sqrt(ms) with ms = (1 - rho) g^2 after one
 * step: its first step is 1/sqrt(1 - rho) (3.16x at rho 0.9) its steady one.
 * Momentum's first step is plain SGD; consistent gradients build its velocity
 * up to 1/(1 - m) times that (10x at 0.9). Adam's bias correction makes its
 * first step the steady size; SGD has no state.
 */
export function firstStepGain(optimizer: tf.Optimizer): [number, number] {
  const decay: unknown = Reflect.get(optimizer, 'decay');
  const momentum: unknown = Reflect.get(optimizer, 'momentum');
  const className = optimizer.getClassName();
  if (className === 'RMSProp' && typeof decay === 'number' && decay > 0 && decay < 1) {
    const gain = 1 / Math.sqrt(1 - decay);
    return [gain, gain];
  }
  if (className === 'Momentum' && typeof momentum === 'number' && momentum > 0 && momentum < 1) return [1 - momentum, 1];
  return [1, 1];
}

/**
 * The update/weight ratio of the measured first step, scaled to the optimizer's
 * steady state (see firstStepGain): "high" is judged on the smallest steady
 * step the first one allows, "low" on the largest, so neither a fresh
 * RMSProp's big first step nor a fresh Momentum's small one is blamed.
 */
function findUpdateRatio(kernels: WeightGradient[], ctx: NetworkContext, gain: [number, number], effect: StepEffect): Finding | null {
  const ratios = kernels.filter((w) => w.updateRatio !== null && (w.gradNorm ?? 0) > 0);
  if (ratios.length === 0) return null;
  const sorted = [...ratios].sort((a, b) => (a.updateRatio ?? 0) - (b.updateRatio ?? 0));
  const measured = sorted[Math.floor(sorted.length / 2)].updateRatio ?? 0;
  const [low, high] = [measured / gain[1], measured / gain[0]];
  // Too high only when the step did harm: Adam at 0.01 moves small embedding weights by a third of their size per step and trains well.
  const tooHigh = low > THRESHOLDS.targetUpdate * THRESHOLDS.updateFactor && stepHurt(effect);
  const tooLow = high < THRESHOLDS.targetUpdate / THRESHOLDS.updateFactor;
  if (!tooHigh && !tooLow) return null;
  const median = tooHigh ? low : high;
  return networkMessages.updateRatioOff({
    median,
    factor: tooHigh ? median / THRESHOLDS.targetUpdate : THRESHOLDS.targetUpdate / median,
    direction: tooHigh ? 'high' : 'low',
    learningRate: ctx.info.learningRate ?? Number.NaN,
    optimizer: ctx.info.optimizerName ?? 'optimizer',
    worstLayer: (tooHigh ? sorted[sorted.length - 1] : sorted[0]).layer,
    firstStep: measured,
    firstStepGain: tooHigh ? gain[0] : gain[1],
    lossBefore: effect.before,
    lossAfter: effect.after,
  });
}

/**
 * Weights whose gradient is exactly zero on each of a few other batches of the
 * probe data, measured on the clone AFTER its one optimizer step: a weight
 * behind a deliberately zero-initialized output layer gets no gradient on the
 * very first step only (the step makes that layer non-zero), and a
 * sign-based gradient (MAE) is zero on a balanced batch only.
 */
async function zeroOnOtherBatches(ctx: NetworkContext, stepped: tf.LayersModel, suspects: WeightGradient[], size: number): Promise<Set<string>> {
  if (suspects.length === 0) return new Set();
  const rows = ctx.train.x.shape[0];
  // Other rows when there are enough, else the same rows less one (an odd count breaks a sign tie).
  const starts = [size, 2 * size].filter((start) => start + size <= rows);
  const batches = starts.length > 0
    ? starts.map((start) => ({ x: ctx.train.x.slice(start, size), y: ctx.train.y.slice(start, size) }))
    : size > 2 ? [{ x: ctx.train.x.slice(0, size - 1), y: ctx.train.y.slice(0, size - 1) }] : [];
  let zero = new Set(suspects.map(keyOf));
  try {
    for (const batch of batches) {
      const weights = await weightGradientStats(stepped, batch.x, batch.y, ctx.loss);
      zero = new Set(weights.filter((w) => w.gradNorm === 0 && zero.has(keyOf(w))).map(keyOf));
    }
  } finally {
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
  }
  return zero;
}

function findNonFinite(loss: number | null, weights: WeightGradient[]): Finding | null {
  if (loss === null) return networkMessages.nonfiniteValues({ where: 'loss', count: 1 });
  const first = weights.find((w) => (w.nonFiniteCount ?? 0) > 0);
  return first ? networkMessages.nonfiniteValues({ where: 'gradient', layer: first.layer, count: first.nonFiniteCount ?? 0 }) : null;
}

export const gradientFlowCheck: NetworkCheck<'forwardPass'> = {
  id: 'gradient-flow',
  checklist: ['T2', 'T3', 'T6'],
  findings: ['gradients-vanishing', 'gradients-exploding', 'gradients-zero', 'update-ratio-off', 'nonfinite-values'],
  needs: ['forwardPass'],
  provides: ['gradientStep'],
  explains: {
    'gradients-vanishing': ['overfit-failed', 'input-ignored'],
    'gradients-exploding': ['nonfinite-values', 'overfit-failed'],
    'nonfinite-values': ['overfit-failed', 'loss-above-chance'],
  },
  strength: (f) =>
    f.id === 'gradients-exploding' ? evidenceMargin(f, 'relativeGradient', THRESHOLDS.explodingRelative, 2)
      : f.id === 'update-ratio-off' ? evidenceMargin(f, 'factor', THRESHOLDS.updateFactor, 2)
        : undefined,
  async run(ctx) {
    const batch = headBatch(ctx, trainingBatchSize(ctx));
    try {
      // A loss that rejects the labels' shape is labels-invalid's finding, not this check's error.
      const runs = lossOrSkip(() => checkLossRuns(ctx, batch.x, batch.y));
      if ('skipped' in runs) return { findings: [], skipped: runs.skipped };
      const { step, gain, zeroElsewhere, effect } = await withClone(ctx, (clone) =>
        withOptimizer(ctx, async (optimizer) => {
          const before = await batchLoss(clone, batch.x, batch.y, ctx.loss);
          const measured = await measureGradientStep(clone, batch.x, batch.y, ctx.loss, { optimizer });
          const after = await batchLoss(clone, batch.x, batch.y, ctx.loss);
          const suspects = measured.weights.filter((w) => w.gradNorm === 0);
          return {
            step: measured, gain: firstStepGain(optimizer), effect: { before, after },
            zeroElsewhere: await zeroOnOtherBatches(ctx, clone, suspects, batch.size),
          };
        }),
      );
      const gradientStep = { nonFinite: findNonFinite(step.loss, step.weights) !== null, weights: step.weights };
      if (step.weights.length === 0) return { findings: [], skipped: 'the model has no trainable weights', outputs: { gradientStep } };
      const measurements = {
        gradients: { weights: step.weights, optimizerName: ctx.info.optimizerName, learningRate: ctx.info.learningRate },
      };
      const nanSeen = nonFiniteSeen(ctx);
      const nonFinite = nanSeen ? null : findNonFinite(step.loss, step.weights);
      if (nanSeen || nonFinite) {
        return { findings: nonFinite ? [nonFinite] : [], measurements, outputs: { gradientStep }, note: 'non-finite values: gradient statistics are meaningless' };
      }
      const kernels = kernelsOf(step.weights);
      const exploding = findExploding(kernels, ctx.model, effect, activationGrowthOf(ctx.inputs.forwardPass.layers));
      // Exploding activations inflate the last layers' gradients most: a "vanishing" ratio then misleads.
      const findings = [
        findZero(step.weights, zeroElsewhere),
        exploding ?? findVanishing(kernels),
        findUpdateRatio(kernels, ctx, gain, effect),
      ].filter((f): f is Finding => f !== null);
      const symptoms = findings.some((f) => f.id === 'gradients-exploding' || (f.id === 'update-ratio-off' && f.evidence.direction === 'high'));
      return {
        findings,
        measurements: { ...measurements, extra: { 'gradient-flow': { lossBeforeStep: finiteOrNull(effect.before), lossAfterStep: finiteOrNull(effect.after) } } },
        outputs: { gradientStep: { ...gradientStep, rateSymptoms: symptoms } },
        note: `one ${ctx.info.optimizerName ?? 'optimizer'} step on ${batch.size} samples took the batch loss from ${effect.before.toPrecision(3)} to ${effect.after.toPrecision(3)}`,
      };
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  },
};
