/**
 * The monitor: turns training callbacks (or monitor.step() calls from a custom
 * loop) into LiveEvents, keeps the run's history, runs the detectors about
 * once a second and stops training on a non-finite loss. Sinks (notebook
 * panel, dashboard, log file) receive every event; a failing sink never
 * interrupts training.
 *
 *   batch end -> 1. values -> 2. non-finite? trace, stop -> 3. every N steps:
 *   per-layer sample -> 4. detectors (throttled) -> events -> history + sinks
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../types';
import { resolveLoss } from '../context/loss';
import type { LossFunction } from '../checks/base';
import { weightGradientStats } from '../model/gradients';
import type { LayerSample, LiveEvent, Values } from './events';
import { RunHistory } from './history';
import { detectDivergence, detectPlateau, detectWideningGap } from './detectors';
import * as messages from './messages';
import type { ResolvedWatchOptions } from './options';
import { allFinite, snapshotWeights, traceNonFinite, trainableWeights, updateRatios, type WeightRef, type WeightSnapshot } from './probe';
import { learningRateOf, newRunId, runInfo, totalStepsOf } from './run-info';
import { finiteOrNull } from '../measurements';

export interface Sink {
  publish(event: LiveEvent, history: RunHistory): void;
  /** Resolves when what was published is shown (the notebook's final chart). */
  flush?(): Promise<void>;
  close(): void | Promise<void>;
}

/** Log keys that are bookkeeping, not metrics. */
const NOT_METRICS = new Set(['batch', 'size']);

export interface StepResult {
  /** True when the loop should stop (non-finite loss with stopOnNonFinite). */
  stop: boolean;
  finding?: Finding;
}

interface HeldBatch {
  x: tf.Tensor;
  y: tf.Tensor;
}

export class Monitor {
  readonly history = new RunHistory();
  /** Errors thrown by sinks, kept instead of interrupting training. */
  readonly sinkErrors: Error[] = [];
  private readonly sinks: Sink[] = [];
  private weights: WeightRef[] = [];
  private held: HeldBatch | null = null;
  private before: WeightSnapshot | null = null;
  private step = 0;
  private epoch = 0;
  private lastFiniteLoss: number | null = null;
  private lastDetection = Number.NEGATIVE_INFINITY;
  private plateauNoted = false;
  private stopped = false;
  private started = false;
  private loss: LossFunction | null | undefined;
  /** Reported once per watcher: later steps of a NaN run only repeat it. */
  private nonFiniteReported = false;
  private readonly runId = newRunId();

  constructor(
    private readonly model: tf.LayersModel,
    private readonly options: ResolvedWatchOptions,
  ) {}

  addSink(sink: Sink): void {
    this.sinks.push(sink);
  }

  /** Fit parameters from tfjs (epochs, samples, steps, batchSize); null for custom loops. */
  trainBegin(params?: Record<string, unknown>): void {
    this.weights = trainableWeights(this.model);
    this.held ??= this.holdBatch();
    const { steps, epochs } = totalStepsOf(params);
    this.stopped = false;
    this.started = true;
    this.emit({
      type: 'start',
      run: runInfo(this.model, this.weights, {
        runId: this.runId,
        totalSteps: steps,
        epochs,
        chanceOverride: this.options.chanceLoss,
        startedAt: this.options.now(),
        startStep: this.step,
      }),
    });
  }

  epochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  /**
   * Snapshot the weights the coming step starts from. Snapshots cost no copy
   * (probe.ts), so every step has one: a NaN can be traced and any step sampled.
   */
  batchBegin(): void {
    if (this.weights.length === 0) return;
    this.before?.dispose();
    this.before = snapshotWeights(this.weights);
  }

  batchEnd(batch: number, logs: Record<string, unknown> | undefined): Promise<StepResult> {
    return this.afterStep(batch, metricValues(logs), typeof logs?.loss === 'number' ? logs.loss : null, null);
  }

  epochEnd(epoch: number, logs: Record<string, unknown> | undefined): void {
    if (this.stopped) return;
    this.emit({ type: 'epoch', step: this.step, epoch, t: this.options.now(), values: metricValues(logs) });
    this.detect();
  }

