/**
 * What users read about their data, labels, splits and loss: one typed
 * function per finding, each saying what we saw, what it means and what to do.
 * Checks call these; tests compare against them.
 */
import type { Finding } from '../types';
import { num, sentence } from './format';


const pct = (fraction: number): string => `${num(100 * fraction)}%`;
const list = (indices: readonly number[]): string => indices.join(', ');

export function dataNonfinite(e: { split: 'train' | 'validation'; inputRows: number; firstInputRow: number; labelRows: number; firstLabelRow: number; rows: number }): Finding {
  const where = e.split === 'train' ? 'the training data' : 'the validation data';
  const parts = [
    e.inputRows > 0 ? `${e.inputRows} of ${e.rows} input rows hold NaN or Infinity (first at index ${e.firstInputRow})` : '',
    e.labelRows > 0 ? `${e.labelRows} label rows hold NaN or Infinity (first at index ${e.firstLabelRow})` : '',
  ].filter(Boolean);
  return {
    id: 'data-nonfinite',
    severity: 'error',
    title: `NaN or Infinity in ${where}`,
    detail: `${parts.join('; ')}. One non-finite value turns the loss and every weight it touches into NaN.`,
    fix: 'Find where they come from (missing values, division by zero, log of 0 in preprocessing); impute or drop those rows before training.',
    evidence: { split: e.split, inputRows: e.inputRows, firstInputRow: e.firstInputRow, labelRows: e.labelRows, firstLabelRow: e.firstLabelRow, rows: e.rows },
    checklist: 'D9',
  };
}

export type UnnormalizedKind = 'raw-pixels' | 'scale-spread' | 'offset' | 'large-values' | 'tiny-pixels';

export function dataUnnormalized(e: {
  kind: UnnormalizedKind; feature: string; mean: number; std: number; min: number; max: number;
  /** scale-spread: the widest central span (1st..99th percentile), the narrowest one and its feature. */
  spread?: number; span?: number; smallestFeature?: string; smallestSpan?: number;
}): Finding {
  const stats = `mean ${num(e.mean)}, std ${num(e.std)}, range ${num(e.min)}..${num(e.max)}`;
  const detail: Record<UnnormalizedKind, string> = {
    'raw-pixels': `Pixel values reach ${num(e.max)} (${stats} over ${e.feature}): these look like raw 0-255 pixels. Large inputs make the first layer's outputs huge, the initial loss far above chance, and gradients erratic.`,
    'scale-spread': `Feature scales differ by a factor of ${num(e.spread ?? 0)}: the central 98% of ${e.feature} spans ${num(e.span ?? 0)} (std ${num(e.std)}) while that of ${e.smallestFeature} spans only ${num(e.smallestSpan ?? 0)}. The large feature dominates the first layer and one learning rate cannot suit both.`,
    offset: `${e.feature} sits far from 0 (${stats}): its mean is ${num(Math.abs(e.mean / (e.std || 1)))} standard deviations from zero, which shifts every unit it feeds and slows learning.`,
    'tiny-pixels': `Every pixel value lies within ${num(e.min)}..${num(e.max)} (${stats} over ${e.feature})` +
      (Math.abs(e.max * 255 - 1) < 0.1 ? `: the brightest is 1/255, what dividing pixels already in [0, 1] by 255 again gives.` : `, far below the [0, 1] range images are scaled to.`) +
      ` Inputs this small barely move the first layer (its outputs are set by its biases), so the loss starts at chance and falls slowly.`,
    'large-values': `${e.feature} takes values of typical size ${num(Math.sqrt(e.mean * e.mean + e.std * e.std))} (${stats}); initializers assume inputs of size ~1, so the first layer's outputs start that many times too large, sigmoid/tanh units saturate, and plain SGD steps (which grow with x squared) can diverge to NaN.`,
  };
  const fix: Record<UnnormalizedKind, string> = {
    'raw-pixels': 'Divide the pixels by 255 (x.div(255)), or standardize per channel with the training mean and std.',
    'scale-spread': 'Standardize each feature with statistics of the training split: (x - mean) / std, then apply the same numbers to validation and test.',
    offset: 'Subtract the training mean (and divide by the std) of each feature before training.',
    'large-values': 'Standardize each feature with statistics of the training split: (x - mean) / std (or divide by its typical size), and apply the same numbers to validation and test.',
    'tiny-pixels': 'Scale the pixels once: drop the second division by 255 (a rescale of inputs that are already in [0, 1]), or standardize per channel with the training mean and std.',
  };
  return {
    id: 'data-unnormalized',
    severity: 'warning',
    title: {
      'raw-pixels': 'Inputs look like raw 0-255 pixels', 'scale-spread': 'Features on very different scales', offset: 'Inputs far from zero mean',
      'large-values': 'Inputs far larger than 1', 'tiny-pixels': 'Pixel values far below 1 (divided by 255 twice?)',
    }[e.kind],
    detail: sentence(detail[e.kind]),
    fix: fix[e.kind],
    evidence: {
      kind: e.kind, feature: e.feature, mean: e.mean, std: e.std, min: e.min, max: e.max,
      ...(e.spread !== undefined ? { spread: e.spread, span: e.span ?? 0, smallestFeature: e.smallestFeature ?? '', smallestSpan: e.smallestSpan ?? 0 } : {}),
    },
    checklist: 'N1',
  };
}

