/**
 * The loss of the model as it is, on real batches, against the chance level
 * (CHECKLIST L1). Inference mode: dropout off, batch norm on its moving stats.
 */
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext } from '../base';
import type { LossMeasurement } from '../../measurements';
import { lossAboveChance } from '../../messages/data';
import { predictRows } from './shared';

/** Probe batches: enough to see the spread between batches, few enough to be quick. */
const PROBE_BATCHES = 8;

function perBatchLosses(ctx: CheckContext): number[] {
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
    return losses;
  });
}

export const initialLossCheck: Check = {
  id: 'initial-loss',
  checklist: ['L1'],
  findings: ['loss-above-chance'],
  provides: ['initialLoss'],
  async run(ctx: CheckContext) {
    const losses = perBatchLosses(ctx);
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
    const findings = initial !== null && initial > chance.band[1]
      ? [lossAboveChance({ initialLoss: initial, chanceLoss: chance.loss, upper: chance.band[1], lossName: ctx.info.lossName, reason: chance.reason })]
      : [];
    return { findings, measurements: { loss }, outputs: { initialLoss: initial }, note: initial === null ? 'the initial loss is not finite' : undefined };
  },
};
