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
  lrRange?: LrRangeTest;
  /** Per input (data profile) and per output (loss vs its chance level, labels, predictions), for models with several. */
  parts?: MeasurementPart[];
  /** Anything else a check measured, keyed by check id. */
  extra?: Record<string, Record<string, number | string | boolean | null>>;
}

/** A measured number as measurements carry it: NaN and ±Infinity become null ("not measured"), which JSON keeps. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
