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
import { tokenInput } from '../../context/sequence-model';

const SETTINGS = {
  samples: 32,
  /**
   * Spread across different inputs relative to the activation scale. A
   * network that uses its input varies by 1e-2..1 even at initialization;
   * below 1e-6 the differences are float32 rounding.
   */
  relativeSpread: 1e-6,
};

/** The columns of packed rows that belong to each model input (one part, unnamed, for a single-input model). */
interface InputPart { name?: string; start: number; size: number }

function inputParts(model: tf.LayersModel): InputPart[] {
  if (model.inputs.length === 1) return [{ start: 0, size: -1 }];
  let start = 0;
  return model.inputs.map((input, i) => {
    const size = input.shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
    const part = { name: model.inputNames[i], start, size };
    start += size;
    return part;
  });
}

/** `x` with one input's part changed by `change` (the whole of x for a single input). */
function replaced(x: tf.Tensor, part: InputPart, change: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (part.size < 0) return change(x);
  const rows = x.shape[0];
  const flat = x.reshape([rows, -1]);
  const width = flat.shape[1] ?? 0;
  const pieces = [
    flat.slice([0, 0], [rows, part.start]),
    change(flat.slice([0, part.start], [rows, part.size])),
    flat.slice([0, part.start + part.size], [rows, width - part.start - part.size]),
  ];
  return tf.concat(pieces, 1).reshape(x.shape);
}

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
      // The output and, when there is one, the layer feeding it (every output's layer too, for several outputs).
      const heads = new Set(ctx.model.outputs.map((o) => o.sourceLayer.name));
      const last = taps.layers.length > 1 ? [taps.layers.length - 2, taps.layers.length - 1] : [0];
      const watched = [...new Set([...last, ...taps.layers.flatMap((l, i) => (heads.has(l.name) ? [i] : []))])];
      const outputsFor = (x: tf.Tensor): tf.Tensor[] => {
        const all = taps.model.predict(modelInputs(taps.model, x));
        const list = Array.isArray(all) ? all : [all];
        return watched.map((i) => list[i]);
      };
      // One verdict per model input: only its part of the (packed) rows changes.
      const parts = inputParts(ctx.model);
      const results: { part: InputPart; evidence: { relativeSpread: number; relativeZeroChange: number; samples: number } }[] = [];
      for (const part of parts) {
        const packed = tf.tidy(() => {
          const real = outputsFor(batch.x);
          // Each sample's features next to those of the next sample's input.
          const shifted = outputsFor(replaced(batch.x, part, (x) => tf.concat([x.slice(1), x.slice(0, 1)])));
          const zeros = outputsFor(replaced(batch.x, part, (x) => tf.zerosLike(x)));
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
        results.push({ part, evidence: { relativeSpread, relativeZeroChange, samples: batch.size } });
      }
      const ignored = (e: { relativeSpread: number; relativeZeroChange: number }): boolean =>
        e.relativeSpread < SETTINGS.relativeSpread && e.relativeZeroChange < SETTINGS.relativeSpread;
      const findings = results.filter((r) => ignored(r.evidence)).map(({ part, evidence }) => {
        const finding = networkMessages.inputIgnored(evidence);
        return part.name === undefined ? finding : { ...finding, input: part.name, title: `input '${part.name}': ${finding.title}` };
      });
      const named = (r: (typeof results)[number]): string => (r.part.name === undefined ? '' : ` (input '${r.part.name}')`);
      return {
        findings,
        measurements: { extra: { 'input-dependence': results[0].evidence } },
        note: results.map((r) => `features change by ${r.evidence.relativeSpread.toExponential(1)} of their size between inputs${named(r)}`).join('; ') +
          (tokenInput(ctx.model) ? ' (token ids: the zero input is all padding id 0, no gradient is taken through the ids)' : ''),
      };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  },
};
