/**
 * The numbers behind every chart: what checks produce and chart builders consume.
 * Plain JSON only (no tensors, no typed arrays, no NaN: use null for "not measured").
 * Add fields freely; renaming one breaks the charts that read it.
 */
import type { VerifiedFix } from './verify/types';

/** Loss at initialization against the chance level (CHECKLIST L1). */
export interface LossMeasurement {
  lossName: string;
  /** Loss of the best constant predictor for these labels (ln C, label entropy, target variance...). */
  chanceLoss: number;
  /** How the chance level was computed, in plain words. */
  chanceReason: string;
  /** Band around the chance level inside which an initial loss is unremarkable. */
  chanceBand: [number, number];
  /** Mean loss of the untrained/current model over the probe batches. */
  initialLoss: number | null;
  /** The same, per probe batch (shows the spread). */
  initialLossPerBatch: number[];
}

/** One point of a training curve: probes (overfit, input-ignored...) and live training. */
export interface CurvePoint {
  series: string;
  step: number;
  loss: number | null;
  /** Optional metric (accuracy) at the same step. */
  metric?: number | null;
}

export interface LossCurves {
  chanceLoss: number | null;
  initialLoss?: number | null;
  points: CurvePoint[];
  /** Name of the metric in `points[].metric`, when present. */
  metricName?: string;
}

/** Gradient and update statistics per trainable weight, in model order (CHECKLIST T2, T3). */
export interface WeightGradient {
  layer: string;
  /** Position of the layer in the model (0 = first). */
  layerIndex: number;
  weight: string;
  shape: number[];
  gradNorm: number | null;
  weightNorm: number | null;
  meanAbsGrad: number | null;
  maxAbsGrad: number | null;
  /** ||update|| / ||weight|| for one real optimizer step; healthy near 1e-3. */
  updateRatio: number | null;
  /** Fraction of entries with exactly zero gradient. */
  zeroFraction?: number | null;
  /** Entries of the gradient that are NaN or Infinity. */
  nonFiniteCount?: number;
}

export interface GradientFlow {
  weights: WeightGradient[];
  optimizerName?: string;
  learningRate?: number;
}

/** Activation statistics per layer from taps on intermediate outputs (CHECKLIST T4). */
export interface LayerActivation {
  layer: string;
  layerIndex: number;
  activation: string;
  mean: number | null;
  std: number | null;
  /** Fraction of units that are zero for every sample of the probe batch (ReLU family). */
  deadFraction: number | null;
  /** Fraction of outputs in the flat part of sigmoid/tanh. */
  saturatedFraction: number | null;
  /** Root mean square of the layer's output: the activation scale through depth. */
  rms?: number | null;
  /** Outputs that are NaN or Infinity. */
  nonFiniteCount?: number;
}

export interface ActivationHealth {
  layers: LayerActivation[];
}