  async trainEnd(): Promise<void> {
    this.before?.dispose();
    this.before = null;
    this.detect();
    this.emit({ type: 'end', step: this.step, t: this.options.now(), reason: this.stopped ? 'stopped' : 'completed' });
    await Promise.all(this.sinks.map((sink) => this.guard(() => sink.flush?.())));
  }

  /**
   * One step of a custom training loop: call after the optimizer step with the
   * step's loss and, optionally, its gradients (variable name -> gradient).
   */
  async customStep(loss: number | tf.Scalar, grads?: tf.NamedTensorMap): Promise<StepResult> {
    if (!this.started) this.trainBegin();
    const value = typeof loss === 'number' ? loss : (await loss.data())[0];
    const result = await this.afterStep(this.step, { loss: finiteOrNull(value) }, value, grads ?? null);
    // The weights now are what the next step starts from.
    this.batchBegin();
    return result;
  }

  get currentStep(): number {
    return this.step;
  }

  async close(): Promise<void> {
    this.before?.dispose();
    this.before = null;
    if (this.held) tf.dispose([this.held.x, this.held.y]);
    this.held = null;
    await Promise.all(this.sinks.splice(0).map((sink) => this.guard(() => sink.close())));
  }

  private async guard(work: () => void | Promise<void> | undefined): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.sinkErrors.push(asError(error));
    }
  }

  /**
   * The end of one step, from model.fit (logs; the loss may be absent) or from
   * a custom loop (its loss, and its gradients when given).
   */
  private async afterStep(batch: number, values: Values, loss: number | null, grads: tf.NamedTensorMap | null): Promise<StepResult> {
    if (this.stopped) return { stop: true };
    this.step += 1;
    this.emit({ type: 'batch', step: this.step, epoch: this.epoch, batch, t: this.options.now(), values });
    if (loss !== null && !Number.isFinite(loss)) return this.nonFinite(batch, loss, 'loss');
    if (await this.weightsWentNonFinite()) return this.nonFinite(batch, loss ?? Number.NaN, 'weights');
    if (loss !== null) this.lastFiniteLoss = loss;
    if (this.options.layerStats && this.weights.length > 0 && this.isSampleStep()) await this.sampleLayers(grads);
    this.detectThrottled();
    return { stop: false };
  }

  /**
   * A NaN forward pass does not always show in the loss (see messages.NonFiniteLoss),
   * but it always reaches the last layer's weights through their gradient: that
   * layer is checked every step (small), all weights at sampled steps.
   */
  private async weightsWentNonFinite(): Promise<boolean> {
    if (this.nonFiniteReported || this.weights.length === 0) return false;
    const lastLayer = this.weights[this.weights.length - 1].layer;
    const checked = this.isSampleStep() ? this.weights : this.weights.filter((w) => w.layer === lastLayer);
    return !(await allFinite(checked.map((w) => w.variable)));
  }

  private nonFinite(batch: number, loss: number, trigger: 'loss' | 'weights'): StepResult {
    const stop = this.options.stopOnNonFinite;
    if (this.nonFiniteReported && !stop) return { stop };
    this.nonFiniteReported = true;
    const source = traceNonFinite(this.model, this.weights, this.before, this.held?.x ?? null);
    const finding = messages.nonFiniteLoss({ step: this.step, epoch: this.epoch, batch, trigger, loss, lastFiniteLoss: this.lastFiniteLoss, source, stopped: stop });
    if (!this.history.hasFinding(finding.id, finding.layer)) this.emit({ type: 'finding', step: this.step, finding });
    if (stop) {
      this.model.stopTraining = true;
      this.stopped = true;
      this.emit({ type: 'note', step: this.step, kind: 'stopped', text: messages.stoppedOnNonFinite(this.step) });
    }
    return { stop, finding };
  }

  /** Steps 1, 1 + N, 1 + 2N...: the first step is sampled so the heatmap starts at once. */
  private isSampleStep(): boolean {
    return (this.step - 1) % this.options.sampleEvery === 0;
  }

  private async sampleLayers(grads: tf.NamedTensorMap | null): Promise<void> {
    const ratios = this.before ? await updateRatios(this.weights, this.before) : new Map<string, number | null>();
    const norms = grads ? await normsFromGrads(this.weights, grads) : this.held ? await this.heldGradientNorms(this.held) : null;
    const rows: LayerSample[] = [...new Set(this.weights.map((w) => w.layer))].map((layer) => ({
      layer,
      gradNorm: norms?.get(layer) ?? null,
      updateRatio: ratios.get(layer) ?? null,
    }));
    this.emit({ type: 'layers', step: this.step, rows });
  }

  private async heldGradientNorms(held: HeldBatch): Promise<Map<string, number | null>> {
    const loss = this.loss ??= compiledLoss(this.model);
    if (!loss) return new Map();
    const stats = await weightGradientStats(this.model, held.x, held.y, loss);
    return poolNorms(stats.map((s) => ({ layer: s.layer, norm: s.gradNorm })));
  }

  private detectThrottled(): void {
    if (this.options.now() - this.lastDetection < this.options.throttleMs) return;
    this.detect();
  }

  private detect(): void {
    this.lastDetection = this.options.now();
    const snapshot = this.history.snapshot();
    const loss = snapshot.batches.loss ?? [];
    const found = [detectDivergence(loss, learningRateOf(this.model)), detectWideningGap(snapshot.epochs)];
    for (const finding of found) {
      if (finding && !this.history.hasFinding(finding.id, finding.layer)) this.emit({ type: 'finding', step: this.step, finding });
    }
    if (!this.plateauNoted) {
      const plateau = detectPlateau('training loss', loss);
      if (plateau) {
        this.plateauNoted = true;
        this.emit({ type: 'note', step: this.step, kind: 'plateau', text: messages.plateau(plateau) });
      }
    }
  }

  private holdBatch(): HeldBatch | null {
    const data = this.options.data;
    if (!data) return null;
    const rows = Math.min(this.options.heldBatchSize, data.x.shape[0] ?? 0, data.y.shape[0] ?? 0);
    if (rows < 1) return null;
    return tf.tidy(() => ({ x: tf.keep(data.x.slice(0, rows)), y: tf.keep(data.y.slice(0, rows)) }));
  }

  private emit(event: LiveEvent): void {
    this.history.apply(event);
    for (const sink of this.sinks) {
      try {
        sink.publish(event, this.history);
      } catch (error) {
        this.sinkErrors.push(asError(error));
      }
    }
  }
}

