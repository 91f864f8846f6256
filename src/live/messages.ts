/**
 * Every sentence watch() shows, as typed functions: what we saw; what it means;
 * what to do. Tests compare against these entries, not against substrings.
 */
import type { Finding } from '../types';
import { formatNumber as num } from '../charts/base';

/** Where the first non-finite value was traced to, after a non-finite loss. */
export type NonFiniteSource =
  | { kind: 'layer-output'; layer: string }
  | { kind: 'weight'; layer: string; weight: string }
  | { kind: 'loss' }
  | { kind: 'untraced'; reason: string };

export interface NonFiniteLoss {
  step: number;
  epoch: number;
  batch: number;
  /**
   * What showed it: the logged loss, or the weights while the loss still read
   * finite (the wasm backend clips NaN predictions inside cross-entropy, so
   * the loss can stay finite while the model is NaN).
   */
  trigger: 'loss' | 'weights';
  /** The loss as logged. */
  loss: number;
  /** Last finite loss before it, if any. */
  lastFiniteLoss: number | null;
  source: NonFiniteSource;
  stopped: boolean;
}

function describeSource(source: NonFiniteSource): string {
  switch (source.kind) {
    case 'layer-output':
      return `With the weights from just before that step, the first layer whose output is not finite is "${source.layer}".`;
    case 'weight':
      return `The weights were already non-finite before that step: "${source.weight}" of layer "${source.layer}" is the first one (an earlier update overflowed).`;
    case 'loss':
      return 'Every layer output is finite on the held batch with the weights from just before that step: the loss itself overflowed (log of 0, division by 0) or that step\'s batch holds NaN/Inf values.';
    case 'untraced':
      return `The layer could not be traced (${source.reason}).`;
  }
}

export function nonFiniteLoss(seen: NonFiniteLoss): Finding {
  const layer = seen.source.kind === 'layer-output' || seen.source.kind === 'weight' ? seen.source.layer : undefined;
  const before = seen.lastFiniteLoss === null ? 'from the first step' : `after ${num(seen.lastFiniteLoss)} at the step before`;
  const what = seen.trigger === 'loss' ? `The loss became ${String(seen.loss)}` : 'The weights became NaN/Inf';
  const seenAs =
    seen.trigger === 'loss'
      ? `The training loss was ${String(seen.loss)} ${before}.`
      : `After the update of that step the weights hold NaN/Inf, although the logged loss still reads ${num(seen.loss)} (cross-entropy clips predictions, which can hide NaN).`;
  return {
    id: 'loss-nonfinite',
    severity: 'error',
    title: `${what} at step ${seen.step} (epoch ${seen.epoch + 1}, batch ${seen.batch + 1})${layer ? `, first in layer "${layer}"` : ''}.`,
    detail:
      `${seenAs} ${describeSource(seen.source)} ` +
      (seen.stopped
        ? 'Training was stopped there (model.stopTraining): every later step would only spread NaN through the weights.'
        : 'Training went on because stopOnNonFinite is false; the weights are now likely NaN.'),
    fix:
      seen.lastFiniteLoss !== null && seen.source.kind !== 'loss'
        ? 'Lower the learning rate (try 10x smaller) or clip gradients (optimizer clipnorm); then check the named layer for exp/log/division that can overflow.'
        : 'Check the data for NaN/Inf (diagnose(model, data) reports data-nonfinite) and the loss for log(0); then lower the learning rate.',
    ...(layer === undefined ? {} : { layer }),
    evidence: {
      step: seen.step,
      epoch: seen.epoch,
      batch: seen.batch,
      trigger: seen.trigger,
      loss: String(seen.loss),
      source: seen.source.kind,
      ...(seen.source.kind === 'weight' ? { weight: seen.source.weight } : {}),
      stopped: seen.stopped,
    },
    checklist: 'T6',
  };
}

export interface Divergence {
  step: number;
  /** Smoothed loss now. */
  loss: number;
  /** Lowest smoothed loss since the warm-up, and its step. */
  bestLoss: number;
  bestStep: number;
  /** Smoothed loss after the warm-up (the first few steps), and its step. */
  startLoss: number;
  startStep?: number;
  learningRate: number | null;
}