export function dataConstantFeature(e: { features: string[]; total: number; value: number }): Finding {
  const shown = e.features.slice(0, 8).join(', ') + (e.features.length > 8 ? ', ...' : '');
  return {
    id: 'data-constant-feature',
    severity: 'warning',
    title: `${e.features.length} constant feature${e.features.length > 1 ? 's' : ''}`,
    detail: `${shown} never change${e.features.length > 1 ? '' : 's'} (${e.features.length} of ${e.total} features; e.g. always ${num(e.value)}). A constant carries no information, and standardizing it divides by a zero std (NaN).`,
    fix: 'Drop the constant columns, or check the pipeline that should fill them (a join or a parse that failed).',
    evidence: { constant: e.features.length, total: e.total, first: e.features[0] },
    checklist: 'D10',
  };
}

/** Every input row the same (all sampled rows identical): the model sees one input whatever the label. */
export function dataRowsIdentical(e: { rows: number; total: number; width: number; allZero: boolean; min: number; max: number; labelsVary: boolean }): Finding {
  const which = e.rows < e.total ? `All ${e.rows} rows sampled from the ${e.total} training rows` : `All ${e.total} training rows`;
  const values = e.allZero ? 'every one of their values is 0' : `the same ${e.width} values (${num(e.min)}..${num(e.max)})`;
  return {
    id: 'data-rows-identical',
    severity: 'error',
    title: 'Every input row is the same',
    detail: `${which} are identical: ${values}. ` +
      (e.labelsVary ? 'The labels differ but the inputs never do, so' : 'So') +
      ' the model can only learn one prediction for every sample (the label prior); no architecture or learning rate can fix that.',
    fix: 'Look at the rows right before the model: a normalization done in an integer array (Uint8Array or Int32Array keep x / 255 as 0), ' +
      'the same buffer pushed for every row, or an index that never moves when the rows are built.',
    evidence: { rows: e.rows, total: e.total, width: e.width, allZero: e.allZero, min: e.min, max: e.max, labelsVary: e.labelsVary },
    checklist: 'D1',
  };
}

/** A custom loss that applies softmax to the output of a softmax layer (tf.losses.softmaxCrossEntropy expects logits). */
export function lossAppliesSoftmaxAgain(e: { lossName: string; units: number; layer: string; floor: number; expected: number; logitLoss: number }): Finding {
  const best = Math.E / (Math.E + e.units - 1);
  return {
    id: 'loss-output-mismatch',
    severity: 'warning',
    title: 'Softmax applied twice: a softmax output and a loss that expects logits',
    detail: `Layer ${e.layer} already outputs softmax probabilities, and the loss (${e.lossName}) applies softmax to them again: ` +
      `it scores a perfect prediction (probability 1 on the right class) at ${num(e.floor)}, which is ln(1 + ${e.units - 1}/e) = ${num(e.expected)}, ` +
      `the cross-entropy of softmax([1, 0, ..., 0]); fed logits instead (30 on the right class) it gives ${num(e.logitLoss)}. ` +
      `A softmax of values in [0, 1] never puts more than ${num(best)} on one class, so the loss cannot fall below ${num(e.floor)} ` +
      'and its gradients are squashed: the model learns slower and the loss curve misleads.',
    fix: "Remove activation: 'softmax' from the last layer (output logits) and keep the loss, applying tf.softmax to predictions when you need " +
      "probabilities; or keep the softmax and use loss: 'categoricalCrossentropy'.",
    layer: e.layer,
    evidence: { kind: 'softmax-twice', lossName: e.lossName, activation: 'softmax', units: e.units, floor: e.floor, expected: e.expected, logitLoss: e.logitLoss },
    checklist: 'L2',
  };
}

