/**
 * The label relation of an encoder-decoder output (CHECKLIST D3, issue 13):
 * with teacher forcing, the decoder input is the target shifted by one step,
 * so any probe over all inputs sees a link whatever the pairing of sources and
 * targets. Here that input is left out: each target's bag of tokens (counts of
 * its classes over the steps) is predicted from the source inputs alone (token
 * ids as bags of tokens, other inputs as their values) by the label-relation
 * probes, fitted on part of the sample and scored on the rest (pooled R2),
 * against the same probes on targets shuffled apart from their sources.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckResult } from '../checks/base';
import { HOLD_OUT, MAX_ROWS, MIN_HELD_OUT, UNRELATED_P, bagRelation } from '../checks/data/relation';
import type { LabelRelation } from '../measurements';
import { severalMessages } from '../messages/several';
import { unpackRows } from '../model/packing';
import type { FacetPick } from './data';
import { embeddingsOf } from './facets';
import type { ForcedInput } from './relation';
import { MAX_TARGET_CLASSES, targetBags, tokenBags } from '../checks/data/bags';

/** One source input as features: token ids as bags of tokens, anything else as its values. */
function sourceFeatures(model: tf.LayersModel, index: number, part: tf.Tensor): { x: tf.Tensor2D; words: string } {
  const rows = part.shape[0];
  const flat = tf.reshape(part, [rows, -1]) as tf.Tensor2D;
  if (embeddingsOf(model, index).length === 0) return { x: flat, words: `input '${model.inputNames[index]}' as its values` };
  const { counts, buckets } = tokenBags(flat.dataSync(), rows, flat.shape[1]);
  flat.dispose();
  return { x: tf.tensor2d(counts, [rows, buckets]), words: `input '${model.inputNames[index]}' as bags of tokens` };
}

/** The columns of `x` that vary over the rows (ids that never occur say nothing, and each costs the ridge solve); call inside tf.tidy. */
function varyingColumns(x: tf.Tensor2D): tf.Tensor2D {
  const variance = tf.moments(x, 0).variance.dataSync();
  const kept = Array.from(variance, (v, c) => (v > 0 ? c : -1)).filter((c) => c >= 0);
  if (kept.length === x.shape[1] || kept.length === 0) return x;
  return tf.gather(x, tf.tensor1d(kept, 'int32'), 1) as tf.Tensor2D;
}

/** The label-relation check of an output whose input `forced` is teacher-forced: judged on the other feeding inputs. */
export function sourceRelationCheck(model: tf.LayersModel, pick: FacetPick, forced: ForcedInput, output: string): Check {
  return {
    id: 'label-relation',
    checklist: ['D3', 'D4', 'S4'],
    findings: ['labels-unrelated'],
    async run(ctx: CheckContext): Promise<CheckResult> {
      // teacherForcedInput picks one of two or more inputs: at least one source is left.
      const sources = pick.inputs.filter((i) => i !== forced.index);
      const rows = Math.min(ctx.train.x.shape[0], MAX_ROWS[ctx.info.budget]);
      if (Math.floor(rows * HOLD_OUT) < MIN_HELD_OUT) return { findings: [], skipped: `too few samples (${rows}) for a held-out baseline` };
      const labels = tf.tidy(() => tf.slice(ctx.train.y, 0, rows));
      const targets = targetBags(labels);
      labels.dispose();
      if (!targets || targets.some((row) => row.some((v) => !Number.isFinite(v)))) return { findings: [], skipped: 'some targets are not finite' };
      if ((targets[0]?.length ?? 0) === 0) return { findings: [], skipped: 'every target holds the same tokens: no pairing to judge' };
      const shapes = pick.inputs.map((i) => model.inputs[i].shape.slice(1) as number[]);
      const parts = tf.tidy(() => unpackRows(tf.slice(ctx.train.x, 0, rows), shapes));
      const described = sources.map((i) => sourceFeatures(model, i, parts[pick.inputs.indexOf(i)]));
      tf.dispose(parts);
      const x = tf.tidy(() => varyingColumns(tf.concat(described.map((d) => d.x), 1) as tf.Tensor2D));
      tf.dispose(described.map((d) => d.x));
      const r = bagRelation(x, targets, ctx.random);
      const judged = sources.map((i) => model.inputNames[i]);
      const leftOut = [{ input: forced.name, reason: severalMessages.relationLeftOut(forced.reason, output) }];
      const representation = `each target's bag of tokens (${targets[0].length} ${targets[0].length === MAX_TARGET_CLASSES ? 'most varied ' : ''}classes counted over the steps) from ${described.map((d) => d.words).join(' and ')}`;
      const relation: LabelRelation = {
        judged, leftOut, representation, metric: 'R2', baseline: r.baseline, score: r.score, nulls: r.nulls, p: r.p, heldOut: r.heldOut, linked: r.linked,
      };
      const note = `${severalMessages.relationJudged(judged, `${r.baseline} predicting ${representation}`)}: R2 ${r.score.toFixed(3)} vs ${r.nullMean.toFixed(3)} on ${r.nulls.length} permutations ` +
        `(95th percentile ${r.null95.toFixed(3)}), p = ${r.p.toFixed(2)}, z = ${Number.isFinite(r.z) ? r.z.toFixed(1) : 'inf'} (${r.heldOut} held out); ${severalMessages.relationLeftOutNote(leftOut)}`;
      const extra = { 'label-relation': { baseline: r.baseline, score: r.score, nullMean: r.nullMean, null95: r.null95, p: r.p, z: Number.isFinite(r.z) ? r.z : 1e9, permutations: r.nulls.length, judged: judged.join(', '), leftOut: forced.name } };
      const measurements = { relation, extra };
      if (r.linked) return { findings: [], note, measurements };
      const finding = severalMessages.labelsUnrelatedToSource({
        judged, leftOut, representation, baseline: r.baseline, score: r.score, nullMean: r.nullMean, null95: r.null95, p: r.p,
        permutations: r.nulls.length, heldOut: r.heldOut, severity: r.p > UNRELATED_P ? 'error' : 'warning',
      });
      return { findings: [finding], note, measurements };
    },
  };
}
