/**
 * A softmax output trained on multi-hot targets (several labels per sample):
 * the outputs share one unit of probability, so the model cannot say "both".
 * Reported by the loss-config check as loss-output-mismatch (CHECKLIST L2).
 */
import type { CheckContext } from '../base';
import type { Finding } from '../../types';
import { isMultiHot } from '../../context/infer';
import { normMessages } from '../../messages/norm';

export function softmaxOnMultilabel(ctx: CheckContext): Finding | undefined {
  const labels = ctx.profile.train.labels;
  const { outputActivation, outputUnits, outputLayer } = ctx.facts;
  if (outputActivation !== 'softmax' || ctx.info.task.value !== 'multilabel' || !isMultiHot(labels, outputUnits)) return undefined;
  const cardinality = Array.from(labels.columns.mean).reduce((a, b) => a + b, 0);
  return normMessages.softmaxMultilabel({
    lossName: ctx.info.lossName, units: outputUnits, layer: outputLayer, multiHotRows: labels.multiHotRows, rows: labels.rows, cardinality,
  });
}