/** A custom loss that applies sigmoid to the output of a sigmoid layer (tf.losses.sigmoidCrossEntropy expects logits). */
export function lossAppliesSigmoidAgain(e: { lossName: string; units: number; layer: string; floor: number; expected: number; logitLoss: number; positives: number }): Finding {
  return {
    id: 'loss-output-mismatch',
    severity: 'warning',
    title: 'Sigmoid applied twice: a sigmoid output and a loss that expects logits',
    detail: `Layer ${e.layer} already outputs sigmoid probabilities, and the loss (${e.lossName}) applies sigmoid to them again: ` +
      `it scores a perfect prediction (exactly the labels) at ${num(e.floor)}, which is what a loss on logits gives: ln(1 + 1/e) = ${num(Math.log(1 + 1 / Math.E))} ` +
      `for each label 1 and ln 2 = ${num(Math.LN2)} for each label 0 (${num(e.expected)} with ${pct(e.positives)} of the labels 1); fed logits instead (+-30) it gives ${num(e.logitLoss)}. ` +
      `A sigmoid of values in [0, 1] stays between 0.5 and ${num(1 / (1 + Math.exp(-1)))}, so the loss cannot fall below ${num(e.floor)}, ` +
      'every prediction reads as at least 0.5, and the gradients are squashed: the model learns slower and the loss curve misleads.',
    fix: "Remove activation: 'sigmoid' from the last layer (output logits) and keep the loss, applying tf.sigmoid to predictions when you need " +
      "probabilities; or keep the sigmoid and use loss: 'binaryCrossentropy'.",
    layer: e.layer,
    evidence: { kind: 'sigmoid-twice', lossName: e.lossName, activation: 'sigmoid', units: e.units, floor: e.floor, expected: e.expected, logitLoss: e.logitLoss },
    checklist: 'L2',
  };
}

export function dataTooSmall(e: { rows: number; smallestClass?: string; smallestCount?: number; perClassGuide: number }): Finding {
  const detail = e.smallestClass !== undefined
    ? `${e.rows} samples; the rarest class, ${e.smallestClass}, has ${e.smallestCount}. A common rule of thumb for training from scratch is about ${e.perClassGuide} examples per class.`
    : `${e.rows} samples. Small data sets overfit quickly; validation scores are noisy.`;
  return {
    id: 'data-too-small',
    severity: 'info',
    title: 'Little data for training from scratch',
    detail,
    fix: 'Collect more data, use augmentation, or start from a pretrained model; keep the network small and watch the train/validation gap.',
    evidence: { rows: e.rows, ...(e.smallestClass !== undefined ? { smallestClass: e.smallestClass, smallestCount: e.smallestCount ?? 0 } : {}) },
    checklist: 'D8',
  };
}

export type InvalidLabelKind =
  | 'out-of-range' | 'not-integer' | 'rows-not-one-hot' | 'sparse-for-categorical' | 'one-hot-for-sparse'
  | 'binary-out-of-range' | 'width-mismatch';

export function labelsInvalid(e: { kind: InvalidLabelKind; count: number; rows: number; firstRow: number; numClasses?: number; labelWidth: number; outputUnits: number; lossName: string; min?: number; max?: number; split?: 'train' | 'validation' }): Finding {
  const c = e.numClasses ?? e.outputUnits;
  // firstRow is -1 when the streaming statistics counted bad labels without keeping a row.
  const firstBad = e.firstRow >= 0 ? `; first bad row ${e.firstRow}` : '';
  const firstFractional = e.firstRow >= 0 ? ` (first at row ${e.firstRow})` : '';
  const text: Record<InvalidLabelKind, [string, string, string]> = {
    'out-of-range': [
      'Class indices out of range',
      `${e.count} of ${e.rows} labels are outside 0..${c - 1} (labels span ${num(e.min ?? NaN)}..${num(e.max ?? NaN)}${firstBad}); the model has ${e.outputUnits} outputs.`,
      'Map labels to 0..C-1 (e.g. subtract 1 from 1-based labels) or give the output layer one unit per class.',
    ],
    'not-integer': [
      'Class labels are not whole numbers',
      `${e.count} of ${e.rows} labels are fractional${firstFractional} but ${e.lossName} expects class indices.`,
      'Pass integer class indices (Math.round / the original class ids), or use a regression loss if the target is continuous.',
    ],
    'rows-not-one-hot': [
      'Label rows are not one-hot',
      `${e.count} of ${e.rows} label rows do not sum to 1 (first at row ${e.firstRow}); ${e.lossName} reads each row as a probability distribution over ${e.labelWidth} classes.`,
      'Build labels with tf.oneHot(indices, numClasses); for several true classes per sample use sigmoid outputs with binaryCrossentropy.',
    ],
    'sparse-for-categorical': [
      'Class indices given to categoricalCrossentropy',
      `Labels have ${e.labelWidth} value per row (class indices) but ${e.lossName} expects one-hot rows of ${e.outputUnits}; tfjs broadcasts them silently and trains on nonsense.`,
      "Use loss: 'sparseCategoricalCrossentropy', or one-hot encode the labels: tf.oneHot(labels, numClasses).",
    ],
    'one-hot-for-sparse': [
      'One-hot labels given to sparseCategoricalCrossentropy',
      `Labels are one-hot rows of ${e.labelWidth} but ${e.lossName} expects one class index per row.`,
      "Use loss: 'categoricalCrossentropy', or pass labels.argMax(-1).",
    ],
    'binary-out-of-range': [
      'Binary labels outside 0..1',
      `${e.count} label values fall outside [0, 1] (labels span ${num(e.min ?? NaN)}..${num(e.max ?? NaN)}; first bad row ${e.firstRow}); ${e.lossName} needs targets in [0, 1].`,
      'Map labels to 0/1 (e.g. -1/1 -> 0/1 with (y + 1) / 2).',
    ],
    'width-mismatch': [
      'Label shape does not match the output',
      `Label rows have ${e.labelWidth} values but the model outputs ${e.outputUnits}; ${e.lossName} compares them element by element.`,
      'Give the output layer one unit per label column, or reshape the labels to match it.',
    ],
  };
  const [title, detail, fix] = text[e.kind];
  const split = e.split ?? 'train';
  return {
    id: 'labels-invalid',
    severity: 'error',
    title: split === 'validation' ? `${title} (validation data)` : title,
    detail: split === 'validation' ? `In the validation data: ${detail}` : detail,
    fix,
    evidence: { kind: e.kind, split, count: e.count, rows: e.rows, firstRow: e.firstRow, labelWidth: e.labelWidth, outputUnits: e.outputUnits, lossName: e.lossName },
    checklist: 'D5',
  };
}

