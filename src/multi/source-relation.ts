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
import { HOLD_OUT, MAX_ROWS, MIN_HELD_OUT, PERMUTATIONS, UNRELATED_P, compareWithNull, nullStats, split } from '../checks/data/relation';
import { multiRegressionScores } from '../checks/data/probes';
import { shuffledIndices } from '../context/random';
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
      const s = split(x);
      x.dispose();
      try {
        const sets = [targets, ...Array.from({ length: PERMUTATIONS }, () => shuffledIndices(rows, ctx.random).map((i) => targets[i]))];
        const result = compareWithNull(multiRegressionScores(s, sets));
        const { nullMean, null95, z, linked } = nullStats(result);
        const judged = sources.map((i) => model.inputNames[i]);
        const leftOut = [{ input: forced.name, reason: severalMessages.relationLeftOut(forced.reason, output) }];
        const representation = `each target's bag of tokens (${targets[0].length} ${targets[0].length === MAX_TARGET_CLASSES ? 'most varied ' : ''}classes counted over the steps) from ${described.map((d) => d.words).join(' and ')}`;
        const relation: LabelRelation = {
          judged, leftOut, representation, metric: 'R2', baseline: result.baseline, score: result.score, nulls: result.nulls, p: result.p, heldOut: s.testRows, linked,
        };
        const note = `${severalMessages.relationJudged(judged, `${result.baseline} predicting ${representation}`)}: R2 ${result.score.toFixed(3)} vs ${nullMean.toFixed(3)} on ${result.nulls.length} permutations ` +
          `(95th percentile ${null95.toFixed(3)}), p = ${result.p.toFixed(2)}, z = ${Number.isFinite(z) ? z.toFixed(1) : 'inf'} (${s.testRows} held out); ${severalMessages.relationLeftOutNote(leftOut)}`;
        const extra = { 'label-relation': { baseline: result.baseline, score: result.score, nullMean, null95, p: result.p, z: Number.isFinite(z) ? z : 1e9, permutations: result.nulls.length, judged: judged.join(', '), leftOut: forced.name } };
        const measurements = { relation, extra };
        if (linked) return { findings: [], note, measurements };
        const finding = severalMessages.labelsUnrelatedToSource({
          judged, leftOut, representation, baseline: result.baseline, score: result.score, nullMean, null95, p: result.p,
          permutations: result.nulls.length, heldOut: s.testRows, severity: result.p > UNRELATED_P ? 'error' : 'warning',
        });
        return { findings: [finding], note, measurements };
      } finally {
        tf.dispose([s.fitX, s.testX]);
      }
    },
  };
}
