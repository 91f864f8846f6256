/**
 * Which chart proves which findings: the report's sections, in reading order.
 * Each finding id belongs to one section; a section shows only when its
 * measurements exist. Chart builders come from src/charts.
 */
import {
  activationHealthChart, confusionMatrixChart, dataProfileChart, gradientFlowChart, lossChart, lrRangeChart, predictionsChart,
  sampleGridChart, annotate, batchNormChart, labelSummaryChart,
  type ChartSpec,
} from '../charts';
import type { Measurements } from '../measurements';
import type { FindingId } from '../types';
import { SECTION_SUMMARIES, type SectionKey } from './text';
import { verifiedFixChart } from '../charts/verified-fix';
import { verifyMessages } from '../messages/verify';
import { throughTimeChart } from '../charts/through-time';
import { sequenceStepsChart } from '../charts/sequence-steps';
import { relationChart } from '../charts/relation';

export interface SectionDefinition {
  key: SectionKey;
  title: string;
  /** A title that depends on what was measured, when the chart does (per-label results instead of a confusion matrix). */
  titleFor?(measurements: Measurements): string;
  /** Findings this section's chart is evidence for. */
  findingIds: readonly FindingId[];
  /** The chart, or undefined when its measurements are absent (the section is then skipped). */
  chart(measurements: Measurements): ChartSpec | undefined;
}

export const SECTIONS: readonly SectionDefinition[] = [
  {
    key: 'loss',
    title: 'Loss',
    findingIds: [
      'loss-above-chance', 'overfit-failed', 'loss-output-mismatch', 'regularization-dominates', 'init-scale-off',
      'train-eval-gap', 'input-ignored',
      'output-range-mismatch', 'loss-mixes-samples',
    ],
    chart: (m) => (m.loss || m.curves ? lossChart({ loss: m.loss, curves: m.curves }) : undefined),
  },
  {
    key: 'gradients',
    title: 'Gradient flow',
    findingIds: [
      'gradients-vanishing', 'gradients-exploding', 'gradients-zero', 'update-ratio-off', 'nonfinite-values',
      'gradient-check-failed', 'batch-mixing', 'layers-frozen',
    ],
    chart: (m) => (m.gradients && m.gradients.weights.length > 0 ? gradientFlowChart(m.gradients) : undefined),
  },
  // Sequence models (issue 13): the gradient per timestep at each recurrent layer.
  {
    key: 'throughTime',
    title: 'Gradient through time',
    findingIds: ['gradients-vanishing-through-time', 'gradients-exploding-through-time', 'padding-wrong-end', 'padding-not-masked'],
    chart: (m) => (m.throughTime && m.throughTime.layers.length > 0 ? throughTimeChart(m.throughTime) : undefined),
  },
  {
    key: 'activations',
    title: 'Activations',
    findingIds: ['activations-dead', 'activations-saturated', 'layer-bottleneck'],
    chart: (m) => (m.activations && m.activations.layers.length > 0 ? activationHealthChart(m.activations) : undefined),
  },
  {
    key: 'batchnorm',
    title: 'Batch normalization',
    findingIds: ['batchnorm-stats-mismatch', 'batchnorm-small-batch', 'batchnorm-placement'],
    chart: (m) => (m.batchNorm && m.batchNorm.layers.length > 0 ? batchNormChart(m.batchNorm) : undefined),
  },
  {
    key: 'data',
    title: 'Data profile',
    findingIds: [
      'data-nonfinite', 'data-unnormalized', 'data-constant-feature', 'data-too-small', 'split-leakage', 'split-shift',
      'split-class-missing',
    ],
    chart: (m) => (m.dataProfile ? dataProfileChart(m.dataProfile) : undefined),
  },
  {
    key: 'samples',
    title: 'Labels and samples',
    findingIds: ['labels-invalid', 'labels-imbalanced', 'labels-unrelated', 'batches-single-label', 'data-rows-identical'],
    chart: (m) => (m.samples && m.samples.rows.length > 0 ? sampleGridChart(m.samples) : undefined),
  },
  // Encoder-decoder outputs (issue 13): targets against the source, the teacher-forced input left out.
  {
    key: 'relation',
    title: 'Label relation',
    findingIds: ['labels-unrelated'],
    chart: (m) => (m.relation && m.relation.nulls.length > 0 ? relationChart(m.relation) : undefined),
  },
  {
    key: 'predictions',
    title: 'Predictions',
    findingIds: [],
    chart: (m) => (m.predictions && m.predictions.rows.length > 0 ? predictionsChart(m.predictions) : undefined),
  },
  // Sequence outputs (issue 13): input | true | predicted token per timestep.
  {
    key: 'sequences',
    title: 'Sequences step by step',
    findingIds: ['labels-shifted', 'tokens-out-of-range', 'tokens-oov-high'],
    chart: (m) => (m.sequences && m.sequences.rows.length > 0 ? sequenceStepsChart(m.sequences) : undefined),
  },
  {
    key: 'confusion',
    title: 'Confusion matrix',
    titleFor: (m) => (!m.confusion && m.labelSummary ? 'Results per label' : 'Confusion matrix'),
    findingIds: [],
    chart: (m) => (m.confusion && m.confusion.cells.length > 0 ? confusionMatrixChart(m.confusion)
      : m.labelSummary && m.labelSummary.labels.length > 0 ? labelSummaryChart(m.labelSummary) : undefined),
  },
  {
    key: 'lr',
    title: 'Learning rate',
    findingIds: ['lr-too-high', 'lr-too-low'],
    chart: (m) => (m.lrRange && m.lrRange.points.length > 0 ? lrRangeChart(m.lrRange) : undefined),
  },
  // Verified fixes (trust-core): before/after probe curves of the fixes tried on a clone.
  {
    key: 'verified',
    title: verifyMessages.sectionTitle,
    findingIds: [],
    chart: (m) => (m.verifiedFixes && m.verifiedFixes.length > 0 ? verifiedFixChart(m.verifiedFixes) : undefined),
  },
];