/** Every number is the smoothed (moving-average) loss, so title and detail compare the same curve. */
export function divergence(seen: Divergence): Finding {
  const lr = seen.learningRate === null ? 'the learning rate' : `the learning rate (${num(seen.learningRate)})`;
  const start = seen.startStep === undefined ? `its early level (${num(seen.startLoss)})` : `its level at step ${seen.startStep} (${num(seen.startLoss)})`;
  return {
    id: 'loss-diverging',
    severity: 'warning',
    title: `The loss is rising: ${num(seen.loss)} at step ${seen.step}, up from ${num(seen.bestLoss)} at step ${seen.bestStep} (moving average).`,
    detail:
      `The training loss, as a moving average over about the last 10 steps, climbed to ${num(seen.loss)}: ${num(seen.loss / seen.bestLoss)}x its lowest value (${num(seen.bestLoss)} at step ${seen.bestStep}) and above ${start}. ` +
      `A loss that grows while training usually means ${lr} is too high: each step overshoots the minimum.`,
    fix: 'Stop this run and lower the learning rate 3-10x (or add a warm-up); a learning-rate range test in diagnose() shows the usable band.',
    evidence: {
      step: seen.step, loss: seen.loss, bestLoss: seen.bestLoss, bestStep: seen.bestStep, startLoss: seen.startLoss,
      ...(seen.startStep === undefined ? {} : { startStep: seen.startStep }),
      ...(seen.learningRate === null ? {} : { learningRate: seen.learningRate }),
    },
    checklist: 'T5',
  };
}

export interface WideningGap {
  epoch: number;
  step: number;
  trainLoss: number;
  validationLoss: number;
  bestValidationLoss: number;
  bestEpoch: number;
  trainLossAtBest: number;
}

export function wideningGap(seen: WideningGap): Finding {
  return {
    id: 'val-loss-rising',
    severity: 'warning',
    title: `Validation loss is rising while training loss falls (epoch ${seen.epoch + 1}).`,
    detail:
      `Validation loss went from ${num(seen.bestValidationLoss)} (epoch ${seen.bestEpoch + 1}) to ${num(seen.validationLoss)}, ` +
      `while training loss went from ${num(seen.trainLossAtBest)} to ${num(seen.trainLoss)}: the model is memorizing the training set (overfitting).`,
    fix: `Keep the weights of epoch ${seen.bestEpoch + 1} (tf.callbacks.earlyStopping({ monitor: 'val_loss' })), then add regularization (dropout, weight decay) or more data.`,
    evidence: { epoch: seen.epoch, trainLoss: seen.trainLoss, validationLoss: seen.validationLoss, bestValidationLoss: seen.bestValidationLoss, bestEpoch: seen.bestEpoch },
    checklist: 'T9',
  };
}

export interface Plateau {
  series: string;
  fromStep: number;
  toStep: number;
  /** Relative improvement over the window (0.002 = 0.2%). */
  improvement: number;
  value: number;
}

export function plateau(seen: Plateau): string {
  return (
    `Plateau: ${seen.series} changed by ${num(seen.improvement * 100)}% between steps ${seen.fromStep} and ${seen.toStep} (now ${num(seen.value)}). ` +
    'If it is well above where you need it, try a higher learning rate or a learning-rate schedule; if it is where you need it, training can stop.'
  );
}

export function stoppedOnNonFinite(step: number): string {
  return `Training stopped at step ${step} because the loss was not finite.`;
}

export function gradientsNeedData(): string {
  return 'Gradient norms need a held batch: watch(model, { data: { x, y } }). Update/weight ratios are measured without it.';
}

export function progressLine(step: number, total: number | null, etaSeconds: number | null, rate: number | null): string {
  const of = total === null ? `step ${step}` : `step ${step} of ${total} (${Math.floor((100 * step) / Math.max(total, 1))}%)`;
  const speed = rate === null ? '' : `, ${num(rate)} steps/s`;
  const eta = etaSeconds === null ? '' : `, about ${formatDuration(etaSeconds)} left`;
  return `${of}${speed}${eta}`;
}

/** Rounded before it is split, so 119.6 s reads "2 min 0 s", never "1 min 60 s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function dashboardUrl(url: string): string {
  return `tfjs-doctor dashboard: ${url}`;
}
