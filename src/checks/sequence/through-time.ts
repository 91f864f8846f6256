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
 *
 * How steep the curve is at initialization depends on the seed (a 150-step
 * plain RNN passes 1e-6 .. 1e-2 of its strongest step's gradient to its first
 * steps), so for a plain RNN the check also locates the steps that carry the
 * label signal (signal.ts) and judges the share of the gradient those steps
 * get: 2.3e-3 or less when the signal sits 145 steps back, 2.2e-2 or more
 * when it sits 17 steps back, on every seed measured (1-6).
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import type { TimestepGradients } from '../../measurements';
import { finiteOrNull, signalGradient } from '../../measurements';
import { CLIPPING_HOW, sequenceMessages } from '../../messages/sequences';
import { masksPadding, recurrentLayers } from '../../context/sequence-model';
import type { NetworkCheck, NetworkContext } from '../network/context';
import { headBatch, NON_FINITE_SKIP, nonFiniteSeen, FINITE_INPUTS, type FiniteInputs } from '../network/batch';
import { modelInputs, packRows } from '../../model/packing';
import { graphTensors, layerInput, runGraph } from './graph';
import { locateSignal, SIGNAL, type SignalTargets } from './signal';
import { probeClasses } from '../data/relation';

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
  /**
   * Starved signal: the steps that carry the label signal get less than this share of all the gradient reaching the
   * sequence (the zoo's 150-step pulse windows: 6e-7 .. 2.3e-3 on seeds 1-6; its healthy 20-step ones: 2.2e-2 .. 1e-1).
   */
  starvedShare: 5e-3,
};

type Symbolic = tf.SymbolicTensor;

/** The sequence `at` holds for the model inputs `x`, computed without a gradient; undefined when it is not [batch, steps, features]. */
function sequenceAt(model: tf.LayersModel, at: Symbolic, x: tf.Tensor): tf.Tensor3D | undefined {
  return tf.tidy(() => {
    const [sequence] = runGraph(model, [modelInputs(model, x)].flat(), [at]);
    // A copy (sharing the data): when the layer reads the model input, the value is `x` itself, which the caller keeps.
    return sequence.rank === 3 ? (tf.clone(sequence) as tf.Tensor3D) : undefined;
  });
}

/** Norm per timestep of d loss / d (the sequence `at`), mean over the batch; undefined when `at` is not [batch, steps, features]. */
async function stepNorms(model: tf.LayersModel, at: Symbolic, x: tf.Tensor, y: tf.Tensor, loss: (y: tf.Tensor, p: tf.Tensor) => tf.Scalar): Promise<number[] | undefined> {
  const sequence = sequenceAt(model, at, x);
  if (!sequence) return undefined;
  let norms: tf.Tensor;
  try {
    norms = tf.tidy(() => {
      const inputs = [modelInputs(model, x)].flat();
      // The layers before the recurrent one run outside the gradient: token ids never need one.
      const output = (h: tf.Tensor): tf.Tensor => {
        const outputs = runGraph(model, inputs, model.outputs, new Map([[at.id, h]]));
        return outputs.length === 1 ? outputs[0] : packRows(outputs);
      };
      const grad = tf.grad((h: tf.Tensor) => loss(y, output(h)))(sequence);
      return grad.square().sum(-1).sqrt().mean(0);
    });
  } finally {
    sequence.dispose();
  }
  try {
    return Array.from(await norms.data());
  } finally {
    norms.dispose();
  }
}

/** One label per row to locate the signal against (the first `rows` probe rows); undefined for several outputs or per-step labels. */
function signalTargets(ctx: NetworkContext<FiniteInputs>, rows: number): SignalTargets | undefined {
  const task = ctx.info.task.value;
  const classification = task === 'binary' || task === 'multiclass';
  if (ctx.model.outputs.length !== 1 || ctx.model.outputs[0].shape.length !== 2 || ctx.train.y.rank > 2) return undefined;
  if (!classification && (task !== 'regression' || ctx.train.y.size !== ctx.train.y.shape[0])) return undefined;
  const y = ctx.train.y.slice(0, rows);
  try {
    return { values: classification ? probeClasses(task, y) : Array.from(y.dataSync()), classification };
  } finally {
    y.dispose();
  }
}