/** A section of one report: its definition, chart and summary. */
export interface ReportSection {
  definition: SectionDefinition;
  spec: ChartSpec;
  summary: string;
  /** The input or output the section shows, for models with several (its findings are those naming it). */
  part?: { kind: 'input' | 'output'; name: string };
}

/** The sections drawn once per input / per output of a model with several: data profile per input; loss, labels, predictions per output. */
const PART_SECTIONS: Record<'input' | 'output', readonly SectionKey[]> = {
  input: ['data'],
  output: ['loss', 'samples', 'relation', 'predictions', 'confusion'],
};

function sectionsOf(measurements: Measurements, part?: ReportSection['part']): ReportSection[] {
  const definitions = part ? SECTIONS.filter((d) => PART_SECTIONS[part.kind].includes(d.key)) : SECTIONS;
  return definitions.flatMap((base) => {
    const spec = base.chart(measurements);
    if (!spec) return [];
    const title = base.titleFor?.(measurements) ?? base.title;
    const definition = { ...base, title: part ? `${title}: ${part.kind} '${part.name}'` : title };
    return [{ definition, spec, summary: SECTION_SUMMARIES[base.key](measurements), ...(part ? { part } : {}) }];
  });
}

export function reportSections(measurements: Measurements): ReportSection[] {
  const parts = (measurements.parts ?? []).flatMap((p) => sectionsOf(p.measurements, { kind: p.kind, name: p.name }));
  return [...sectionsOf(measurements), ...parts];
}

/** The Vega-Lite part of a section's notebook output: its chart with the summary and the findings it proves. */
export function sectionSpecForNotebook(section: ReportSection, findings: readonly string[]): ChartSpec {
  return annotate(section.spec, section.summary, findings);
}
