/**
 * T7: training vs inference mode. Dropout and batch normalization behave
 * differently in the two modes. On a clone whose batch-norm moving statistics
 * are first set to the probe batch's own statistics (so a freshly built model
 * is not blamed for statistics it has not collected yet), compares the outputs
 * in both modes: when training-mode noise swamps the differences between
 * samples, training sees a different network from the one you evaluate.
 * Also flags dropout placed before batch normalization (the "variance shift").
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import { listLayers, type LayerInfo } from '../../model/layers';
import { forwardOutput } from '../../model/loss';
import { settleBatchNorm } from '../../model/batch-norm';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck, NetworkContext } from './context';
import { NON_FINITE_SKIP, nonFiniteSeen, headBatch, withClone } from './batch';
import { FINITE_INPUTS, type FiniteInputs } from './batch';

/** Built-in layers whose output depends on the training flag. */
const MODE_DEPENDENT = new Set([
  'Dropout', 'SpatialDropout1D', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'BatchNormalization',
]);
const DROPOUT = new Set(['Dropout', 'SpatialDropout1D', 'AlphaDropout', 'GaussianDropout']);

const SETTINGS = {
  samples: 64,
  /** Training-mode passes: dropout masks differ on each. */
  passes: 3,
  /**
   * Training-mode noise over the spread between samples, in logit space.
   * Measured on an MNIST MLP at init: one dropout layer 0.2 -> 0.8, 0.5 -> 1.8,
   * 0.8 -> 3.1, 0.9 -> 5.7; two layers of 0.5 (a common, working setup) -> 3.0,
   * two of 0.7 -> 5.9; a batch-normalized CNN with two dropout layers of 0.5
   * -> 3.3-4.5 on an untrained net (the spread between samples is smallest
   * before training). Above 4 the training signal is mostly noise.
   */
  noiseToSignal: 4,
  /**
   * Dropout noise is there by design, so the noise is judged against what the
   * usual rates give: the same network with every dropout rate capped at 0.5
   * (Srivastava et al.'s default for hidden layers). Rates that add half as
   * much noise again as that (sqrt(p/(1-p)): 0.7 -> 1.5x, 0.9 -> 3x) are heavy.
   */
  usualRate: 0.5,
  excessOverUsual: 1.5,
};

function dropoutBeforeBatchNorm(layers: LayerInfo[]): { dropout: string; batchNorm: string } | null {
  for (let i = 0; i < layers.length; i++) {
    if (!DROPOUT.has(layers[i].className)) continue;
    const batchNorm = layers.slice(i + 1).find((l) => l.className === 'BatchNormalization');
    if (batchNorm) return { dropout: layers[i].name, batchNorm: batchNorm.name };
  }
  return null;
}

/** Outputs mapped to logit space, where dropout noise adds rather than saturates. */
function toLogits(output: tf.Tensor, family: LayerInfo['family']): tf.Tensor {
  if (family === 'softmax') return output.clipByValue(1e-7, 1).log();
  if (family === 'sigmoid') {
    const p = output.clipByValue(1e-7, 1 - 1e-7);
    return p.div(tf.scalar(1).sub(p)).log();
  }
  return output;
}

/** Dropout layers of a clone with the rate each was built with. */
function dropoutRates(model: tf.LayersModel): { layer: tf.layers.Layer; rate: number }[] {
  return model.layers
    .filter((layer) => DROPOUT.has(layer.getClassName()))
    .map((layer) => ({ layer, rate: Number(Reflect.get(layer, 'rate')) }))
    .filter(({ rate }) => Number.isFinite(rate));
}

interface ModeGap {
  /** RMS training-mode deviation from the inference output, logit space. */
  noise: number;
  /** RMS spread of the inference outputs between samples, logit space. */
  signal: number;
  trainingLoss: number;
  inferenceLoss: number;
}

/**
 * Training vs inference outputs of `clone` with its dropout rates set by
 * `rateOf` (tfjs reads a Dropout's rate at call time). Batch-norm statistics
 * are settled again for each setting, so only what differs between the two
 * modes remains.
 */
async function modeGap(
  ctx: NetworkContext, clone: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, family: LayerInfo['family'], rateOf: (rate: number) => number,
): Promise<ModeGap> {
  dropoutRates(clone).forEach(({ layer, rate }) => Reflect.set(layer, 'rate', rateOf(rate)));
  settleBatchNorm(clone, x);
  const packed = tf.tidy(() => {
    const inferenceOutput = forwardOutput(clone, x, false);
    const inference = toLogits(inferenceOutput, family);
    const spread = inference.sub(inference.mean(0)).square().mean().sqrt();
    const trainingOutputs = Array.from({ length: SETTINGS.passes }, () => forwardOutput(clone, x, true));
    const deviation = tf.stack(trainingOutputs.map((output) => toLogits(output, family))).sub(inference).square().mean().sqrt();
    const trainingLoss = tf.stack(trainingOutputs.map((output) => ctx.loss(y, output))).mean();
    return tf.stack([deviation, spread, trainingLoss, ctx.loss(y, inferenceOutput)]);
  });
  const [noise, signal, trainingLoss, inferenceLoss] = Array.from(await packed.data());
  packed.dispose();
  return { noise, signal, trainingLoss, inferenceLoss };
}