/** `reading: 'language'`: many next-token classes over sequences, whose frequencies are the language's own. */
export function labelsImbalanced(e: { ratio: number; rarest: string; rarestCount: number; commonest: string; commonestCount: number; missing: string[]; severity: 'warning' | 'info'; reading?: 'language' }): Finding {
  const missing = e.missing.length > 0 ? ` Class${e.missing.length > 1 ? 'es' : ''} ${e.missing.slice(0, 8).join(', ')} never appear${e.missing.length > 1 ? '' : 's'}.` : '';
  const counts = `The commonest class (${e.commonest}, ${e.commonestCount} samples) outnumbers the rarest (${e.rarest}, ${e.rarestCount}) ${Number.isFinite(e.ratio) ? `${num(e.ratio)} to 1` : 'without bound'}.${missing}`;
  const language = e.reading === 'language';
  return {
    id: 'labels-imbalanced',
    severity: e.severity,
    title: language ? 'Token classes follow a long tail (normal for text)' : 'Classes are imbalanced',
    detail: language
      ? `${counts} These look like next-token targets over sequences (many classes, none dominant): rare tokens are rare in the language itself, and the model should learn exactly these frequencies.`
      : `${counts} A model can score well by ignoring rare classes; accuracy hides it.`,
    fix: language
      ? 'Nothing to fix for a language model: keep the natural frequencies (class weights would bias its probabilities); judge it by loss or perplexity.'
      : 'Weight the loss by inverse class frequency (classWeight in model.fit), resample, and judge with per-class recall or the confusion matrix.',
    evidence: { ratio: Number.isFinite(e.ratio) ? e.ratio : -1, rarest: e.rarest, rarestCount: e.rarestCount, commonest: e.commonest, commonestCount: e.commonestCount, missing: e.missing.length, reading: e.reading ?? 'classes' },
    checklist: 'D7',
  };
}

export function labelsUnrelated(e: {
  baseline: string; score: number; nullMean: number; null95: number; p: number; permutations: number;
  metric: 'balanced accuracy' | 'R2'; heldOut: number; tokens: boolean; severity: 'error' | 'warning';
  /** What the probes predict, when not the labels themselves (each target sequence's bag of tokens). */
  predicting?: string;
}): Finding {
  const weak = e.severity === 'warning';
  const predicting = e.predicting ? ` predicting ${e.predicting}` : '';
  return {
    id: 'labels-unrelated',
    severity: e.severity,
    title: weak ? 'Labels show at most a weak link to the inputs' : 'Labels look unrelated to the inputs',
    detail: `The best simple probe (${e.baseline}${e.tokens ? ', on bags of tokens' : ''})${predicting} fitted on part of the sample scores ${e.metric} ${num(e.score)} on ${e.heldOut} held-out samples. With the labels shuffled (${e.permutations} seeded permutations) the same probes score ${num(e.nullMean)} on average, and ${num(e.null95)} at the 95th percentile: p = ${num(e.p)}. ${weak ? 'The real labels do only slightly better than shuffled ones.' : 'The real labels do no better than shuffled ones.'} When even simple models find no link, the pairing of inputs and labels is usually broken: shuffled or misaligned labels.`,
    fix: 'Check that x and y are shuffled together (one permutation for both), that labels come from the same rows as the inputs, and look at the sample grid with its labels.',
    evidence: { baseline: e.baseline, metric: e.metric, score: e.score, nullMean: e.nullMean, null95: e.null95, p: e.p, permutations: e.permutations, heldOut: e.heldOut },
    checklist: 'D3',
  };
}

