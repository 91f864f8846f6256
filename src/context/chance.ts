/**
 * The chance-level loss (CHECKLIST L1): the loss of the best constant
 * predictor for these labels, which an untrained model should start near.
 */
import type { LabelStats } from '../data/stats';
import { variance } from '../data/stats';
import { classCounts } from './infer';

export interface ChanceLevel {
  loss: number;
  reason: string;
  /** Initial losses inside this band are unremarkable. */
  band: [number, number];
}

function entropy(probabilities: number[]): number {
  return -probabilities.reduce((h, p) => (p > 0 ? h + p * Math.log(p) : h), 0);
}

function binaryEntropy(p: number): number {
  return entropy([p, 1 - p]);
}

/**
 * Spread of a freshly initialized network's outputs, in output units: with
 * glorot/he initializers and standardized inputs each output has a second
 * moment of order 1 whatever the targets are (measured: ~2 for a 5-16-1 relu
 * net). A regression model starts at the chance loss plus this, so for targets
 * of tiny variance (1e-8) the chance level alone is no guide to "near".
 */
export const FRESH_OUTPUT_SCALE = 1;

/**
 * Spread (std) of the logits of a freshly initialized softmax head: glorot on
 * ReLU features whose second moment reaches ~2 (after max pooling, or on
 * standardized images with a constant background) gives logits of std ~2. With
 * C classes such logits add about FRESH_LOGIT_STD^2 / 2 * (1 - 1/C) nats to the
 * entropy (second-order expansion of log-sum-exp): 1.8 nats for 10 classes.
 */
const FRESH_LOGIT_STD = 2;

/**
 * Why these bands: a freshly initialized classifier's outputs are near uniform
 * but not exactly, so its cross-entropy sits above the entropy: by one nat,
 * half the chance level, or what logits of a fresh head's spread add (see
 * FRESH_LOGIT_STD), whichever is largest; beyond it is clearly not "near".
 * For squared error a random-init output adds its own variance (of order
 * FRESH_OUTPUT_SCALE^2) to the target's: up to 4x their sum is still a normal
 * start; likewise 2.5x for absolute error. Relative to the target scale, so
 * tiny (1e-4) and huge (1e4) targets are judged alike.
 */
function band(loss: number, kind: 'crossentropy' | 'squared' | 'absolute', classes = 2): [number, number] {
  if (kind === 'crossentropy') return [0, loss + Math.max(1, 0.5 * loss, (FRESH_LOGIT_STD ** 2 / 2) * (1 - 1 / classes))];
  if (kind === 'squared') return [0, 4 * (loss + FRESH_OUTPUT_SCALE ** 2)];
  return [0, 2.5 * (loss + FRESH_OUTPUT_SCALE)];
}

/**
 * categoricalCrossentropy on multi-hot rows (softmax on several labels per
 * sample): tfjs normalizes the outputs to sum 1 and sums -y_k ln p_k over a
 * row, so the best constant prediction is p_k = m_k / S (m_k: mean of column
 * k, S: positives per row) and its loss -sum m_k ln(m_k / S).
 */
function multiHotChance(labels: LabelStats): ChanceLevel | undefined {
  const means = Array.from(labels.columns.mean);
  const cardinality = means.reduce((a, b) => a + b, 0);
  if (!(cardinality > 0)) return undefined;
  const loss = -means.reduce((sum, m) => (m > 0 ? sum + m * Math.log(m / cardinality) : sum), 0);
  const reason = `${cardinality.toFixed(2)} positive labels per row: -sum m_k ln(m_k / ${cardinality.toFixed(2)}) over the ${means.length} label rates m_k = ${loss.toFixed(3)}`;
  return { loss, reason, band: band(loss, 'crossentropy', means.length) };
}

export function chanceLevel(
  lossName: string, numClasses: number | undefined, labels: LabelStats, sampleTargets: Float32Array[],
): ChanceLevel | undefined {
  if (lossName === 'categoricalCrossentropy' && labels.width > 1 && labels.multiHotRows > 0 && labels.nonBinary === 0) return multiHotChance(labels);
  if ((lossName === 'categoricalCrossentropy' || lossName === 'sparseCategoricalCrossentropy') && numClasses) {
    const counts = classCounts(labels, numClasses);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return undefined;
    const loss = entropy(counts.map((c) => c / total));
    const balanced = Math.log(numClasses);
    const reason = Math.abs(loss - balanced) < 0.01
      ? `ln(${numClasses}) = ${balanced.toFixed(3)}: ${numClasses} balanced classes`
      : `entropy of the label priors over ${numClasses} classes = ${loss.toFixed(3)} (ln ${numClasses} = ${balanced.toFixed(3)} if balanced)`;
    return { loss, reason, band: band(loss, 'crossentropy', numClasses) };
  }
  if (lossName === 'binaryCrossentropy') {
    const cols = labels.columns;
    const ps = Array.from(cols.mean).filter((_, k) => cols.count[k] > 0);
    if (ps.length === 0 || ps.some((p) => p < 0 || p > 1)) return undefined;
    const loss = ps.reduce((s, p) => s + binaryEntropy(p), 0) / ps.length;
    const reason = ps.length === 1
      ? `binary entropy of the positive rate ${ps[0].toFixed(3)} = ${loss.toFixed(3)} (ln 2 = 0.693 if balanced)`
      : `mean over ${ps.length} labels of the binary entropy of each label's positive rate = ${loss.toFixed(3)} (tfjs's binaryCrossentropy averages over the labels of a row, then over rows)`;
    return { loss, reason, band: band(loss, 'crossentropy') };
  }
  if (lossName === 'meanSquaredError') {
    const k = labels.width;
    let total = 0;
    for (let g = 0; g < k; g++) total += variance(labels.columns, g);
    const loss = total / k;
    return { loss, reason: `variance of the target${k > 1 ? 's (mean over columns)' : ''} = ${loss.toPrecision(3)}: the MSE of always predicting the mean; a fresh model's outputs add a spread of order 1 whatever the targets`, band: band(loss, 'squared') };
  }
  if (lossName === 'meanAbsoluteError' && sampleTargets.length > 0) {
    const k = sampleTargets[0].length;
    let total = 0;
    for (let g = 0; g < k; g++) {
      const column = sampleTargets.map((row) => row[g]).sort((a, b) => a - b);
      const median = column[Math.floor(column.length / 2)];
      total += column.reduce((s, v) => s + Math.abs(v - median), 0) / column.length;
    }
    const loss = total / k;
    return { loss, reason: `mean absolute deviation from the median = ${loss.toPrecision(3)}: the MAE of always predicting the median; a fresh model's outputs add a spread of order 1 whatever the targets`, band: band(loss, 'absolute') };
  }
  return undefined;
}
