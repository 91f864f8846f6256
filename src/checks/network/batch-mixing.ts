/**
 * L6: batch independence. The output for sample i must depend on input i
 * only: the gradient of (a random projection of) output i with respect to the
 * whole input batch must be exactly zero outside row i. A reshape or transpose
 * across the batch axis still runs but breaks this. Checked in inference mode,
 * where batch normalization uses its moving statistics and mixes nothing
 * (in training mode it mixes samples by design).
 */
import * as tf from '@tensorflow/tfjs';
import { forwardOutput } from '../../model/loss';
import { modelInputs } from '../../model/packing';
import { tapModel } from '../../model/taps';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck, NetworkContext } from './context';
import { headBatch } from './batch';

const SETTINGS = {
  samples: 4,
  /** Cross-sample gradient relative to the sample's own: structurally 0; float32 noise cannot create it. */
  tolerance: 1e-6,
};

/** max |d<r, f(x)[i]>/dx_j| over j != i, and over j == i, for the first and the last sample. */
function leakage(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, projection: (shape: number[]) => tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const n = x.shape[0];
    const rows = [0, n - 1].map((i) => {
      const gradient = tf.grad((input: tf.Tensor) => {
        const output = f(input);
        const row = output.slice(i, 1);
        return row.mul(projection(row.shape)).sum();
      })(x);
      const perSample = gradient.abs().reshape([n, -1]).max(1);
      const own = perSample.slice(i, 1).max();
      const mask = tf.oneHot(tf.tensor1d([i], 'int32'), n).reshape([n]);
      const others = perSample.mul(tf.scalar(1).sub(mask)).max();
      return tf.stack([others, own]);
    });
    return tf.stack(rows).max(0) as tf.Tensor1D;
  });
}

/** Whether the model looks its input up in an Embedding: ids, not values a gradient can flow to. */
function readsTokenIds(model: tf.LayersModel): boolean {
  return model.layers.some((layer) => layer.getClassName() === 'Embedding');
}

function seededProjection(ctx: NetworkContext): (shape: number[]) => tf.Tensor {
  // Fixed per call so every layer is probed with the same kind of direction;
  // random (not all-ones) because softmax outputs sum to 1 and a plain sum has zero gradient.
  const seed = Math.floor(ctx.random() * 1e6);
  return (shape) => tf.randomNormal(shape, 0, 1, 'float32', seed);
}

async function mixes(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, ctx: NetworkContext): Promise<{ others: number; own: number; mixed: boolean }> {
  const values = leakage(f, x, seededProjection(ctx));
  const [others, own] = Array.from(await values.data());
  values.dispose();
  return { others, own, mixed: others > SETTINGS.tolerance * Math.max(own, 1e-30) };
}

export const batchMixingCheck: NetworkCheck = {
  id: 'batch-independence',
  checklist: ['L6'],
  findings: ['batch-mixing'],
  explains: { 'batch-mixing': ['overfit-failed', 'train-eval-gap'] },
  async run(ctx) {
    // Token ids come as float32 (as the tfjs examples pass them) but an Embedding
    // lookup has no gradient with respect to its indices: differentiating through
    // it throws inside tfjs and strands the tensors saved for the backward pass.
    if (ctx.train.x.dtype !== 'float32' || readsTokenIds(ctx.model)) {
      return { findings: [], skipped: 'the input is token ids (an Embedding lookup), which have no input gradient' };
    }
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      if (batch.size < 2) return { findings: [], skipped: 'needs at least 2 samples' };
      const whole = await mixes((x) => forwardOutput(ctx.model, x, false), batch.x, ctx);
      const measurements = { extra: { 'batch-independence': { crossSampleGradient: whole.others, ownGradient: whole.own } } };
      const batchNorm = ctx.model.layers.some((layer) => layer.getClassName() === 'BatchNormalization');
      const mode = batchNorm
        ? 'inference mode: BatchNormalization mixes samples in training mode by design, so that mode is not checked'
        : 'inference mode';
      if (!whole.mixed) return { findings: [], measurements, note: `outputs depend on their own sample only (${mode})` };
      // Locate the first layer whose output mixes samples: one backward pass per layer, only on this rare path.
      const taps = tapModel(ctx.model);
      let layer = taps.layers[taps.layers.length - 1]?.name ?? ctx.model.name;
      for (let i = 0; i < taps.layers.length; i++) {
        const probe = await mixes((x) => {
          const outputs = taps.model.apply(modelInputs(taps.model, x), { training: false });
          const output = Array.isArray(outputs) ? outputs[i] : outputs;
          if (!(output instanceof tf.Tensor)) throw new Error('tfjs-doctor: tap model returned a symbolic tensor');
          return output;
        }, batch.x, ctx);
        if (probe.mixed) {
          layer = taps.layers[i].name;
          break;
        }
      }
      return {
        findings: [networkMessages.batchMixing({ layer, crossSampleGradient: whole.others, ownGradient: whole.own })],
        measurements,
      };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
