/**
 * D2: input dependence. The model evaluated on the real inputs, on the inputs
 * of other samples and on zeros: when the features reaching the output layer
 * barely change, the network does not use its input (a zeroed or frozen first
 * layer, an input that never reaches the output, a saturated stack). The
 * features are read from one tap model pass per input variant; the output
 * alone would blame a deliberately zero-initialized output layer.
 */
import * as tf from '@tensorflow/tfjs';
import { tapModel } from '../../model/taps';
import { modelInputs } from '../../model/packing';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck } from './context';
import { NON_FINITE_SKIP, nonFiniteSeen, headBatch } from './batch';
import { FINITE_INPUTS, type FiniteInputs } from './batch';

const SETTINGS = {
  samples: 32,
  /**
   * Spread across different inputs relative to the activation scale. A
   * network that uses its input varies by 1e-2..1 even at initialization;
   * below 1e-6 the differences are float32 rounding.
   */
  relativeSpread: 1e-6,
};

export const inputDependenceCheck: NetworkCheck<FiniteInputs> = {
  id: 'input-dependence',
  checklist: ['D2'],
  findings: ['input-ignored'],
  needs: FINITE_INPUTS,
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    const taps = tapModel(ctx.model);
    if (taps.layers.length === 0) return { findings: [], skipped: 'the model has no layer outputs to tap' };
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      if (batch.size < 2) return { findings: [], skipped: 'needs at least 2 samples' };
      // The output and, when there is one, the layer feeding it.
      const watched = taps.layers.length > 1 ? [taps.layers.length - 2, taps.layers.length - 1] : [0];
      const packed = tf.tidy(() => {
        const outputsFor = (x: tf.Tensor): tf.Tensor[] => {
          const all = taps.model.predict(modelInputs(taps.model, x));
          const list = Array.isArray(all) ? all : [all];
          return watched.map((i) => list[i]);
        };
        const real = outputsFor(batch.x);
        // Each sample's features next to those of the next sample's input.
        const shifted = outputsFor(tf.concat([batch.x.slice(1), batch.x.slice(0, 1)]));
        const zeros = outputsFor(tf.zerosLike(batch.x));
        return tf.stack(real.map((r, i) => {
          const scale = r.abs().mean().add(1e-30);
          return tf.stack([r.sub(shifted[i]).abs().mean().div(scale), r.sub(zeros[i]).abs().mean().div(scale)]);
        }));
      });
      const values = Array.from(await packed.data());
      packed.dispose();
      // The most input-dependent of the watched layers decides.
      const relativeSpread = Math.max(...values.filter((_, i) => i % 2 === 0));
      const relativeZeroChange = Math.max(...values.filter((_, i) => i % 2 === 1));
      const evidence = { relativeSpread, relativeZeroChange, samples: batch.size };
      const ignored = relativeSpread < SETTINGS.relativeSpread && relativeZeroChange < SETTINGS.relativeSpread;
      return {
        findings: ignored ? [networkMessages.inputIgnored(evidence)] : [],
        measurements: { extra: { 'input-dependence': evidence } },
        note: `features change by ${relativeSpread.toExponential(1)} of their size between inputs`,
      };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