export function batchesSingleLabel(e: {
  singleClassBatches: number; batches: number; expected: number; source: 'tensors' | 'dataset'; firstBatch: number; severity: 'error' | 'warning' | 'info';
  /** Mean share of each batch's commonest class, and what shuffled batches give. */
  meanTopShare: number; expectedTopShare: number;
}): Finding {
  const share = e.singleClassBatches / e.batches;
  const how = e.source === 'dataset'
    ? 'model.fitDataset trains on the batches in this order'
    : 'model.fit shuffles tensors by default, so this only bites with shuffle: false or when you batch this order yourself';
  const first = e.firstBatch >= 0 ? `; first at batch ${e.firstBatch}` : '';
  return {
    id: 'batches-single-label',
    severity: e.severity,
    title: 'Batches hold a single class: the data is sorted',
    detail: `${e.singleClassBatches} of ${e.batches} batches (${pct(share)}${first}) contain one class only, and on average ${pct(e.meanTopShare)} of a batch is its commonest class; shuffled data would give about ${pct(e.expected)} single-class batches and ${pct(e.expectedTopShare)}. ${how}: each step pulls the model toward one class and it forgets the others.`,
    fix: e.source === 'dataset'
      ? 'Shuffle before batching: dataset.shuffle(bufferSize >= number of samples, or at least several thousand).batch(32).'
      : 'Keep model.fit({ shuffle: true }) (the default) or shuffle x and y together with one permutation before batching.',
    evidence: {
      singleClassBatches: e.singleClassBatches, batches: e.batches, share, expected: e.expected, source: e.source, firstBatch: e.firstBatch,
      meanTopShare: e.meanTopShare, expectedTopShare: e.expectedTopShare,
    },
    checklist: 'D6',
  };
}

export function splitLeakage(e: { duplicates: number; validationRows: number; firstIndices: number[]; severity: 'warning' | 'info' }): Finding {
  return {
    id: 'split-leakage',
    severity: e.severity,
    title: 'Validation samples also appear in training',
    detail: `${e.duplicates} of ${e.validationRows} validation inputs (${pct(e.duplicates / e.validationRows)}) are exact copies of training inputs (validation indices ${list(e.firstIndices)}${e.duplicates > e.firstIndices.length ? ', ...' : ''}). Validation scores on them measure memory, not generalization.`,
    fix: 'Deduplicate before splitting, and split by the unit that repeats (user, patient, source file) so copies land on one side.',
    evidence: { duplicates: e.duplicates, validationRows: e.validationRows, fraction: e.duplicates / e.validationRows, firstIndex: e.firstIndices[0] ?? -1 },
    checklist: 'N5',
  };
}

/** Which statistic shows a split shift: the means, the spreads, or values constant in both splits. */
export type ShiftKind = 'mean' | 'spread' | 'constant';

function shiftAmount(e: { measure: ShiftKind; difference: number; bound: number }): string {
  if (e.measure === 'constant') return `constant in both splits, ${num(e.difference)} apart`;
  if (e.measure === 'spread') return `the stds differ by a factor of ${num(e.difference)}; sampling noise allows ${num(e.bound)}`;
  return `the means differ by ${num(e.difference)} pooled std; sampling noise allows ${num(e.bound)}`;
}

export function splitShift(e: {
  feature: string; trainMean: number; validationMean: number; trainStd: number; validationStd: number;
  measure: ShiftKind; difference: number; bound: number; shifted: number; total: number;
}): Finding {
  return {
    id: 'split-shift',
    severity: 'warning',
    title: 'Training and validation data are distributed differently',
    detail: `${e.total > 1 ? `${e.shifted} of ${e.total} features or channels differ beyond sampling noise; most of all ${e.feature}` : `${e.feature} differs beyond sampling noise`}: train mean ${num(e.trainMean)} std ${num(e.trainStd)}, validation mean ${num(e.validationMean)} std ${num(e.validationStd)} (${shiftAmount(e)}). Different preprocessing per split is the usual cause.`,
    fix: 'Compute normalization statistics on the training split only and apply the very same numbers (and code path) to validation and test.',
    evidence: {
      feature: e.feature, trainMean: e.trainMean, validationMean: e.validationMean, trainStd: e.trainStd, validationStd: e.validationStd,
      measure: e.measure, difference: e.difference, bound: e.bound, shifted: e.shifted,
    },
    checklist: 'N4',
  };
}

export type MismatchKind =
  | 'softmax-binary-crossentropy' | 'linear-probability-loss' | 'squashed-mse-classes' | 'softmax-one-unit' | 'sigmoid-categorical'
  | 'sigmoid-binary-one-hot';

