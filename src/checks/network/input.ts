/**
 * D2: input dependence. The same model evaluated on the real inputs, on the
 * inputs of other samples and on zeros: when its outputs barely change, the
 * network does not use its input (a zeroed or frozen first layer, an input
 * that never reaches the output, a saturated stack).
 */
import * as tf from '@tensorflow/tfjs';
import { forwardOutput } from '../../model/loss';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck } from './context';
import { NON_FINITE_SKIP, nonFiniteSeen, headBatch } from './batch';

const SETTINGS = {
  samples: 32,
  /**
   * Output spread across different inputs relative to the output scale. A
   * network that uses its input varies by 1e-2..1 even at initialization;
   * below 1e-6 the differences are float32 rounding.
   */
  relativeSpread: 1e-6,
};

export const inputDependenceCheck: NetworkCheck = {
  id: 'input-dependence',
  checklist: ['D2'],
  findings: ['input-ignored'],
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    const batch = headBatch(ctx, SETTINGS.samples);
    if (batch.size < 2) {
      tf.dispose([batch.x, batch.y]);
      return { findings: [], skipped: 'needs at least 2 samples' };
    }
    try {
      const packed = tf.tidy(() => {
        const real = forwardOutput(ctx.model, batch.x, false);
        // Each sample's output next to the output of the next sample's input.
        const shifted = forwardOutput(ctx.model, tf.concat([batch.x.slice(1), batch.x.slice(0, 1)]), false);
        const zeros = forwardOutput(ctx.model, tf.zerosLike(batch.x), false);
        const scale = real.abs().mean();
        return tf.stack([real.sub(shifted).abs().mean(), real.sub(zeros).abs().mean(), scale]);
      });
      const [spread, zeroChange, scale] = Array.from(await packed.data());
      packed.dispose();
      const relativeSpread = scale > 0 ? spread / scale : spread;
      const relativeZero = scale > 0 ? zeroChange / scale : zeroChange;
      const evidence = { relativeSpread, relativeZeroChange: relativeZero, samples: batch.size };
      const ignored = relativeSpread < SETTINGS.relativeSpread && relativeZero < SETTINGS.relativeSpread;
      return {
        findings: ignored ? [networkMessages.inputIgnored(evidence)] : [],
        measurements: { extra: { 'input-dependence': evidence } },
        note: `outputs change by ${relativeSpread.toExponential(1)} of their size between inputs`,
      };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
