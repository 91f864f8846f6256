/**
 * The notebook sink: one output replaced in place, at most once per
 * `throttleMs` (and never more often than keeps drawing the panel under
 * MAX_RENDER_SHARE of the wall time: each update draws its picture in Node),
 * with a trailing update so the last events always show. At the
 * end of the run the output gets the full static chart (final bundle), which
 * is what a saved or exported notebook keeps. Clock and scheduler are
 * injected so tests run without waiting.
 */
import type { MimeBundle } from '../render/bundle';
import type { LiveEvent } from './events';
import type { RunHistory, HistorySnapshot } from './history';
import type { Sink } from './monitor';
import { liveBundle } from './panel';

/** Largest share of the wall time live updates may spend drawing the panel. */
export const MAX_RENDER_SHARE = 0.05;

export interface PanelDisplay {
  update(bundle: MimeBundle): void;
}

export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending panel refresh must not keep a script alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface NotebookSinkOptions {
  throttleMs: number;
  now: () => number;
  scheduler: Scheduler;
  /** The bundle of the finished run (with the static chart); defaults to the live bundle. */
  finalBundle?: (snapshot: HistorySnapshot) => Promise<MimeBundle>;
}

export class NotebookSink implements Sink {
  private lastRender = Number.NEGATIVE_INFINITY;
  /** How long the last update took to build (ms, on the injected clock). */
  private renderCost = 0;
  private timer: unknown = null;
  private history: RunHistory | null = null;
  private final: Promise<void> = Promise.resolve();
  /** Updates sent so far (tests and the size budget read it). */
  updates = 0;
  readonly errors: Error[] = [];

  constructor(
    private readonly display: PanelDisplay,
    private readonly options: NotebookSinkOptions,
  ) {}

  publish(event: LiveEvent, history: RunHistory): void {
    this.history = history;
    if (event.type === 'end') {
      this.cancelTimer();
      this.render();
      this.final = this.renderFinal(history.snapshot());
      return;
    }
    const interval = Math.max(this.options.throttleMs, this.renderCost / MAX_RENDER_SHARE);
    const wait = this.lastRender + interval - this.options.now();
    if (wait <= 0) this.render();
    else if (this.timer === null) this.timer = this.options.scheduler.setTimeout(() => this.onTimer(), wait);
  }

  /** Resolves when the final bundle of the last finished run is shown. */
  flush(): Promise<void> {
    return this.final;
  }

  close(): Promise<void> {
    this.cancelTimer();
    return this.final;
  }

  private onTimer(): void {
    this.timer = null;
    this.render();
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private render(): void {
    if (!this.history) return;
    const started = this.options.now();
    this.lastRender = started;
    this.show(liveBundle(this.history.snapshot()));
    this.renderCost = this.options.now() - started;
  }

  private async renderFinal(snapshot: HistorySnapshot): Promise<void> {
    if (!this.options.finalBundle) return;
    try {
      this.show(await this.options.finalBundle(snapshot));
    } catch (error) {
      // The live bundle already shows the run; the static chart is an addition.
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private show(bundle: MimeBundle): void {
    this.updates += 1;
    this.display.update(bundle);
  }
}