export function lossOutputMismatch(e: { kind: MismatchKind; lossName: string; activation: string; units: number; layer: string }): Finding {
  const text: Record<MismatchKind, [string, string, string, Finding['severity']]> = {
    'softmax-binary-crossentropy': [
      'Softmax output trained with binaryCrossentropy',
      `The output is a softmax over ${e.units} classes but the loss is ${e.lossName}, which scores each unit as an independent yes/no; the reported accuracy is binary accuracy per unit and looks far better than it is. The model can still learn (the true class's unit is pushed up), so this misleads more than it blocks.`,
      "Use loss: 'categoricalCrossentropy' (one-hot labels) or 'sparseCategoricalCrossentropy' (class indices).",
      // A warning, not an error: on MNIST it trains to 92.8% against 93.3% with the right loss (workshop 04's measurement).
      'warning',
    ],
    'linear-probability-loss': [
      'Probability loss on an output that is not a probability',
      `${e.lossName} expects probabilities in (0, 1), but layer ${e.layer} outputs raw '${e.activation}' values; tfjs clips them into range, so most gradients vanish and training stalls.`,
      `Add activation: '${e.units > 1 ? 'softmax' : 'sigmoid'}' to the last layer.`,
      'error',
    ],
    'squashed-mse-classes': [
      'Squared error on class probabilities',
      `The output is ${e.activation} (probabilities) and the labels are classes, but the loss is ${e.lossName}; squared error on saturated probabilities gives tiny gradients and trains slowly.`,
      `Use loss: '${e.units > 1 ? 'categoricalCrossentropy' : 'binaryCrossentropy'}' with this output.`,
      'warning',
    ],
    'softmax-one-unit': [
      'Softmax over a single unit always outputs 1',
      `Layer ${e.layer} applies softmax to 1 unit, so every prediction is exactly 1 whatever the input; the model cannot learn.`,
      "For two classes use units: 1 with activation: 'sigmoid' and binaryCrossentropy (or units: 2 with softmax).",
      'error',
    ],
    'sigmoid-binary-one-hot': [
      'Independent sigmoids for one class per sample',
      `Every label row is one-hot (exactly one class per sample), but the ${e.units} outputs are independent sigmoids trained with ${e.lossName}: each class is a separate yes/no, so predicting "no" everywhere already scores ${num(100 * (1 - 1 / e.units))}% "accuracy" (binary accuracy per unit), and the classes do not compete for the probability mass.`,
      "Use activation: 'softmax' with loss: 'categoricalCrossentropy' for one class per sample (keep sigmoid + binaryCrossentropy only for several true classes per sample).",
      'warning',
    ],
    'sigmoid-categorical': [
      'Sigmoid outputs with categoricalCrossentropy',
      `The ${e.units} sigmoid outputs do not sum to 1, while ${e.lossName} treats them as one distribution over classes; tfjs rescales them, which distorts the gradients.`,
      "Use activation: 'softmax' for one class per sample, or binaryCrossentropy for several classes per sample.",
      'warning',
    ],
  };
  const [title, detail, fix, severity] = text[e.kind];
  return {
    id: 'loss-output-mismatch',
    severity,
    title,
    detail,
    fix,
    layer: e.layer,
    evidence: { kind: e.kind, lossName: e.lossName, activation: e.activation, units: e.units },
    checklist: 'L2',
  };
}

/** data-unnormalized (kind 'target-scale'): regression targets whose spread the outputs need thousands of steps to reach. */
export function targetsUnscaled(e: { targetMean: number; targetStd: number; outputStd: number; perStep: number; steps: number; optimizer: string; learningRate: number }): Finding {
  return {
    id: 'data-unnormalized',
    severity: 'warning',
    title: 'Regression targets on a scale the outputs need thousands of steps to reach',
    detail: `The targets spread with a standard deviation of ${num(e.targetStd)} (mean ${num(e.targetMean)}), while the untrained model's outputs spread by ${num(e.outputStd)}. ` +
      `${e.optimizer} moves each weight by about its learning rate (${num(e.learningRate)}) per step, so the outputs' spread can grow by at most ${num(e.perStep)} per step at these activations: ` +
      `matching the targets takes about ${Math.round(e.steps).toLocaleString('en-US')} steps, and until then the outputs cannot follow how the targets vary.`,
    fix: 'Standardize the targets with the training split\'s statistics (y\' = (y - mean) / std), train on y\', and map predictions back (y = y\' * std + mean); ' +
      'or express them in larger units so that they span about -3..3.',
    evidence: { kind: 'target-scale', feature: 'targets', mean: e.targetMean, std: e.targetStd, outputStd: e.outputStd, perStep: e.perStep, steps: Math.round(e.steps) },
    checklist: 'N1',
  };
}