/** The compiled training loss, or null (an uncompiled model in a custom loop: no gradient norms). */
function compiledLoss(model: tf.LayersModel): LossFunction | null {
  try {
    return resolveLoss(model, undefined).fn;
  } catch {
    return null;
  }
}

function metricValues(logs: Record<string, unknown> | undefined): Values {
  const values: Values = {};
  if (!logs) return values;
  for (const [key, value] of Object.entries(logs)) {
    if (NOT_METRICS.has(key) || typeof value !== 'number') continue;
    values[key] = finiteOrNull(value);
  }
  return values;
}

/** Per-layer L2 norm from per-weight norms: sqrt of the sum of squares. */
function poolNorms(rows: readonly { layer: string; norm: number | null }[]): Map<string, number | null> {
  const sums = new Map<string, number | null>();
  for (const { layer, norm } of rows) {
    const previous = sums.has(layer) ? sums.get(layer)! : 0;
    sums.set(layer, previous === null || norm === null ? null : previous + norm * norm);
  }
  return new Map([...sums].map(([layer, sum]) => [layer, sum === null ? null : Math.sqrt(sum)]));
}

async function normsFromGrads(weights: readonly WeightRef[], grads: tf.NamedTensorMap): Promise<Map<string, number | null>> {
  const present = weights.filter((w) => grads[w.variable.name] !== undefined);
  if (present.length === 0) return new Map();
  const packed = tf.tidy(() => tf.stack(present.map((w) => grads[w.variable.name].norm())));
  const norms = await packed.data();
  packed.dispose();
  return poolNorms(present.map((w, i) => ({ layer: w.layer, norm: finiteOrNull(norms[i]) })));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