/** Where the label signal sits along the sequence `at` (the probe rows), for a plain RNN long enough to be judged. */
function signalAlong(ctx: NetworkContext<FiniteInputs>, at: Symbolic): TimestepGradients['signal'] {
  const rows = Math.min(SIGNAL.rows, ctx.train.x.shape[0]);
  const targets = signalTargets(ctx, rows);
  if (!targets) return undefined;
  const x = ctx.train.x.slice(0, rows);
  let sequence: tf.Tensor3D | undefined;
  try {
    sequence = sequenceAt(ctx.model, at, x);
  } finally {
    x.dispose();
  }
  if (!sequence) return undefined;
  try {
    return sequence.shape[1] >= SETTINGS.minSteps ? locateSignal(sequence, targets, () => ctx.random()) : undefined;
  } finally {
    sequence.dispose();
  }
}

/** 1-based inclusive runs of steps ("1..5", "1..5, 31..35"). */
function stepRanges(windows: readonly { first: number; last: number }[]): string {
  const runs: { first: number; last: number }[] = [];
  for (const w of windows) {
    const previous = runs[runs.length - 1];
    if (previous && previous.last + 1 === w.first) previous.last = w.last;
    else runs.push({ ...w });
  }
  return runs.map((r) => (r.first === r.last ? `${r.first}` : `${r.first}..${r.last}`)).join(', ');
}

/** What the note says of the signal's place: where it sits and the share of the gradient it gets. */
function signalNote(m: TimestepGradients): string {
  if (!m.signal) return '';
  const carrying = m.signal.windows.filter((w) => w.carries);
  if (carrying.length === 0) return `; no window of steps predicts the labels alone (${m.signal.windows.length} windows probed)`;
  return `; steps ${stepRanges(carrying)} predict the labels alone and get ${(signalGradient(m)?.share ?? 0).toExponential(1)} of the gradient`;
}

/**
 * With the signal located: the steps that carry it get almost none of the gradient (a looser bar than the
 * first-steps rule, earned by knowing those steps matter); undefined when they get their share.
 */
function starvedSignal(g: TimestepGradients): Finding | undefined {
  const got = signalGradient(g);
  if (!g.signal || !got || !(got.share < SETTINGS.starvedShare)) return undefined;
  const windows = g.signal.windows;
  const carrying = windows.filter((w) => w.carries);
  const best = carrying.reduce((a, b) => (b.score > a.score ? b : a));
  const others = windows.filter((w) => !w.carries);
  const elsewhere = others.length > 0 ? Math.max(...others.map((w) => w.score)) : null;
  const firstSignal = Math.min(...carrying.map((w) => w.first));
  const lastSignal = Math.max(...carrying.map((w) => w.last));
  return sequenceMessages.vanishingOnSignal({
    layer: g.layer, cell: g.cell, steps: g.norms.length, signalSteps: stepRanges(carrying), metric: g.signal.metric, heldOut: g.signal.heldOut,
    score: best.score, chance: best.nullMean, elsewhere, share: got.share, toPeak: got.toPeak,
    distance: g.backwards ? firstSignal - 1 : g.norms.length - lastSignal,
  });
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
  if (g.cell !== 'SimpleRNN' || steps < SETTINGS.minSteps) return [];
  // Located signal: judged on the steps that carry it, whatever the first steps get.
  if (g.signal?.windows.some((w) => w.carries)) return [starvedSignal(g)].filter((f): f is Finding => f !== undefined);
  // No located signal: only the strict first-steps rule.
  if (firstToLast < SETTINGS.vanished) {
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
      const tensors = graphTensors(ctx.model);
      for (const r of recurrent.slice(0, SETTINGS.layers)) {
        const at = layerInput(ctx.model, ctx.model.layers[r.index], tensors);
        const norms = at && await stepNorms(ctx.model, at, batch.x, batch.y, ctx.loss);
        if (!at || !norms) continue;
        const signal = r.cell === 'SimpleRNN' ? signalAlong(ctx, at) : undefined;
        measured.push({ layer: r.name, cell: r.cell, norms: norms.map(finiteOrNull), ...(signal ? { signal } : {}), ...(r.backwards ? { backwards: true } : {}) });
      }
      if (measured.length === 0) return { findings: [], skipped: 'no recurrent layer, called once in the model, reads a [steps, features] sequence' };
      const findings = measured.flatMap(throughTimeFindings);
      const note = measured.map((m) => {
        const n = m.norms.map((v) => v ?? 0);
        const peak = Math.max(...n);
        const judged = m.cell === 'SimpleRNN' ? '' : ` (${m.cell}: drawn, not judged; its gates learn to carry the gradient)`;
        return `${m.layer}: first step gets ${peak > 0 ? (n[0] / peak).toExponential(1) : '0'} of the strongest step's gradient over ${n.length} steps${judged}${signalNote(m)}`;
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
