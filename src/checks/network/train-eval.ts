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
import { networkMessages } from '../../messages/network';
import type { NetworkCheck } from './context';
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
   * two of 0.7 -> 5.9. Above 4 the training signal is mostly noise.
   */
  noiseToSignal: 4,
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

/** Sets batch-norm moving statistics to those of `x` (momentum 0 for one training-mode pass). */
function settleBatchNorm(model: tf.LayersModel, x: tf.Tensor): void {
  const norms = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
  if (norms.length === 0) return;
  const momenta = norms.map((layer) => Reflect.get(layer, 'momentum'));
  norms.forEach((layer) => Reflect.set(layer, 'momentum', 0));
  tf.tidy(() => {
    forwardOutput(model, x, true);
  });
  norms.forEach((layer, i) => Reflect.set(layer, 'momentum', momenta[i]));
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
      const [noise, signal, trainingLoss, inferenceLoss] = await withClone(ctx, async (clone) => {
        settleBatchNorm(clone, batch.x);
        const packed = tf.tidy(() => {
          const inferenceOutput = forwardOutput(clone, batch.x, false);
          const inference = toLogits(inferenceOutput, family);
          const centered = inference.sub(inference.mean(0));
          const spread = centered.square().mean().sqrt();
          const trainingOutputs = Array.from({ length: SETTINGS.passes }, () => forwardOutput(clone, batch.x, true));
          const passes = trainingOutputs.map((output) => toLogits(output, family));
          const deviation = tf.stack(passes).sub(inference).square().mean().sqrt();
          const trainingLoss = tf.stack(trainingOutputs.map((output) => ctx.loss(batch.y, output))).mean();
          return tf.stack([deviation, spread, trainingLoss, ctx.loss(batch.y, inferenceOutput)]);
        });
        const values = Array.from(await packed.data());
        packed.dispose();
        return values;
      });
      const ratio = signal > 0 ? noise / signal : noise > 0 ? Number.POSITIVE_INFINITY : 0;
      const noisiest = dependent.find((l) => DROPOUT.has(l.className)) ?? dependent[0];
      if (ratio > SETTINGS.noiseToSignal) {
        findings.unshift(networkMessages.trainEvalGap({
          layer: noisiest.name,
          layers: dependent.map((l) => l.name).join(', '),
          noiseToSignal: ratio,
        }));
      }
      return {
        findings,
        measurements: { extra: { 'train-eval-mode': { noise, signal, noiseToSignal: ratio, trainingLoss, inferenceLoss } } },
        note: `training-mode noise is ${ratio.toFixed(2)}x the spread between samples; ` +
          `loss ${trainingLoss.toFixed(3)} in training mode vs ${inferenceLoss.toFixed(3)} in inference mode`,
      };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
