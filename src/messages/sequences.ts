/**
 * What users read about token inputs and sequence models (issue 13): ids
 * outside the Embedding, padding, unknown tokens, gradients through time and
 * labels shifted by one step. One typed function per finding.
 */
import type { Finding } from '../types';
import { num, percent } from './format';

/** tfjs optimizers take no clipnorm/clipvalue: how to clip by global norm in a custom loop. */
export const CLIPPING_HOW =
  'tfjs optimizers have no clipnorm/clipvalue option: train with a custom loop that clips by global norm — ' +
  '`const { value, grads } = tf.variableGrads(() => lossOf(model, xs, ys)); ' +
  'const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => g.square().sum()))); ' +
  'const scale = tf.minimum(1, tf.div(maxNorm, norm)); ' +
  "optimizer.applyGradients(Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.mul(scale)])))` (or tf.clipByValue on each gradient for clipvalue)";

/** A finding's evidence: the numbers and names the sentence states (a missing value left out). */
function evidenceOf(e: Record<string, string | number | null>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(e).filter((entry): entry is [string, string | number] => entry[1] !== null));
}

export const sequenceMessages = {
  tokensOutOfRange(e: { layer: string; inputDim: number; min: number; max: number; outOfRange: number; positions: number; rows: number; rowsAffected: number }): Finding {
    const negative = e.min < 0;
    const above = e.max > e.inputDim - 1;
    const what = [negative ? `ids down to ${e.min}` : '', above ? `ids up to ${e.max}` : ''].filter(Boolean).join(' and ');
    return {
      id: 'tokens-out-of-range',
      severity: 'error',
      title: `Token ids outside ${e.layer}'s vocabulary (0..${e.inputDim - 1})`,
      detail:
        `${e.layer} has inputDim ${e.inputDim}, so valid ids are 0..${e.inputDim - 1}, but the data holds ${what}: ` +
        `${percent(e.outOfRange / Math.max(e.positions, 1))} of the sampled token positions, in ${e.rowsAffected} of ${e.rows} sampled rows. ` +
        'tfjs does not complain: those lookups silently return zeros or unrelated memory, so the model trains on garbage for them. ' +
        '(The probes below clip these ids into range so they can run.)',
      fix: above && !negative
        ? `Set inputDim to at least ${e.max + 1} (the largest id + 1: ids start at 0, and padding or unknown ids count too), or map rare ids to an unknown-token id below ${e.inputDim}.`
        : 'Ids cannot be negative: map unknown or missing tokens to a reserved id (0 for padding, 1 for unknown) before training.',
      layer: e.layer,
      checklist: 'D5',
      evidence: { ...e },
    };
  },

  paddingWrongEnd(e: { layer: string; cell: string; paddingShare: number; trailingRows: number; paddedRows: number; meanTrailing: number; steps: number; padId: number }): Finding {
    return {
      id: 'padding-wrong-end',
      severity: 'warning',
      title: `Padding after the tokens runs through ${e.layer} unmasked`,
      detail:
        `${percent(e.trailingRows / Math.max(e.paddedRows, 1))} of the padded rows end with padding (id ${e.padId}), ${num(e.meanTrailing)} of ${e.steps} steps on average ` +
        `(${percent(e.paddingShare)} of all positions), and nothing masks it. ${e.layer} (${e.cell}) reads the sequence from start to end and returns its last state: ` +
        'it must carry what it read through every padding step that follows, which washes it out, and the gradient to the real tokens passes through those steps too.',
      fix: 'Pass maskZero: true to the Embedding (the recurrent layer then skips padded steps), or pad at the start instead ("pre" padding, as Keras pads by default) so the real tokens come last.',
      layer: e.layer,
      checklist: 'T13',
      evidence: { ...e },
    };
  },

  paddingNotMasked(e: { layer: string; paddingShare: number; steps: number; medianLength: number; padId: number }): Finding {
    return {
      id: 'padding-not-masked',
      severity: 'info',
      title: `Most positions are padding and ${e.layer} is not told to mask it`,
      detail:
        `${percent(e.paddingShare)} of the token positions are padding (id ${e.padId}; median sequence length ${num(e.medianLength)} of ${e.steps}) and no layer masks it: ` +
        `${e.layer} spends its steps on padding. Leading padding costs little; masking it is still cleaner.`,
      fix: 'Pass maskZero: true to the Embedding (with 0 reserved for padding), or shorten the sequences to what most rows need.',
      layer: e.layer,
      checklist: 'T13',
      evidence: { ...e },
    };
  },

  tokensOovHigh(e: { oovId: number; oovToken: string; share: number; tokens: number }): Finding {
    return {
      id: 'tokens-oov-high',
      severity: e.share >= 0.3 ? 'warning' : 'info',
      title: `${percent(e.share)} of the tokens are unknown (${e.oovToken})`,
      detail:
        `${percent(e.share)} of ${e.tokens} non-padding tokens in the sample are id ${e.oovId} (${e.oovToken}, the out-of-vocabulary token). ` +
        'Whatever those words said is lost before the model sees it.',
      fix: 'Check that the text is tokenized the way the vocabulary was built (case, punctuation, the same tokenizer), or build a larger vocabulary from the training text.',
      checklist: 'D1',
      evidence: { ...e },
    };
  },

  vanishingThroughTime(e: { layer: string; cell: string; steps: number; firstToLast: number; reach: number; reachShare: number }): Finding {
    return {
      id: 'gradients-vanishing-through-time',
      severity: 'warning',
      title: `Gradients vanish through time in ${e.layer}`,
      detail:
        `The gradient of the loss reaching ${e.layer}'s input at the first steps is ${num(e.firstToLast)} of the gradient at the step that receives the most ` +
        `(the last ${e.reach} of ${e.steps} steps get more than 1e-3 of it). ` +
        `${e.cell === 'SimpleRNN' ? 'A plain SimpleRNN multiplies the gradient by its recurrent weights and tanh slope at every step' : 'The recurrent layer shrinks the gradient at every step'}, ` +
        'so it cannot learn anything that depends on the early steps.',
      fix: e.cell === 'SimpleRNN'
        ? 'Use an LSTM or GRU layer instead of SimpleRNN (their gates keep the gradient alive over long spans), or feed shorter sequences.'
        : 'Feed shorter sequences (or summarize early steps first, e.g. with a Conv1D and pooling), or use a Bidirectional layer so early steps are read last in one direction.',
      layer: e.layer,
      checklist: 'T13',
      evidence: { ...e },
    };
  },

  vanishingOnSignal(e: {
    layer: string; cell: string; steps: number; signalSteps: string; metric: string; heldOut: number; score: number; chance: number;
    elsewhere: number | null; share: number; toPeak: number; distance: number;
  }): Finding {
    const score = (v: number): string => (e.metric === 'R2' ? `R2 ${num(v)}` : percent(v));
    const elsewhere = e.elsewhere === null ? '' : `; no other window of steps does better than ${score(e.elsewhere)}`;
    return {
      id: 'gradients-vanishing-through-time',
      severity: 'warning',
      title: `The steps that predict the labels get almost none of ${e.layer}'s gradient`,
      detail:
        `Steps ${e.signalSteps} of ${e.steps} predict the labels on their own (${e.metric} ${score(e.score)} on ${e.heldOut} held-out rows against ${score(e.chance)} for shuffled labels${elsewhere}). ` +
        `Yet they receive ${num(e.share)} of the gradient that reaches ${e.layer}'s input: each gets ${num(e.toPeak)} of what the strongest step gets, and the steps that carry no signal get the rest. ` +
        `${e.cell === 'SimpleRNN' ? 'A plain SimpleRNN' : e.layer} has to carry what it read there through ${e.distance} more steps, multiplying the gradient by its recurrent weights and tanh slope at each one: ` +
        'a plain RNN learns a dependency that long only unreliably (one initialization may pick it up, the next never does), and otherwise fits the noise of the steps it read last.',
      fix: 'Use an LSTM or GRU layer instead of SimpleRNN (their gates carry the gradient over long spans), or cut the windows so the informative steps come shortly before the end (or read them last with goBackwards).',
      layer: e.layer,
      checklist: 'T13',
      evidence: evidenceOf(e),
    };
  },

  explodingThroughTime(e: { layer: string; cell: string; steps: number; firstToLast: number; growthPerStep: number }): Finding {
    return {
      id: 'gradients-exploding-through-time',
      severity: 'warning',
      title: `Gradients explode through time in ${e.layer}`,
      detail:
        `The gradient reaching ${e.layer}'s input grows by a factor of ${num(e.growthPerStep)} per step going back in time: ` +
        `at the first step it is ${num(e.firstToLast)} times the gradient at the last. One batch with a long dependency then makes a huge update that undoes training.`,
      fix: `Clip the gradients by their global norm (e.g. to 1), and lower the recurrent weights' scale (recurrentInitializer: 'orthogonal'). ${CLIPPING_HOW}.`,
      layer: e.layer,
      checklist: 'T13',
      evidence: { ...e },
    };
  },

  /** labels-shifted (kind 'decoder-copy'): a decoder input that holds the targets themselves, step for step. */
  decoderCopiesTargets(e: { input: string; share: number; positions: number }): Finding {
    return {
      id: 'labels-shifted',
      severity: 'error',
      title: `Input '${e.input}' holds the targets themselves: the model can copy its answer`,
      detail: `In ${percent(e.share)} of ${e.positions} positions, input '${e.input}' at step t is the target at step t, not the one before it. ` +
        'With teacher forcing the decoder reads the previous target (a start token, then the targets shifted right by one); fed the target itself, ' +
        'the model learns to copy it: the training loss falls fast, and at inference, where no targets exist, it has nothing to read.',
      fix: `Build '${e.input}' as [start token, target[0], ..., target[T-2]] (the targets shifted right by one), and keep the targets as they are.`,
      checklist: 'D3',
      evidence: { kind: 'decoder-copy', input: e.input, matchShare: e.share, positions: e.positions },
    };
  },

  labelsShifted(e: { kind: 'copy' | 'previous'; matchShare: number; nextShare: number; positions: number; perStep: boolean }): Finding {
    const task = e.perStep ? 'each step\'s target' : 'the target';
    const next = e.perStep ? ` (${percent(e.nextShare)} match the next token)` : '';
    const detail = e.kind === 'copy'
      ? `In ${percent(e.matchShare)} of ${e.positions} sampled positions ${task} is the input token at the same step${e.perStep ? '' : ' (the last one of the window)'}, ` +
        `not the one after it${next}. The model is asked to copy its input: the loss falls fast and the model learns nothing useful.`
      : `In ${percent(e.matchShare)} of ${e.positions} sampled positions ${task} is the input token one step before${e.perStep ? '' : ' the last one'}, not the one after${next}: ` +
        'the targets are shifted the wrong way, so the model is asked to repeat what it has already read.';
    return {
      id: 'labels-shifted',
      severity: 'error',
      title: e.kind === 'copy' ? 'The targets are the inputs: the model is asked to copy' : 'The targets are shifted one step the wrong way',
      detail,
      fix: e.perStep
        ? 'For next-token prediction the target at step t is the input at step t + 1: build x from tokens[0..T-1] and y from tokens[1..T].'
        : 'For next-token prediction the target is the token after the window: x = tokens[i..i+T-1], y = tokens[i+T].',
      checklist: 'D3',
      evidence: { ...e },
    };
  },
};