/** Per-feature (tabular) or per-channel (image) statistics, per split (CHECKLIST D, N). */
export interface FeatureStat {
  feature: string;
  split: 'train' | 'validation';
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface LabelCount {
  label: string;
  split: 'train' | 'validation';
  count: number;
}

export interface DataProfile {
  /** 'channel' for images (one row per channel), 'feature' otherwise. */
  unit: 'feature' | 'channel';
  features: FeatureStat[];
  labels: LabelCount[];
  /** For regression: target statistics instead of label counts. */
  target?: { mean: number; std: number; min: number; max: number };
  samples: number;
  validationSamples?: number;
}

/**
 * One sample as the network receives it, with what the model made of it.
 * Drives the sample grid and the side-by-side predictions.
 */
export interface SampleRow {
  /** Index in the user's data (or in the stream, for datasets). */
  index: number;
  /** PNG data URL for image inputs. */
  image?: string;
  /** Raw feature values for tabular/sequence inputs (truncated for wide inputs). */
  values?: number[];
  /** Token inputs: the tokens (options.vocabulary) or ids, as text. */
  text?: string;
  label: string;
  prediction?: string;
  /** Probability of the predicted class (classification). */
  confidence?: number;
  loss?: number;
  correct?: boolean;
  /** Regression: numeric target and prediction. */
  actualValue?: number;
  predictedValue?: number;
}

export interface SampleSet {
  kind: 'image' | 'table';
  /** Feature names for table rows. */
  columns?: string[];
  rows: SampleRow[];
}

export interface ConfusionMatrix {
  classes: string[];
  cells: { actual: string; predicted: string; count: number }[];
}

/** Learning-rate range test (CHECKLIST T5). */
export interface LrRangeTest {
  points: { lr: number; loss: number | null; smoothed: number | null }[];
  configuredLr: number | null;
  /** Suggested usable band of learning rates. */
  suggested: [number, number] | null;
  steepestLr: number | null;
  divergenceLr: number | null;
  /** Where the smoothed loss was lowest, when the curve fell clearly (the rate the lr findings quote). */
  minLossLr?: number | null;
}

/** Gradient of the loss reaching a recurrent layer's input at each timestep (CHECKLIST T13). */
export interface TimestepGradients {
  layer: string;
  /** 'LSTM', 'GRU', 'SimpleRNN'. */
  cell: string;
  /** Mean over the probe batch of the per-sample gradient norm at each step, first step first. */
  norms: (number | null)[];
  /** Where the label signal sits along the sequence (measured for plain RNNs only; absent when not measured). */
  signal?: StepSignal;
  /** The layer reads the sequence from its end (goBackwards): step 1 is read last. */
  backwards?: boolean;
}

/** One window of consecutive timesteps (1-based, inclusive) and how well it alone predicts held-out labels. */
export interface SignalWindow {
  first: number;
  last: number;
  /** Best held-out score of the label-relation probes on this window's steps alone. */
  score: number;
  /** Their mean score on permuted labels (chance). */
  nullMean: number;
  /** Far above every permutation: these steps carry label signal. */
  carries: boolean;
}

/** Where the label signal sits along a recurrent layer's input sequence (issue 13). */
export interface StepSignal {
  metric: 'balanced accuracy' | 'R2';
  /** Rows the scores are measured on. */
  heldOut: number;
  windows: SignalWindow[];
}

/** One timestep of a sequence sample: input token, true and predicted token ('' past the end of a shorter line) (issue 13). */
export interface SequenceStep {
  input: string;
  label: string;
  prediction: string;
  wrong: boolean;
}

/** Sequence outputs side by side, one timestep per column (options.vocabulary turns ids into tokens). */
export interface SequenceSteps {
  rows: { index: number; loss: number | null; steps: SequenceStep[] }[];
  /** Steps of each sequence before the view cut it. */
  totalSteps: number;
}

export interface GradientThroughTime {
  layers: TimestepGradients[];
}

/** Batch normalization (CHECKLIST T7, T8): moving vs batch statistics per layer and channel. */
export interface BatchNormMeasurement {
  /** The batch size training uses (options.batchSize, or the dataset's batches). */
  batchSize: number;
  layers: {
    layer: string;
    layerIndex: number;
    momentum: number;
    /** Moving statistics still at their initial zeros and ones. */
    atInit: boolean;
    /** RMS over channels of |moving mean - batch mean| in batch stds. */
    meanShift: number;
    /** exp(RMS over channels of |ln(moving variance / batch variance)|): 1 when they agree. */
    varianceRatio: number;
    /** Scatter of the batch mean (channel stds) and of ln(batch variance) at batchSize; null when not measured. */
    meanNoise: number | null;
    logVarianceNoise: number | null;
    channels: { channel: number; movingMean: number; batchMean: number; movingVariance: number; batchVariance: number }[];
  }[];
}

/** Multilabel outputs: one yes/no per label, scored per label at 0.5. */
export interface LabelSummary {
  labels: { label: string; positives: number; truePositive: number; falsePositive: number; falseNegative: number; trueNegative: number }[];
  rows: number;
}

/**
 * The label relation of a sequence output judged on some of its inputs only
 * (an encoder-decoder's source; the teacher-forced decoder input left out):
 * the best probe's held-out score against the same probes on shuffled pairings (issue 13).
 */
export interface LabelRelation {
  /** Inputs the probe read. */
  judged: string[];
  /** Inputs left out, each with the reason in words. */
  leftOut: { input: string; reason: string }[];
  /** What the probe predicts from what, in words. */
  representation: string;
  metric: string;
  baseline: string;
  score: number;
  /** The best score on each permutation of the targets. */
  nulls: number[];
  p: number;
  heldOut: number;
  /** True when the score shows a link (p and z past the thresholds). */
  linked: boolean;
}

/** The measurements of one input's or one output's checks (models with several inputs or outputs). */
export interface MeasurementPart {
  kind: 'input' | 'output';
  name: string;
  measurements: Measurements;
}

export interface Measurements {
  /** Fixes tried on a clone for the top causes, with the probe before and after (src/verify). */
  verifiedFixes?: VerifiedFix[];
  loss?: LossMeasurement;
  /** Probe training curves (overfit a tiny batch, input dependence...). */
  curves?: LossCurves;
  gradients?: GradientFlow;
  activations?: ActivationHealth;
  dataProfile?: DataProfile;
  samples?: SampleSet;
  predictions?: SampleSet;
  confusion?: ConfusionMatrix;
  /** Batch-norm moving vs batch statistics (issue 13). */
  batchNorm?: BatchNormMeasurement;
  /** Multilabel: the per-label confusion summary instead of a confusion matrix (issue 13). */
  labelSummary?: LabelSummary;
  lrRange?: LrRangeTest;
  /** Gradient norm per timestep at each recurrent layer's input (issue 13). */
  throughTime?: GradientThroughTime;
  /** Sequence outputs timestep by timestep (issue 13). */
  sequences?: SequenceSteps;
  /** An encoder-decoder output's targets against its source inputs (issue 13). */
  relation?: LabelRelation;
  /** Per input (data profile) and per output (loss vs its chance level, labels, predictions), for models with several. */
  parts?: MeasurementPart[];
  /** Anything else a check measured, keyed by check id. */
  extra?: Record<string, Record<string, number | string | boolean | null>>;
}

/** A measured number as measurements carry it: NaN and ±Infinity become null ("not measured"), which JSON keeps. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * What the steps that carry the located label signal get of a recurrent layer's gradient: their share of the
 * sum over all steps, and their mean relative to the strongest step; undefined when no signal was located.
 */
export function signalGradient(g: TimestepGradients): { share: number; toPeak: number } | undefined {
  const carrying = g.signal?.windows.filter((w) => w.carries) ?? [];
  const norms = g.norms.map((n) => n ?? 0);
  const onSignal = carrying.flatMap((w) => norms.slice(w.first - 1, w.last));
  const total = norms.reduce((a, b) => a + b, 0);
  const peak = Math.max(...norms);
  if (onSignal.length === 0 || !(total > 0)) return undefined;
  const sum = onSignal.reduce((a, b) => a + b, 0);
  return { share: sum / total, toPeak: sum / onSignal.length / peak };
}