/** `targetMean`/`offset`: set when the excess is all a constant shift between the outputs and regression targets far from 0. */
export function lossAboveChance(e: {
  initialLoss: number; chanceLoss: number; upper: number; lossName: string; reason: string; targetMean?: number; offset?: number;
  /** The shift needs more steps than a run has: how many, at which optimizer and rate. */
  slow?: { steps: number; optimizer: string; learningRate: number };
}): Finding {
  const shifted = e.targetMean !== undefined && e.offset !== undefined;
  const start = `The untrained model's ${e.lossName} is ${num(e.initialLoss)} on real batches; chance level is ${num(e.chanceLoss)} (${e.reason}) and a fresh model should start below ${num(e.upper)}.`;
  const slow = shifted && e.slow
    ? ` ${e.slow.optimizer} moves each weight by about its learning rate (${num(e.slow.learningRate)}) per step, so the outputs move by at most ${num(Math.abs(e.offset ?? 0) / e.slow.steps)} per step at these activations: closing the gap of ${num(Math.abs(e.offset ?? 0))} takes about ${Math.round(e.slow.steps).toLocaleString('en-US')} steps before the model learns anything else.`
    : '';
  return {
    id: 'loss-above-chance',
    severity: shifted && !e.slow ? 'info' : 'warning',
    title: shifted ? (e.slow ? 'Targets far from 0: the outputs need thousands of steps to reach them' : 'Initial loss above chance: the targets sit far from 0') : 'Initial loss far above chance',
    detail: shifted
      ? `${start} All of the excess is a constant shift: the targets average ${num(e.targetMean ?? 0)} while the fresh model's outputs average ${num((e.targetMean ?? 0) + (e.offset ?? 0))}.${slow || ' The first updates are spent moving the output bias; nothing is overconfident.'}`
      : `${start} The first updates will be spent undoing overconfident wrong outputs: usually unscaled inputs or a badly scaled initialization.`,
    fix: shifted
      ? `Start the output layer's bias at the target mean (biasInitializer: tf.initializers.constant({ value: ${num(e.targetMean ?? 0)} })), or standardize the targets and undo it on the predictions.`
      : 'Normalize the inputs first; then check initializers (glorot/he) and that the last layer has no huge bias or weights.',
    evidence: {
      initialLoss: e.initialLoss, chanceLoss: e.chanceLoss, upper: e.upper, ratio: e.initialLoss / e.chanceLoss,
      ...(shifted ? { targetMean: e.targetMean ?? 0, offset: e.offset ?? 0 } : {}),
      ...(shifted && e.slow ? { shiftSteps: Math.round(e.slow.steps) } : {}),
    },
    checklist: 'L1',
  };
}

export function regularizationDominates(e: { penalty: number; dataLoss: number; layers: string[] }): Finding {
  return {
    id: 'regularization-dominates',
    severity: 'warning',
    title: 'The regularization penalty outweighs the data loss',
    detail: `At the current weights the L1/L2 penalty is ${num(e.penalty)}, ${num(e.penalty / e.dataLoss)} times the data loss ${num(e.dataLoss)} (from ${e.layers.slice(0, 5).join(', ')}). Training will mostly shrink weights, and bugs in the data loss stay hidden.`,
    fix: 'Switch regularization off until the model fits, then add it back 10x smaller at a time (e.g. l2: 1e-4).',
    evidence: { penalty: e.penalty, dataLoss: e.dataLoss, ratio: e.penalty / e.dataLoss, layers: e.layers.length },
    checklist: 'L3',
  };
}

/** `atInit`: frozen layers whose weights are still at their random initialization (a warning: they freeze noise). */
export function layersFrozen(e: { frozen: string[]; withWeights: number; severity: 'error' | 'warning' | 'info'; atInit?: string[] }): Finding {
  const all = e.severity === 'error';
  const atInit = e.atInit ?? [];
  const initNote = atInit.length > 0
    ? ` ${atInit.slice(0, 5).join(', ')} ${atInit.length > 1 ? 'are' : 'is'} still at ${atInit.length > 1 ? 'their' : 'its'} random initialization (all-zero bias, kernel spread of a fresh initializer): frozen, ${atInit.length > 1 ? 'they pass' : 'it passes'} random features forever.`
    : '';
  return {
    id: 'layers-frozen',
    severity: e.severity,
    title: all ? 'Every layer is frozen: nothing can learn' : atInit.length > 0 ? 'A layer is frozen at its random initialization' : `${e.frozen.length} layer${e.frozen.length > 1 ? 's are' : ' is'} frozen`,
    detail: `${e.frozen.slice(0, 8).join(', ')}${e.frozen.length > 8 ? ', ...' : ''} ha${e.frozen.length > 1 ? 've' : 's'} trainable: false (${e.frozen.length} of ${e.withWeights} layers with weights); their weights never change during training.${all ? '' : atInit.length > 0 ? initNote : ' Fine for a pretrained base; a bug otherwise.'}`,
    fix: atInit.length > 0
      ? 'Load the pretrained weights before freezing the layer, or set layer.trainable = true, then compile again.'
      : 'Set layer.trainable = true on layers that should learn, then compile again (trainable changes take effect at compile).',
    evidence: { frozen: e.frozen.length, withWeights: e.withWeights, first: e.frozen[0] ?? '', atInit: atInit.length },
    checklist: 'L5',
  };
}

