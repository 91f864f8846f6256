/**
 * Chart kit: pure Vega-Lite v5 spec builders (measurements in, spec out) and
 * the helpers checks use to prepare chart data (PNG encoding, downsampling).
 */
export type { ChartSpec } from './base';
export { SCHEMA, annotate } from './base';
export { lossChart, type LossChartInput } from './loss';
export { gradientFlowChart, combineByLayer, UPDATE_RATIO_GUIDE, MAX_WEIGHT_ROWS, MAX_LAYER_ROWS } from './gradients';
export { pixelsToPngDataUrl, type PngOptions } from './png';
export { lttbIndices, downsampleRows } from './downsample';
export { activationHealthChart, combineLayerRuns, MAX_ACTIVATION_ROWS } from './activations';
export { batchNormChart, MAX_BATCHNORM_CHANNELS } from './batchnorm';
export { labelSummaryChart } from './label-summary';
export { dataProfileChart, MAX_FEATURES, MAX_CLASSES } from './data-profile';
export { sampleGridChart, GRID } from './samples';
export { predictionsChart, PREDICTIONS } from './predictions';
export { regressionChart, MAX_SCATTER_POINTS } from './regression';
export { confusionMatrixChart, MAX_CONFUSION_CLASSES } from './confusion';
export { lrRangeChart } from './lr-range';
export { findingsTableChart } from './findings';
export { trainingPanelChart, type TrainingPanelLayout, type TrainingDataset } from './training';
