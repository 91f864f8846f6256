/**
 * The state of a watched run, folded from its events: bounded, plain JSON on
 * the way out. The monitor, the dashboard server and `tfjs-doctor serve`
 * (reading a log file) all keep one, so a reconnecting browser can be handed
 * the run so far.
 */
import type { Finding } from '../types';
import type { LayerSample, LiveEvent, NoteKind, RunInfo, Values } from './events';
import { BoundedSeries, thinned, type SeriesPoint } from './series';

export interface HistoryLimits {
  /** Points kept per batch-level series. */
  batchPoints: number;
  /** Epoch rows kept. */
  epochRows: number;
  /** Per-layer sample times kept. */
  layerSamples: number;
  /** Notes kept (most recent). */
  notes: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { batchPoints: 1000, epochRows: 500, layerSamples: 120, notes: 20 };

export interface EpochRow {
  epoch: number;
  step: number;
  values: Values;
}

export interface LayerSampleRow {
  step: number;
  rows: LayerSample[];
}

export interface HistorySnapshot {
  run: RunInfo | null;
  /** Batches seen so far (1-based global step of the last batch). */
  step: number;
  epoch: number;
  /** Wall-clock time of the last batch, ms since the epoch. */
  lastTime: number | null;
  /** Downsampled batch-level series by log name. */
  batches: Record<string, SeriesPoint[]>;
  epochs: EpochRow[];
  layers: LayerSampleRow[];
  findings: { step: number; finding: Finding }[];
  notes: { step: number; kind: NoteKind; text: string }[];
  end: { step: number; reason: 'completed' | 'stopped' } | null;
  /** Which per-layer statistics were measured at least once. */
  measured: { gradNorms: boolean; updateRatios: boolean };
}

export class RunHistory {
  private run: RunInfo | null = null;
  private step = 0;
  private epoch = 0;
  private lastTime: number | null = null;
  private readonly batches = new Map<string, BoundedSeries>();
  private epochs: EpochRow[] = [];
  private layers: LayerSampleRow[] = [];
  private findings: { step: number; finding: Finding }[] = [];
  private notes: { step: number; kind: NoteKind; text: string }[] = [];
  private end: HistorySnapshot['end'] = null;
  private measured = { gradNorms: false, updateRatios: false };

  constructor(private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS) {}

  apply(event: LiveEvent): void {
    switch (event.type) {
      case 'start':
        if (this.run !== null && this.run.runId !== event.run.runId) this.clear();
        this.run = event.run;
        this.end = null;
        break;
      case 'batch':
        this.step = event.step;
        this.epoch = event.epoch;
        this.lastTime = event.t;
        for (const [name, value] of Object.entries(event.values)) this.series(name).push(event.step, value);
        break;
      case 'epoch':
        this.epochs.push({ epoch: event.epoch, step: event.step, values: event.values });
        if (this.epochs.length > this.limits.epochRows) this.epochs = thinned(this.epochs, this.limits.epochRows);
        break;
      case 'layers':
        this.layers.push({ step: event.step, rows: event.rows });
        this.measured.gradNorms ||= event.rows.some((r) => r.gradNorm !== null);
        this.measured.updateRatios ||= event.rows.some((r) => r.updateRatio !== null);
        if (this.layers.length > this.limits.layerSamples) this.layers = thinned(this.layers, this.limits.layerSamples);
        break;
      case 'finding':
        this.findings.push({ step: event.step, finding: event.finding });
        break;
      case 'note':
        this.notes.push({ step: event.step, kind: event.kind, text: event.text });
        if (this.notes.length > this.limits.notes) this.notes = this.notes.slice(-this.limits.notes);
        break;
      case 'end':
        this.end = { step: event.step, reason: event.reason };
        break;
    }
  }

  /** The run being watched (null before the first fit starts). */
  get runInfo(): RunInfo | null {
    return this.run;
  }

  /** True when a finding with this id (and layer) was already reported. */
  hasFinding(id: string, layer?: string): boolean {
    return this.findings.some(({ finding }) => finding.id === id && finding.layer === layer);
  }

  /**
   * The run as plain JSON. `lite` keeps only the last point of each batch
   * series and the last per-layer sample: enough for status and layout, cheap
   * enough to take several times a second.
   */
  snapshot(options: { lite?: boolean } = {}): HistorySnapshot {
    const lite = options.lite ?? false;
    const batches: Record<string, SeriesPoint[]> = {};
    for (const [name, series] of this.batches) batches[name] = lite ? series.last() : series.points();
    return {
      run: this.run,
      step: this.step,
      epoch: this.epoch,
      lastTime: this.lastTime,
      batches,
      epochs: this.epochs.slice(),
      layers: lite ? this.layers.slice(-1) : this.layers.slice(),
      findings: this.findings.slice(),
      notes: this.notes.slice(),
      end: this.end,
      measured: { ...this.measured },
    };
  }

  /** Forgets everything: another run begins (a log file with several runs). */
  private clear(): void {
    this.step = 0;
    this.epoch = 0;
    this.lastTime = null;
    this.batches.clear();
    this.epochs = [];
    this.layers = [];
    this.findings = [];
    this.notes = [];
    this.end = null;
    this.measured = { gradNorms: false, updateRatios: false };
  }

  private series(name: string): BoundedSeries {
    let series = this.batches.get(name);
    if (!series) {
      series = new BoundedSeries(this.limits.batchPoints);
      this.batches.set(name, series);
    }
    return series;
  }
}
