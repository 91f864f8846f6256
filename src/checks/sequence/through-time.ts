/**
 * T13: gradient flow through time. For each recurrent layer (called once in
 * the model: Sequential or functional, encoder-decoders and several inputs
 * included), the gradient of the loss with respect to the layer's input sequence,
 * as a norm per timestep (mean over a probe batch). A plain RNN that returns
 * its last state multiplies the gradient by its recurrent weights and its tanh
 * slope at each step back: the early steps get almost nothing (vanishing) or,
 * with large recurrent weights, far too much (exploding).
 *
 * The model's graph runs by hand (graph.ts) with the recurrent layer's input
 * given: the layers before it run outside the gradient, so token inputs (an
 * Embedding first) never need an integer gradient, and several outputs are
 * packed for the total loss as model.fit sums it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import type { TimestepGradients } from '../../measurements';
import { finiteOrNull } from '../../measurements';
import { CLIPPING_HOW, sequenceMessages } from '../../messages/sequences';
import { masksPadding, recurrentLayers } from '../../context/sequence-model';
import type { NetworkCheck } from '../network/context';
import { headBatch, NON_FINITE_SKIP, nonFiniteSeen, FINITE_INPUTS, type FiniteInputs } from '../network/batch';
import { modelInputs, packRows } from '../../model/packing';
import { graphTensors, layerInput, runGraph } from './graph';

const SETTINGS = {
  samples: 32,
  /** At most this many recurrent layers measured. */
  layers: 3,
  /** A step "gets" gradient when it receives at least this share of the strongest step's. */
  alive: 1e-3,
  /** Vanishing: the first steps get less than this share of the strongest step's gradient (a plain RNN over 20 steps: ~1e-2)... */
  vanished: 1e-4,
  /** The first steps judged: this share of them (at least one). */
  headShare: 0.05,
  /** ...over at least this many steps. */
  minSteps: 10,
  /** Exploding: the first step gets this many times the last step's gradient. */
  exploded: 1e3,
};

/** Norm per timestep of d loss / d (the input sequence of `layer`), mean over the batch; undefined when that input is not [batch, steps, features]. */
async function stepNorms(model: tf.LayersModel, layer: tf.layers.Layer, x: tf.Tensor, y: tf.Tensor, loss: (y: tf.Tensor, p: tf.Tensor) => tf.Scalar): Promise<number[] | undefined> {
  const tensors = graphTensors(model);
  const at = layerInput(model, layer, tensors);
  if (!at) return undefined;
  const norms = tf.tidy(() => {
    const inputs = [modelInputs(model, x)].flat();
    // The layers before the recurrent one run outside the gradient: token ids never need one.
    const [sequence] = runGraph(model, inputs, [at]);
    if (sequence.rank !== 3) return undefined;
    const output = (h: tf.Tensor): tf.Tensor => {
      const outputs = runGraph(model, inputs, model.outputs, new Map([[at.id, h]]));
      return outputs.length === 1 ? outputs[0] : packRows(outputs);
    };
    const grad = tf.grad((h: tf.Tensor) => loss(y, output(h)))(sequence);
    return grad.square().sum(-1).sqrt().mean(0);
  });
  if (!norms) return undefined;
  const values = Array.from(await norms.data());
  norms.dispose();
  return values;
}

/** Vanishing (a plain RNN only: LSTM and GRU gates learn to carry the gradient) or exploding through time, on clear evidence only. */
export function throughTimeFindings(g: TimestepGradients): Finding[] {
  const norms = g.norms.map((n) => n ?? 0);
  const steps = norms.length;
  const peak = Math.max(...norms);
  if (!(peak > 0) || steps < 2) return [];
  const first = norms[0];
  const last = norms[steps - 1];
  if (last > 0 && first / last >= SETTINGS.exploded) {
    return [sequenceMessages.explodingThroughTime({ layer: g.layer, cell: g.cell, steps, firstToLast: first / last, growthPerStep: (first / last) ** (1 / (steps - 1)) })];
  }
  // The first steps (5% of them, at least one) against the strongest: one step alone is noisy.
  const head = norms.slice(0, Math.max(1, Math.round(SETTINGS.headShare * steps)));
  const firstToLast = head.reduce((a, b) => a + b, 0) / head.length / peak;
  const reach = steps - norms.findIndex((n) => n >= SETTINGS.alive * peak);
  if (g.cell === 'SimpleRNN' && steps >= SETTINGS.minSteps && firstToLast < SETTINGS.vanished) {
    return [sequenceMessages.vanishingThroughTime({ layer: g.layer, cell: g.cell, steps, firstToLast, reach, reachShare: reach / steps })];
  }
  return [];
}

export const gradientThroughTimeCheck: NetworkCheck<FiniteInputs> = {
  id: 'gradient-through-time',
  checklist: ['T13'],
  findings: ['gradients-vanishing-through-time', 'gradients-exploding-through-time'],
  needs: FINITE_INPUTS,
  explains: {
    'gradients-exploding-through-time': ['gradients-exploding', 'lr-too-high', 'update-ratio-off', 'nonfinite-values'],
    'gradients-vanishing-through-time': ['overfit-failed'],
  },
  async run(ctx) {
    const recurrent = recurrentLayers(ctx.model);
    if (recurrent.length === 0) return { findings: [], skipped: 'no recurrent layer' };
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    if (masksPadding(ctx.model)) return { findings: [], skipped: 'the sequences are masked: padded steps get no gradient by design' };
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      const measured: TimestepGradients[] = [];
      for (const r of recurrent.slice(0, SETTINGS.layers)) {
        const norms = await stepNorms(ctx.model, ctx.model.layers[r.index], batch.x, batch.y, ctx.loss);
        if (norms) measured.push({ layer: r.name, cell: r.cell, norms: norms.map(finiteOrNull) });
      }
      if (measured.length === 0) return { findings: [], skipped: 'no recurrent layer, called once in the model, reads a [steps, features] sequence' };
      const findings = measured.flatMap(throughTimeFindings);
      const note = measured.map((m) => {
        const n = m.norms.map((v) => v ?? 0);
        const peak = Math.max(...n);
        const judged = m.cell === 'SimpleRNN' ? '' : ` (${m.cell}: drawn, not judged; its gates learn to carry the gradient)`;
        return `${m.layer}: first step gets ${peak > 0 ? (n[0] / peak).toExponential(1) : '0'} of the strongest step's gradient over ${n.length} steps${judged}`;
      }).join('; ');
      // The first real optimizer step exploded (gradient-flow's rate symptoms): in a recurrent model, clipping is the classic guard.
      const clip = ctx.inputs.gradientStep?.rateSymptoms === true && !findings.some((f) => f.id === 'gradients-exploding-through-time')
        ? `. The first optimizer step showed exploding gradients or updates that raised the loss: besides a lower rate, clip the gradients. ${CLIPPING_HOW}`
        : '';
      return { findings, measurements: { throughTime: { layers: measured } }, note: note + clip };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
