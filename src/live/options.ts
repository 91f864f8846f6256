/**
 * Options of watch(), their defaults in one object, resolved once with `??`.
 */
import * as tf from '@tensorflow/tfjs';

export interface ServeOptions {
  /** Port to listen on. Defaults to 0 (a free port chosen by the system). */
  port?: number;
  /** Interface to bind. Defaults to '127.0.0.1' (this machine only). */
  host?: string;
}

export interface WatchOptions {
  /**
   * A small batch `{ x, y }` kept for per-layer gradient norms and for tracing
   * which layer produced a NaN. Only the first `heldBatchSize` rows are used
   * (copied; your tensors are not kept). Defaults to none: update/weight
   * ratios are still measured, gradient norms are not.
   */
  data?: { x: tf.Tensor; y: tf.Tensor };
  /** Rows of `data` used per gradient sample. Defaults to 32. */
  heldBatchSize?: number;
  /** Batches between two per-layer samples (gradient norms, update ratios). Defaults to 25. */
  sampleEvery?: number;
  /** Measure per-layer statistics at all; false = losses and metrics only (cheapest). Defaults to true. */
  layerStats?: boolean;
  /** Stop training (model.stopTraining) at the first non-finite loss. Defaults to true. */
  stopOnNonFinite?: boolean;
  /** Show the live panel in the notebook: true, false, or 'auto' (when running inside tslab). Defaults to 'auto'. */
  display?: boolean | 'auto';
  /** Least time between two panel updates, in ms. Defaults to 1000. */
  throttleMs?: number;
  /** Start the live dashboard (WebSocket) and print its URL. Defaults to false. */
  serve?: boolean | ServeOptions;
  /** Append every event as a JSON line to this file, for `npx tfjs-doctor serve --log <file>`. Defaults to none. */
  log?: string;
  /** Chance-level loss drawn as a guide. Defaults to ln(C) / ln 2 inferred from the loss and output units. */
  chanceLoss?: number;
  /** Clock in ms (tests inject a fake one). Defaults to Date.now. */
  now?: () => number;
}

export interface ResolvedWatchOptions {
  data: { x: tf.Tensor; y: tf.Tensor } | null;
  heldBatchSize: number;
  sampleEvery: number;
  layerStats: boolean;
  stopOnNonFinite: boolean;
  display: boolean | 'auto';
  throttleMs: number;
  serve: Required<ServeOptions> | null;
  log: string | null;
  chanceLoss: number | null;
  now: () => number;
}

export const WATCH_DEFAULTS = {
  heldBatchSize: 32,
  sampleEvery: 25,
  layerStats: true,
  stopOnNonFinite: true,
  display: 'auto' as boolean | 'auto',
  throttleMs: 1000,
  port: 0,
  host: '127.0.0.1',
} as const;

export class WatchOptionsError extends Error {
  override name = 'WatchOptionsError';
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1) {
    throw new WatchOptionsError(`watch(): options.${name} must be a positive integer (got ${String(value)}).`);
  }
  return resolved;
}

export function resolveWatchOptions(options: WatchOptions = {}): ResolvedWatchOptions {
  if (typeof options !== 'object' || options === null) {
    throw new WatchOptionsError('watch(model, options): options must be an object such as { serve: true }.');
  }
  const data = options.data ?? null;
  if (data !== null && (!(data.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor))) {
    throw new WatchOptionsError('watch(): options.data must be { x, y } with both tensors (e.g. a slice of your training data).');
  }
  const serve = options.serve ?? false;
  const throttleMs = options.throttleMs ?? WATCH_DEFAULTS.throttleMs;
  if (!Number.isFinite(throttleMs) || throttleMs < 0) {
    throw new WatchOptionsError(`watch(): options.throttleMs must be a number of ms >= 0 (got ${String(options.throttleMs)}).`);
  }
  if (options.chanceLoss !== undefined && !Number.isFinite(options.chanceLoss)) {
    throw new WatchOptionsError(`watch(): options.chanceLoss must be a finite number (got ${String(options.chanceLoss)}).`);
  }
  return {
    data,
    heldBatchSize: positiveInteger('heldBatchSize', options.heldBatchSize, WATCH_DEFAULTS.heldBatchSize),
    sampleEvery: positiveInteger('sampleEvery', options.sampleEvery, WATCH_DEFAULTS.sampleEvery),
    layerStats: options.layerStats ?? WATCH_DEFAULTS.layerStats,
    stopOnNonFinite: options.stopOnNonFinite ?? WATCH_DEFAULTS.stopOnNonFinite,
    display: options.display ?? WATCH_DEFAULTS.display,
    throttleMs,
    serve:
      serve === false
        ? null
        : {
            port: (serve === true ? undefined : serve.port) ?? WATCH_DEFAULTS.port,
            host: (serve === true ? undefined : serve.host) ?? WATCH_DEFAULTS.host,
          },
    log: options.log ?? null,
    chanceLoss: options.chanceLoss ?? null,
    now: options.now ?? Date.now,
  };
}
