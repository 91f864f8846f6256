/**
 * Can the output activation reach the targets at all (CHECKLIST L2)? A
 * sigmoid or softmax stays in [0, 1], tanh in [-1, 1], ReLU at or above 0:
 * regression targets outside that range can never be matched. Class labels
 * are judged by labels-invalid; this check reads regression targets.
 */
import type { Check, CheckContext } from '../base';
import { outputRangeMismatch } from '../../messages/data';

/** The values each output activation can produce (closed bounds; sigmoid reaches 0 and 1 only in the limit). */
const REACH: Record<string, [number, number]> = {
  sigmoid: [0, 1], softmax: [0, 1], hardSigmoid: [0, 1], tanh: [-1, 1],
  relu: [0, Infinity], relu6: [0, 6], softplus: [0, Infinity], exponential: [0, Infinity],
  elu: [-1, Infinity], selu: [-1.7581, Infinity],
};
/** Share of sampled targets out of reach at which the set-up cannot work: a third of the targets can never be fitted. */
const ERROR_SHARE = 0.3;
/** Below this share a few outliers are out of reach: not worth a warning. */
const MIN_SHARE = 0.01;

export const outputRangeCheck: Check = {
  id: 'output-range',
  checklist: ['L2'],
  findings: ['output-range-mismatch'],
  explains: {
    // Targets out of reach keep the loss up whatever the training does; a ReLU output pushed below 0 dies, a
    // sigmoid or tanh pushed past its range saturates, and either stops the gradients behind it.
    'output-range-mismatch': ['overfit-failed', 'loss-above-chance', 'activations-dead', 'activations-saturated', 'gradients-zero', 'gradients-vanishing'],
  },
  async run(ctx: CheckContext) {
    const { outputActivation: activation, outputLayer: layer } = ctx.facts;
    const reach = REACH[activation];
    if (!reach) return { findings: [], skipped: `the '${activation}' output is unbounded` };
    if (ctx.info.task.value !== 'regression') return { findings: [], skipped: 'class labels are judged by the labels check' };
    const [low, high] = reach;
    const columns = ctx.profile.train.labels.columns;
    const min = Math.min(...Array.from(columns.min).filter(Number.isFinite));
    const max = Math.max(...Array.from(columns.max).filter(Number.isFinite));
    // Rounding slack relative to the target scale: 1 - 1e-7 from float32 preprocessing is "1".
    const slack = 1e-6 * Math.max(1, Math.abs(min), Math.abs(max));
    let outside = 0;
    let sampled = 0;
    for (const row of ctx.profile.train.sample.y) {
      for (const v of row) {
        if (!Number.isFinite(v)) continue;
        sampled++;
        if (v < low - slack || v > high + slack) outside++;
      }
    }
    const note = `'${activation}' reaches ${low}..${high}; targets span ${min}..${max}`;
    if (sampled === 0 || outside / sampled < MIN_SHARE) return { findings: [], note };
    return {
      findings: [outputRangeMismatch({ activation, low, high, min, max, outside, sampled, layer, severity: outside / sampled >= ERROR_SHARE ? 'error' : 'warning' })],
      note,
    };
  },
};
