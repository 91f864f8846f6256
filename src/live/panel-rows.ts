/**
 * LiveEvents and history as the rows of the panel's named datasets. The
 * notebook panel puts a snapshot's rows inline; the dashboard inserts the rows
 * of each new event into the running views (vega changesets), so both show
 * the same numbers the same way.
 */
import { round } from '../charts/base';
import type { Finding } from '../types';
import type { LiveEvent, RunInfo, Values } from './events';
import type { HistorySnapshot } from './history';

export const DATASETS = ['batches', 'epochs', 'layers', 'chance', 'marks'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface BatchRow {
  metric: string;
  step: number;
  value: number;
}

export interface EpochRowOut {
  metric: string;
  split: 'train' | 'validation';
  epoch: number;
  step: number;
  value: number;
}

export interface LayerRow {
  layer: string;
  order: number;
  step: number;
  start: number;
  gradNorm: number | null;
  updateRatio: number | null;
  logGrad: number | null;
  logRatio: number | null;
}

export interface MarkRow {
  step: number;
  label: string;
  severity: string;
}

export type Rows = Partial<Record<DatasetName, object[]>>;

/** Metric names without their validation prefix: loss, acc... (order of first appearance). */
export function metricNames(values: Values): string[] {
  return Object.keys(values).map((key) => key.replace(/^val_/, ''));
}

function finiteRound(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? round(value, 5) : null;
}

function log10(value: number | null): number | null {
  return value !== null && value > 0 ? round(Math.log10(value), 4) : null;
}

export function batchRows(step: number, values: Values): BatchRow[] {
  const rows: BatchRow[] = [];
  for (const [metric, value] of Object.entries(values)) {
    const v = finiteRound(value);
    if (v !== null) rows.push({ metric, step, value: v });
  }
  return rows;
}

export function epochRows(epoch: number, step: number, values: Values): EpochRowOut[] {
  const rows: EpochRowOut[] = [];
  for (const [key, value] of Object.entries(values)) {
    const v = finiteRound(value);
    if (v === null) continue;
    const validation = key.startsWith('val_');
    rows.push({ metric: validation ? key.slice(4) : key, split: validation ? 'validation' : 'train', epoch, step, value: v });
  }
  return rows;
}

export function layerRows(
  layers: readonly string[],
  step: number,
  previousStep: number,
  samples: readonly { layer: string; gradNorm: number | null; updateRatio: number | null }[],
): LayerRow[] {
  return samples.map((s) => ({
    layer: s.layer,
    order: Math.max(layers.indexOf(s.layer), 0),
    step,
    start: previousStep,
    gradNorm: finiteRound(s.gradNorm),
    updateRatio: finiteRound(s.updateRatio),
    logGrad: log10(s.gradNorm),
    logRatio: log10(s.updateRatio),
  }));
}

/** The rule marking where a finding appeared on the loss chart. */
function markRow(step: number, finding: Finding): MarkRow {
  return { step, label: finding.title, severity: finding.severity };
}

export function chanceRows(run: RunInfo | null): object[] {
  return run?.chanceLoss == null ? [] : [{ chance: round(run.chanceLoss, 5), label: `chance ${round(run.chanceLoss, 3)}` }];
}

/** Rows to insert for one event (the dashboard's changesets). */
export function eventRows(event: LiveEvent, previousLayerStep: number, run: RunInfo | null): Rows {
  switch (event.type) {
    case 'batch':
      return { batches: batchRows(event.step, event.values) };
    case 'epoch':
      return { epochs: epochRows(event.epoch, event.step, event.values) };
    case 'layers':
      return { layers: layerRows(run?.layers ?? [], event.step, previousLayerStep, event.rows) };
    case 'finding':
      return { marks: [markRow(event.step, event.finding)] };
    default:
      return {};
  }
}

/** Every dataset of a snapshot, batch series as stored (bounded). */
export function snapshotRows(snapshot: HistorySnapshot): Record<DatasetName, object[]> {
  const batches: BatchRow[] = [];
  for (const [metric, points] of Object.entries(snapshot.batches)) {
    for (const p of points) {
      const v = finiteRound(p.value);
      if (v !== null) batches.push({ metric, step: p.step, value: v });
    }
  }
  const layers: LayerRow[] = [];
  snapshot.layers.forEach((sample, i) => {
    const start = i === 0 ? 0 : snapshot.layers[i - 1].step;
    layers.push(...layerRows(snapshot.run?.layers ?? [], sample.step, start, sample.rows));
  });
  return {
    batches,
    epochs: snapshot.epochs.flatMap((row) => epochRows(row.epoch, row.step, row.values)),
    layers,
    chance: chanceRows(snapshot.run),
    marks: snapshot.findings.map(({ step, finding }) => markRow(step, finding)),
  };
}