function ratioOf(gap: ModeGap): number {
  return gap.signal > 0 ? gap.noise / gap.signal : gap.noise > 0 ? Number.POSITIVE_INFINITY : 0;
}

interface Gaps {
  /** With your dropout rates. */
  yours: ModeGap;
  /** With every dropout rate capped at the usual 0.5: what dropout explains by design. */
  usual: ModeGap;
  /** With dropout off: what batch normalization, noise and custom layers add. */
  withoutDropout: ModeGap;
}

async function measureGaps(ctx: NetworkContext, x: tf.Tensor, y: tf.Tensor, family: LayerInfo['family']): Promise<Gaps> {
  return withClone(ctx, async (clone) => {
    const yours = await modeGap(ctx, clone, x, y, family, (rate) => rate);
    // In this order: each setting reads the rates the previous one left.
    const rates = dropoutRates(clone);
    const heavy = rates.some(({ rate }) => rate > SETTINGS.usualRate);
    const usual = heavy ? await modeGap(ctx, clone, x, y, family, (rate) => Math.min(rate, SETTINGS.usualRate)) : yours;
    const withoutDropout = rates.length > 0 ? await modeGap(ctx, clone, x, y, family, () => 0) : yours;
    return { yours, usual, withoutDropout };
  });
}

export const trainEvalCheck: NetworkCheck<FiniteInputs> = {
  id: 'train-eval-mode',
  checklist: ['T7', 'S2'],
  findings: ['train-eval-gap'],
  needs: FINITE_INPUTS,
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    const layers = listLayers(ctx.model);
    const dependent = layers.filter((l) => MODE_DEPENDENT.has(l.className) || l.custom);
    if (dependent.length === 0) return { findings: [], skipped: 'no layer behaves differently in training and inference' };
    const findings: Finding[] = [];
    const order = dropoutBeforeBatchNorm(layers);
    if (order) findings.push(networkMessages.dropoutBeforeBatchNorm(order));

    const family = layers[layers.length - 1].family;
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      const gaps = await measureGaps(ctx, batch.x, batch.y, family);
      const ratio = ratioOf(gaps.yours);
      const usual = ratioOf(gaps.usual);
      const withoutDropout = ratioOf(gaps.withoutDropout);
      const dropouts = dependent.filter((l) => DROPOUT.has(l.className));
      const others = dependent.filter((l) => !DROPOUT.has(l.className));
      // Two causes, judged apart: dropout rates heavier than the usual ones, and
      // layers other than dropout that still change the outputs with dropout off.
      const heavyDropout = ratio > SETTINGS.noiseToSignal && ratio > SETTINGS.excessOverUsual * usual;
      const otherLayers = others.length > 0 && withoutDropout > SETTINGS.noiseToSignal;
      if (heavyDropout || otherLayers) {
        const noisiest = heavyDropout ? heaviest(ctx.model, dropouts) ?? dropouts[0] : others[0];
        findings.unshift(networkMessages.trainEvalGap({
          layer: noisiest.name,
          layers: dependent.map((l) => l.name).join(', '),
          noiseToSignal: heavyDropout ? ratio : withoutDropout,
          usualDropout: usual,
          withoutDropout,
          cause: heavyDropout ? 'dropout-rate' : 'mode-layers',
        }));
      }
      return {
        findings,
        measurements: {
          extra: {
            'train-eval-mode': {
              noise: gaps.yours.noise, signal: gaps.yours.signal, noiseToSignal: ratio, noiseToSignalUsualDropout: usual,
              noiseToSignalWithoutDropout: withoutDropout, trainingLoss: gaps.yours.trainingLoss, inferenceLoss: gaps.yours.inferenceLoss,
            },
          },
        },
        note: `training-mode noise is ${ratio.toFixed(2)}x the spread between samples (${usual.toFixed(2)}x with dropout rates capped at ` +
          `${SETTINGS.usualRate}, ${withoutDropout.toFixed(2)}x without dropout); ` +
          `loss ${gaps.yours.trainingLoss.toFixed(3)} in training mode vs ${gaps.yours.inferenceLoss.toFixed(3)} in inference mode`,
      };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};

/** The dropout layer with the highest rate. */
function heaviest(model: tf.LayersModel, dropouts: LayerInfo[]): LayerInfo | undefined {
  const rate = (info: LayerInfo) => Number(Reflect.get(model.layers[info.index], 'rate'));
  return [...dropouts].sort((a, b) => rate(b) - rate(a))[0];
}