export function outputRangeMismatch(e: {
  activation: string; low: number; high: number; min: number; max: number; outside: number; sampled: number; layer: string; severity: 'error' | 'warning';
}): Finding {
  const range = `${Number.isFinite(e.low) ? num(e.low) : '-inf'}..${Number.isFinite(e.high) ? num(e.high) : '+inf'}`;
  const share = e.outside / e.sampled;
  return {
    id: 'output-range-mismatch',
    severity: e.severity,
    title: `The ${e.activation} output cannot reach the targets`,
    detail: `Layer ${e.layer} ends in '${e.activation}', whose outputs stay within ${range}, but the targets span ${num(e.min)}..${num(e.max)}: ${e.outside} of ${e.sampled} sampled targets (${pct(share)}) lie outside. The loss cannot go below what those targets miss by, and their gradients push the output into the flat ends of the activation.`,
    fix: e.activation === 'relu' || e.activation === 'softplus' || e.activation === 'elu' || e.activation === 'selu' || e.activation === 'exponential'
      ? `Remove the activation from the last layer (activation: 'linear') for targets that can be negative, or shift the targets.`
      : `Use activation: 'linear' on the last layer for regression targets, or scale the targets into ${range} (and undo it on the predictions).`,
    layer: e.layer,
    evidence: { activation: e.activation, low: Number.isFinite(e.low) ? e.low : String(e.low), high: Number.isFinite(e.high) ? e.high : String(e.high), min: e.min, max: e.max, outside: e.outside, sampled: e.sampled, share },
    checklist: 'L2',
  };
}

export function lossMixesSamples(e: { lossName: string; crossEffect: number; ownEffect: number; rows: number; changedRow: number }): Finding {
  return {
    id: 'loss-mixes-samples',
    severity: 'error',
    title: 'The loss mixes samples: one sample\'s label changes another\'s gradient',
    detail: `Changing the label of row ${e.changedRow} alone changed the loss gradient of the other predictions in a batch of ${e.rows} by up to ${num(e.crossEffect)} (its own by ${num(e.ownEffect)}); for a per-sample loss it is exactly 0. The usual cause: labels of shape [n] against outputs [n, 1] (or a reshape/squeeze inside ${e.lossName}) broadcast into an n x n difference, so every prediction is pulled toward every label.`,
    fix: 'Make labels and predictions the same shape inside the loss (yTrue.reshape(yPred.shape), or labels as [n, 1]); reduce over the feature axis first and over the batch last. Losses that compare samples on purpose (contrastive, ranking) are the exception.',
    evidence: { lossName: e.lossName, crossEffect: e.crossEffect, ownEffect: e.ownEffect, rows: e.rows, changedRow: e.changedRow },
    checklist: 'L6',
  };
}

export type ClassMissingKind = 'validation-only' | 'sorted-tail';

export function splitClassMissing(e: {
  kind: ClassMissingKind; classes: string[]; rows: number; total: number; severity: 'warning' | 'error'; tailShare?: number;
}): Finding {
  const shown = e.classes.slice(0, 8).join(', ') + (e.classes.length > 8 ? ', ...' : '');
  const plural = e.classes.length > 1;
  const text: Record<ClassMissingKind, [string, string, string]> = {
    'validation-only': [
      `Validation holds class${plural ? 'es' : ''} training never shows`,
      `Class${plural ? 'es' : ''} ${shown} occur${plural ? '' : 's'} in ${e.rows} of ${e.total} validation samples but never in the training data. The model cannot learn ${plural ? 'them' : 'it'}: those validation samples are always wrong, and validation scores understate what training achieved elsewhere.`,
      'Split after shuffling, stratified by class (every class on both sides), or drop classes that training cannot see.',
    ],
    'sorted-tail': [
      'The data is sorted: validationSplit would hold classes training never sees',
      `The last ${pct(e.tailShare ?? 0)} of the rows holds all the sampled rows of class${plural ? 'es' : ''} ${shown} (${e.rows} of ${e.total} sampled rows in that tail); the rows before it hold none. model.fit's validationSplit takes its rows from the end before any shuffling, so with validationSplit: ${num(e.tailShare ?? 0)} the model would never train on ${plural ? 'these classes' : 'this class'} and be scored on nothing else.`,
      'Shuffle x and y together (one permutation) before model.fit when you use validationSplit, or pass validationData split by class.',
    ],
  };
  const [title, detail, fix] = text[e.kind];
  return {
    id: 'split-class-missing',
    severity: e.severity,
    title,
    detail,
    fix,
    evidence: { kind: e.kind, classes: e.classes.length, first: e.classes[0] ?? '', rows: e.rows, total: e.total, ...(e.tailShare !== undefined ? { tailShare: e.tailShare } : {}) },
    checklist: 'N6',
  };
}
