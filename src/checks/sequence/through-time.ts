/**
 * T13: gradient flow through time. For each recurrent layer on a chain of
 * layers, the gradient of the loss with respect to the layer's input sequence,
 * as a norm per timestep (mean over a probe batch). A plain RNN that returns
 * its last state multiplies the gradient by its recurrent weights and its tanh
 * slope at each step back: the early steps get almost nothing (vanishing) or,
 * with large recurrent weights, far too much (exploding).
 *
 * The layers before the recurrent one run outside the tape, so token inputs
 * (an Embedding first) never need an integer gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import type { TimestepGradients } from '../../measurements';
import { finiteOrNull } from '../../measurements';
import { sequenceMessages } from '../../messages/sequences';
import { masksPadding, recurrentLayers } from '../../context/sequence-model';
import type { NetworkCheck } from '../network/context';
import { headBatch, NON_FINITE_SKIP, nonFiniteSeen, FINITE_INPUTS, type FiniteInputs } from '../network/batch';

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

/** The model's layers in order when each feeds only the next (Sequential, or a functional chain); undefined otherwise. */
export function chainLayers(model: tf.LayersModel): tf.layers.Layer[] | undefined {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  for (let i = 1; i < layers.length; i++) {
    const nodes = layers[i].inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1 || nodes[0].inboundLayers[0] !== layers[i - 1]) return undefined;
  }
  return layers;
}

function applyAll(layers: readonly tf.layers.Layer[], x: tf.Tensor): tf.Tensor {
  return layers.reduce((t, layer) => {
    const out = layer.apply(t, { training: false });
    if (!(out instanceof tf.Tensor)) throw new Error(`tfjs-doctor: ${layer.name} returned several or symbolic outputs`);
    return out;
  }, x);
}

/** Norm per timestep of d loss / d (the input of layers[at]), mean over the batch. */
async function stepNorms(layers: readonly tf.layers.Layer[], at: number, x: tf.Tensor, y: tf.Tensor, loss: (y: tf.Tensor, p: tf.Tensor) => tf.Scalar): Promise<number[] | undefined> {
  const norms = tf.tidy(() => {
    const input = applyAll(layers.slice(0, at), x);
    if (input.rank !== 3) return undefined;
    const grad = tf.grad((h: tf.Tensor) => loss(y, applyAll(layers.slice(at), h)))(input);
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
    if (ctx.model.inputs.length !== 1 || ctx.model.outputs.length !== 1) return { findings: [], skipped: 'measured on models with one input and one output' };
    const layers = chainLayers(ctx.model);
    if (!layers) return { findings: [], skipped: 'the recurrent layers are not on a single chain of layers (measured on Sequential-like models)' };
    if (masksPadding(ctx.model)) return { findings: [], skipped: 'the sequences are masked: padded steps get no gradient by design' };
    const batch = headBatch(ctx, SETTINGS.samples);
    try {
      const measured: TimestepGradients[] = [];
      for (const r of recurrent.slice(0, SETTINGS.layers)) {
        const at = layers.findIndex((l) => l.name === r.name);
        if (at < 0) continue;
        const norms = await stepNorms(layers, at, batch.x, batch.y, ctx.loss);
        if (norms) measured.push({ layer: r.name, cell: r.cell, norms: norms.map(finiteOrNull) });
      }
      if (measured.length === 0) return { findings: [], skipped: 'no recurrent layer reads a [steps, features] sequence' };
      const findings = measured.flatMap(throughTimeFindings);
      const note = measured.map((m) => {
        const n = m.norms.map((v) => v ?? 0);
        const peak = Math.max(...n);
        return `${m.layer}: first step gets ${peak > 0 ? (n[0] / peak).toExponential(1) : '0'} of the strongest step's gradient over ${n.length} steps`;
      }).join('; ');
      return { findings, measurements: { throughTime: { layers: measured } }, note };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
