/**
 * L7: numerical gradient check of custom code. Custom layers (every layer
 * with budget 'thorough') and custom losses: the gradient tfjs backpropagates
 * against central finite differences on a few parameters. A layer without
 * weights of its own is checked through the nearest earlier layer's weights,
 * whose gradient flows back through it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import { backingVariable, listLayers, type LayerInfo } from '../../model/layers';
import { forwardLoss, forwardOutput } from '../../model/loss';
import { checkLossGradient, checkVariableGradient, type GradientComparison } from '../../model/finite-differences';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck, NetworkContext } from './context';
import { NON_FINITE_SKIP, headBatch, nonFiniteSeen, withClone } from './batch';
import { FINITE_INPUTS, type FiniteInputs } from './batch';
import { totalLossParts } from '../../multi/loss';

/** Loss names tfjs implements; anything else was written by the user. */
const BUILT_IN_LOSSES = new Set([
  'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError',
  'meanAbsoluteError', 'meanAbsolutePercentageError', 'meanSquaredLogarithmicError', 'squaredHinge', 'hinge',
  'categoricalHinge', 'logcosh', 'kullbackLeiblerDivergence', 'poisson', 'cosineProximity',
]);

/** A loss tfjs implements, or the sum of such losses that a model with several outputs minimizes (its gradient is theirs). */
function builtInLoss(name: string): boolean {
  return (totalLossParts(name) ?? [name]).every((part) => BUILT_IN_LOSSES.has(part));
}

const SETTINGS = {
  samples: 8,
  /** Six entries: the verdict takes their median, so one entry spoiled by a ReLU kink cannot fail a healthy layer. */
  entries: 6,
  /** ~cbrt(float32 eps): balances truncation error (h^2) against rounding (eps / h). */
  step: 1e-3,
  /**
   * Median relative error allowed. Healthy layers measure 1e-4..1e-2 in
   * float32 (first conv and dense layers, whose sums run over hundreds of
   * inputs, the most; one healthy MNIST MLP reached 4.5e-2 with a laxer noise
   * floor). 1e-4 is the float64 rule of thumb. A wrong custom gradient is off by
   * tens of percent: a missing factor 2 gives 0.5, a wrong sign 2.
   */
  tolerance: 0.1,
};

interface Target {
  /** The layer (or 'loss') under test. */
  name: string;
  /** The layer whose weights are perturbed. */
  through: LayerInfo;
}

function targets(layers: LayerInfo[], thorough: boolean): Target[] {
  return layers.flatMap((layer, i) => {
    if (!layer.custom && !(thorough && layer.weights.some((w) => w.trainable))) return [];
    const through = layers.slice(0, i + 1).reverse().find((l) => l.weights.some((w) => w.trainable));
    return through ? [{ name: layer.name, through }] : [];
  });
}

/** `cloneLayers`: listLayers(clone), whose weights are the ones perturbed. */
async function checkLayer(
  ctx: NetworkContext, clone: tf.LayersModel, cloneLayers: LayerInfo[], target: Target, x: tf.Tensor, y: tf.Tensor,
): Promise<GradientComparison> {
  const layer = cloneLayers[target.through.index];
  const weight = layer.weights.find((w) => w.trainable && w.shape.length >= 2) ?? layer.weights.find((w) => w.trainable);
  if (!weight) throw new Error(`tfjs-doctor: ${layer.name} has no trainable weight to perturb`);
  // Inference mode: dropout off, so both sides of the difference see the same network.
  return checkVariableGradient(() => forwardLoss(clone, x, y, ctx.loss, false), backingVariable(weight.variable), {
    entries: SETTINGS.entries,
    step: SETTINGS.step,
  });
}

export const gradientCheck: NetworkCheck<FiniteInputs> = {
  id: 'gradient-check',
  checklist: ['L7'],
  findings: ['gradient-check-failed'],
  needs: FINITE_INPUTS,
  explains: { 'gradient-check-failed': ['overfit-failed', 'lr-too-high', 'lr-too-low'] },
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    const thorough = ctx.info.budget === 'thorough';
    const list = targets(listLayers(ctx.model), thorough);
    const customLoss = !builtInLoss(ctx.info.lossName);
    if (list.length === 0 && !customLoss && !thorough) {
      return { findings: [], skipped: 'no custom layer or loss (all layers are checked with budget thorough)' };
    }
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      const results = await withClone(ctx, async (clone) => {
        const checked: { target: string; through: string; result: GradientComparison }[] = [];
        if (customLoss || thorough) {
          const prediction = tf.tidy(() => forwardOutput(clone, batch.x, false));
          const result = await checkLossGradient(ctx.loss, batch.y, prediction, { entries: SETTINGS.entries, step: SETTINGS.step });
          prediction.dispose();
          checked.push({ target: 'loss', through: 'loss', result });
        }
        const cloneLayers = listLayers(clone);
        for (const target of list) {
          checked.push({ target: target.name, through: target.through.name, result: await checkLayer(ctx, clone, cloneLayers, target, batch.x, batch.y) });
        }
        return checked;
      });
      const failed = results.filter((r) => !(r.result.medianRelativeError <= SETTINGS.tolerance));
      const findings: Finding[] = failed.slice(0, 1).map(({ target, through, result }) =>
        networkMessages.gradientCheckFailed({
          target,
          through,
          relativeError: result.medianRelativeError,
          analytic: result.analytic[0] ?? Number.NaN,
          numerical: result.numerical[0] ?? Number.NaN,
          checked: results.length,
        }),
      );
      const extra = Object.fromEntries(results.map((r) => [`${r.target}.relativeError`, Number.isFinite(r.result.medianRelativeError) ? r.result.medianRelativeError : null]));
      return {
        findings,
        measurements: { extra: { 'gradient-check': extra } },
        note: `${results.length} target(s) checked, median relative error: ${results.map((r) => `${r.target} ${r.result.medianRelativeError.toExponential(1)}`).join(', ')}`,
      };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
