/**
 * What users read about batch normalization and multilabel outputs (issue 13):
 * one typed function per finding, "what we saw; what it means; what to do".
 */
import type { Finding } from '../types';
import { num, percent } from './format';

/** Why the moving statistics sit where they do, when the model says so. */
export type StatsMismatchCause = 'frozen-momentum' | 'never-updated' | 'shifted';

export const normMessages = {
  batchNormStatsMismatch(e: {
    layer: string; layers: string; meanShift: number; varianceRatio: number; inferenceLoss: number; batchStatsLoss: number;
    chanceLoss: number | null; momentum: number; cause: StatsMismatchCause; strength: number;
  }): Finding {
    const why: Record<StatsMismatchCause, string> = {
      'frozen-momentum': `${e.layer} has momentum ${num(e.momentum)}: its moving statistics never move from their initial values, however long it trains.`,
      'never-updated': `The moving statistics of ${e.layer} are still the initial zeros and ones: the weights learned with batch statistics (training mode) but no training step updated the moving ones.`,
      shifted: 'The data the model receives now is distributed differently from the data the moving statistics were collected on (different preprocessing, scaling or source).',
    };
    const fix: Record<StatsMismatchCause, string> = {
      'frozen-momentum': `Set momentum back to 0.99 (tfjs and Keras weigh the old value: PyTorch's momentum 0.1 is 0.9 here), or recompute the statistics with a few training-mode passes over your data.`,
      'never-updated': 'Train with model.fit (or call the model with training: true) so the moving statistics follow the data, or recompute them with a few training-mode passes before evaluating.',
      shifted: 'Give the model the preprocessing it was trained with (same scaling and mean); if the new data is meant to differ, fine-tune with the batch-norm layers in training mode so their statistics adapt.',
    };
    const chance = e.chanceLoss === null ? '' : ` (chance level ${num(e.chanceLoss)})`;
    return {
      id: 'batchnorm-stats-mismatch',
      severity: 'warning',
      title: 'Batch-norm moving statistics do not match the data',
      detail:
        `In ${e.layer} the moving mean is ${num(e.meanShift)} batch standard deviations away from the mean of this data, and the moving variance is ` +
        `${num(e.varianceRatio)} times the batch variance. In inference mode (predict, evaluate) the loss is ${num(e.inferenceLoss)}; with the statistics of the ` +
        `batch itself (what training mode uses) it is ${num(e.batchStatsLoss)}${chance}. ${why[e.cause]} Batch-norm layers judged: ${e.layers}.`,
      fix: fix[e.cause],
      layer: e.layer,
      checklist: 'T7',
      evidence: {
        meanShift: e.meanShift, varianceRatio: e.varianceRatio, inferenceLoss: e.inferenceLoss, batchStatsLoss: e.batchStatsLoss,
        ...(e.chanceLoss === null ? {} : { chanceLoss: e.chanceLoss }), momentum: e.momentum, cause: e.cause, strength: e.strength,
      },
    };
  },

  batchNormSmallBatch(e: { layer: string; batchSize: number; meanNoise: number; logVarianceNoise: number; batches: number; dense: boolean; strength: number }): Finding {
    return {
      id: 'batchnorm-small-batch',
      severity: 'warning',
      title: `Batches of ${e.batchSize} are too small for batch normalization`,
      detail:
        `Over ${e.batches} batches of ${e.batchSize === 1 ? '1 row' : `${e.batchSize} rows`}, the batch mean that ${e.layer} normalizes with moves by ${num(e.meanNoise)} of a standard deviation ` +
        `from batch to batch, and the batch variance by a factor of ${num(Math.exp(e.logVarianceNoise))} (one standard deviation). ` +
        `In training mode every sample is normalized with these noisy statistics, so the network trains on features that shift with ${e.batchSize === 1 ? 'each sample (it is normalized by its own statistics)' : 'whoever shares the batch'}, ` +
        'while inference uses the smooth moving averages: training is noisy and inference results lag the training ones.',
      fix: e.dense
        ? 'Train with batches of 16-32 or more; if memory forbids it, replace batchNormalization with layerNormalization (per-sample statistics).'
        : 'Train with batches of 16-32 or more; if memory forbids it, use layerNormalization or group-wise normalization instead, or freeze the batch-norm layers in inference mode while fine-tuning.',
      layer: e.layer,
      checklist: 'T8',
      evidence: { ...e },
    };
  },

  batchNormAfterOutput(e: { layer: string; after: string; activation: string }): Finding {
    return {
      id: 'batchnorm-placement',
      severity: 'warning',
      title: `Batch normalization ${e.layer} comes after the ${e.activation} output`,
      detail:
        `${e.layer} normalizes the ${e.activation} outputs of ${e.after}: the model's predictions are then shifted and rescaled ${e.activation} values, no longer ` +
        'probabilities, and their scale follows the batch statistics rather than the input.',
      fix: `Move ${e.layer} before ${e.after} (normalize the features the output layer reads), or remove it.`,
      layer: e.layer,
      checklist: 'T7',
      evidence: { ...e },
    };
  },

  multilabelConstantLabel(e: { labels: string[]; never: string[]; always: string[]; rows: number }): Finding {
    const parts = [
      e.never.length > 0 ? `never positive: ${e.never.join(', ')}` : '',
      e.always.length > 0 ? `positive on every row: ${e.always.join(', ')}` : '',
    ].filter(Boolean);
    return {
      id: 'labels-imbalanced',
      severity: 'warning',
      title: `${e.labels.length === 1 ? 'A label is' : `${e.labels.length} labels are`} the same on every row`,
      detail:
        `Over ${e.rows} rows, ${parts.join('; ')}. A label that never changes carries no information: its sigmoid learns the constant and its output ` +
        'says nothing about the input, while the accuracy it adds looks perfect.',
      fix: 'Drop that output column, or collect rows where the label is both on and off (check that the label column was filled in).',
      checklist: 'D7',
      evidence: { labels: e.labels.join(', '), never: e.never.length, always: e.always.length, rows: e.rows },
    };
  },

  multilabelRareLabels(e: { rarest: string; rarestRate: number; rarestCount: number; rare: string[]; threshold: number; rows: number; severity: 'warning' | 'info' }): Finding {
    return {
      id: 'labels-imbalanced',
      severity: e.severity,
      title: e.severity === 'warning' ? `Label ${e.rarest} is positive on almost no row` : `${e.rare.length === 1 ? 'A label is' : `${e.rare.length} labels are`} rare`,
      detail:
        `Judged per label (each output is its own yes/no): ${e.rarest} is positive on ${percent(e.rarestRate)} of ${e.rows} rows (${e.rarestCount}). ` +
        `Labels positive on under ${percent(e.threshold)} of rows: ${e.rare.join(', ')}. ` +
        (e.severity === 'warning'
          ? 'With this few positives the cheapest solution is to always answer "no" for it, which binary cross-entropy barely punishes.'
          : 'Rare tags are normal in multilabel data; watch their recall in the per-label summary.'),
      fix: 'Weigh the positives of rare labels (a weighted binary cross-entropy) or collect more positive rows for them; judge them by recall and precision, not accuracy.',
      checklist: 'D7',
      evidence: { rarest: e.rarest, rarestRate: e.rarestRate, rarestCount: e.rarestCount, rare: e.rare.length, threshold: e.threshold, rows: e.rows },
    };
  },

  softmaxMultilabel(e: { lossName: string; units: number; layer: string; multiHotRows: number; rows: number; cardinality: number }): Finding {
    return {
      id: 'loss-output-mismatch',
      severity: 'error',
      title: 'Softmax output for several labels per sample',
      detail:
        `${e.multiHotRows} of ${e.rows} label rows hold more than one 1 (${num(e.cardinality)} positives per row on average): each sample has several labels. ` +
        `Layer ${e.layer} is a softmax over ${e.units} units trained with ${e.lossName}: its outputs share one unit of probability, so two true labels can each get at most ` +
        'about half, and raising one lowers the others. The model cannot say "both".',
      fix: "Use activation: 'sigmoid' on the last layer with loss: 'binaryCrossentropy' (one independent yes/no per label), and read each output against 0.5.",
      layer: e.layer,
      checklist: 'L2',
      evidence: { ...e },
    };
  },
};
