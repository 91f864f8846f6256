/**
 * The loss of the model as it is, on real batches, against the chance level
 * (CHECKLIST L1). Inference mode: dropout off, batch norm on its moving stats.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext } from '../base';
import type { LossMeasurement } from '../../measurements';
import { lossAboveChance } from '../../messages/data';
import { lossOrSkip, predictRows } from './shared';

/** Probe batches: enough to see the spread between batches, few enough to be quick. */
const PROBE_BATCHES = 8;

interface Probe {
  losses: number[];
  /** Mean prediction minus mean target over the probed rows (regression targets far from 0 show here). */
  offset: number;
  targetMean: number;
}

function probeLosses(ctx: CheckContext): Probe {
  const batch = ctx.info.batchSize;
  const rows = Math.min(ctx.train.x.shape[0], PROBE_BATCHES * batch);
  return tf.tidy(() => {
    const predicted = predictRows(ctx, ctx.train.x, rows);
    const losses: number[] = [];
    for (let start = 0; start < rows; start += batch) {
      const size = Math.min(batch, rows - start);
      const loss = ctx.loss(tf.slice(ctx.train.y, start, size), tf.slice(predicted, start, size));
      losses.push(loss.dataSync()[0]);
    }
    const targets = tf.slice(ctx.train.y, 0, rows);
    const targetMean = tf.mean(targets).dataSync()[0];
    const offset = predicted.size === targets.size ? tf.mean(predicted).dataSync()[0] - targetMean : 0;
    return { losses, offset, targetMean };
  });
}

/**
 * The part of a regression loss that a constant shift of every prediction
 * would remove: (mean offset)^2 for squared error, |offset| at most for
 * absolute error. A fresh model's outputs sit near 0; targets far from 0 put
 * the whole start above chance without anything being overconfident.
 */
function offsetPart(lossName: string, offset: number): number {
  if (lossName === 'meanSquaredError') return offset * offset;
  if (lossName === 'meanAbsoluteError') return Math.abs(offset);
  return 0;
}

export const initialLossCheck: Check = {
  id: 'initial-loss',
  checklist: ['L1'],
  findings: ['loss-above-chance'],
  provides: ['initialLoss'],
  async run(ctx: CheckContext) {
    const probed = lossOrSkip(() => probeLosses(ctx));
    if ('skipped' in probed) return { findings: [], skipped: probed.skipped };
    const { losses, offset, targetMean } = probed.value;
    const finite = losses.filter(Number.isFinite);
    const initial = finite.length === losses.length && finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
    const chance = ctx.chance;
    if (!chance) {
      return { findings: [], outputs: { initialLoss: initial }, note: `initial loss ${initial ?? 'not finite'}; no chance level is defined for ${ctx.info.lossName}`, measurements: { extra: { 'initial-loss': { initialLoss: initial } } } };
    }
    const loss: LossMeasurement = {
      lossName: ctx.info.lossName,
      chanceLoss: chance.loss,
      chanceReason: chance.reason,
      chanceBand: chance.band,
      initialLoss: initial,
      initialLossPerBatch: finite,
    };
    const above = initial !== null && initial > chance.band[1];
    // Above the band only because the targets sit far from 0: worth knowing (set the output bias), not overconfidence.
    const shifted = above && initial - offsetPart(ctx.info.lossName, offset) <= chance.band[1];
    const findings = initial !== null && above
      ? [lossAboveChance({
        initialLoss: initial, chanceLoss: chance.loss, upper: chance.band[1], lossName: ctx.info.lossName, reason: chance.reason,
        ...(shifted ? { targetMean, offset } : {}),
      })]
      : [];
    return { findings, measurements: { loss }, outputs: { initialLoss: initial }, note: initial === null ? 'the initial loss is not finite' : undefined };
  },
};
