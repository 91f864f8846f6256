/**
 * What watch() returns: a tfjs callback for model.fit / model.fitDataset that
 * forwards to the monitor, plus step() for custom training loops and close().
 * It extends tf.CustomCallback to receive the fit parameters (epochs, steps:
 * for the progress bar) and to keep tfjs's periodic yield to the event loop
 * (every 125 ms), which lets the dashboard and the panel timer run while
 * training.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../types';
import type { HistorySnapshot } from './history';
import type { Monitor, StepResult } from './monitor';

export interface WatchHandles {
  /** Resolves once every sink is up (the dashboard listening). */
  ready: Promise<void>;
  /** The dashboard URL (with its token) once listening; null when not serving. */
  url: () => string | null;
}

export class Watcher extends tf.CustomCallback {
  private readonly monitor: Monitor;
  private readonly handles: WatchHandles;

  constructor(monitor: Monitor, handles: WatchHandles) {
    super({
      onTrainBegin: async () => {
        await handles.ready;
        monitor.trainBegin(this.params);
      },
      onEpochBegin: (epoch) => monitor.epochBegin(epoch),
      onBatchBegin: () => monitor.batchBegin(),
      onBatchEnd: async (batch, logs) => {
        await monitor.batchEnd(batch, logs);
      },
      onEpochEnd: (epoch, logs) => monitor.epochEnd(epoch, logs),
      onTrainEnd: () => monitor.trainEnd(),
    });
    this.monitor = monitor;
    this.handles = handles;
  }

  /**
   * For custom training loops: call once per step, after the optimizer
   * update, with the step's loss and optionally its gradients (as returned by
   * optimizer.computeGradients / tf.variableGrads). Resolves to `{ stop: true }`
   * when the loop should stop (non-finite loss). Tensors passed in are read,
   * not disposed.
   */
  step(loss: number | tf.Scalar, grads?: tf.NamedTensorMap): Promise<StepResult> {
    return this.monitor.customStep(loss, grads);
  }

  /** Marks the end of a custom loop: final panel update, detectors run once more. */
  end(): Promise<void> {
    return this.monitor.trainEnd();
  }

  /** Resolves once the dashboard (if any) is listening. */
  get ready(): Promise<void> {
    return this.handles.ready;
  }

  /** The dashboard URL with its access token, or null. */
  get url(): string | null {
    return this.handles.url();
  }

  /** The run so far as plain JSON. */
  history(): HistorySnapshot {
    return this.monitor.history.snapshot();
  }

  /** Findings so far, in the order they appeared. */
  get findings(): Finding[] {
    return this.monitor.history.snapshot().findings.map((f) => f.finding);
  }

  /** Stops the dashboard, closes the log file and frees the held batch. */
  close(): Promise<void> {
    return this.monitor.close();
  }
}
