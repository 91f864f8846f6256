/**
 * Options of watch(), their defaults in one object, resolved once with `??`.
 */
import * as tf from '@tensorflow/tfjs';
import { messageOf, WATCH_ERRORS, type WatchErrorCode } from '../messages/errors';

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

  constructor(message: string, readonly code?: WatchErrorCode) {
    super(message);
  }
}

/** A WatchOptionsError from the catalogue entry `code`. */
export function watchError<K extends WatchErrorCode>(code: K, ...args: Parameters<(typeof WATCH_ERRORS)[K]>): WatchOptionsError {
  return new WatchOptionsError(messageOf(WATCH_ERRORS, code, args), code);
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved < 1) throw watchError('positiveInteger', name, value);
  return resolved;
}

function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'boolean') throw watchError('boolean', name, value);
  return resolved;
}

/** serve: true | false | { port, host }, with the port an integer 0..65535 (a string such as 'abc' would name a Unix socket). */
function serveOption(value: unknown): Required<ServeOptions> | null {
  if (value === undefined || value === false) return null;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) throw watchError('serve', value);
  const given: { port?: unknown; host?: unknown } = value === true ? {} : value;
  const port = given.port ?? WATCH_DEFAULTS.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw watchError('port', given.port);
  const host = given.host ?? WATCH_DEFAULTS.host;
  if (typeof host !== 'string' || host.trim() === '' || /[\s/]/.test(host)) throw watchError('host', given.host);
  return { port, host };
}

function isTensorPair(value: unknown): value is { x: tf.Tensor; y: tf.Tensor } {
  const pair = value as { x?: unknown; y?: unknown } | null;
  return typeof pair === 'object' && pair !== null && pair.x instanceof tf.Tensor && pair.y instanceof tf.Tensor && !pair.x.isDisposed && !pair.y.isDisposed;
}

/** Resolves and validates every option once: a wrong type is a WatchOptionsError naming the option and the fix. */
export function resolveWatchOptions(options: WatchOptions = {}): ResolvedWatchOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw watchError('optionsNotObject', options);
  const data: unknown = options.data ?? null;
  if (data !== null && !isTensorPair(data)) throw watchError('data');
  const throttleMs: unknown = options.throttleMs ?? WATCH_DEFAULTS.throttleMs;
  if (typeof throttleMs !== 'number' || !Number.isFinite(throttleMs) || throttleMs < 0) throw watchError('msAtLeastZero', 'throttleMs', options.throttleMs);
  const chanceLoss: unknown = options.chanceLoss ?? null;
  if (chanceLoss !== null && (typeof chanceLoss !== 'number' || !Number.isFinite(chanceLoss))) throw watchError('finite', 'chanceLoss', options.chanceLoss);
  const log: unknown = options.log ?? null;
  if (log !== null && (typeof log !== 'string' || log.trim() === '')) throw watchError('log', options.log);
  const display: unknown = options.display ?? WATCH_DEFAULTS.display;
  if (display !== true && display !== false && display !== 'auto') throw watchError('display', options.display);
  const now: unknown = options.now ?? Date.now;
  if (typeof now !== 'function') throw watchError('now', options.now);
  return {
    data: data as { x: tf.Tensor; y: tf.Tensor } | null,
    heldBatchSize: positiveInteger('heldBatchSize', options.heldBatchSize, WATCH_DEFAULTS.heldBatchSize),
    sampleEvery: positiveInteger('sampleEvery', options.sampleEvery, WATCH_DEFAULTS.sampleEvery),
    layerStats: booleanOption('layerStats', options.layerStats, WATCH_DEFAULTS.layerStats),
    stopOnNonFinite: booleanOption('stopOnNonFinite', options.stopOnNonFinite, WATCH_DEFAULTS.stopOnNonFinite),
    display,
    throttleMs,
    serve: serveOption(options.serve),
    log: log as string | null,
    chanceLoss: chanceLoss as number | null,
    now: now as () => number,
  };
}
