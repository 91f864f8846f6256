/**
 * Sending MIME bundles to a tslab kernel's front end.
 *
 * tslab's public `display` sends one MIME type per output, and the contract is
 * one bundle per widget. Its jupyter module keeps the current cell's writer in
 * `lastWriteDisplayData(message, update)`, which takes a whole
 * `{data, metadata, transient}` message: we use that. The kernel's copy of
 * tslab is found in require.cache (the user's project may resolve another
 * copy, whose writer is never set). If tslab changes and the writer is gone,
 * we fall back to `display.html()` of the text/html part.
 *
 * The vega runtime (see runtime.ts) travels once per kernel session: as its
 * own output just before the first chart this kernel shows. A notebook run
 * top to bottom therefore holds one copy. Re-running that one cell later
 * drops the copy from the saved file; the charts then keep their static
 * pictures there (they are never blank), and the page that is open keeps
 * the runtime it already evaluated.
 */
import { randomBytes } from 'node:crypto';
import type { MimeBundle } from './bundle';
import { escapeHTML } from './escape';
import { runtimeHTML } from './runtime';
import { RUNTIME_ERRORS } from '../messages/errors';

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type DisplayWriter = (message: DisplayMessage, update: boolean) => void;

interface PublicDisplay {
  html(html: string): void;
}

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;
const PUBLIC_MODULE = /[\\/]tslab[\\/]dist[\\/]public\.js$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function loadedModules(pattern: RegExp): unknown[] {
  return Object.entries(require.cache)
    .filter(([path, module]) => pattern.test(path) && module !== undefined)
    .map(([, module]) => module?.exports);
}

/** The writer of the cell now executing, from the kernel's tslab; undefined outside a kernel. */
function currentWriter(): DisplayWriter | undefined {
  for (const exports of loadedModules(JUPYTER_MODULE)) {
    if (isRecord(exports) && typeof exports.lastWriteDisplayData === 'function') {
      return exports.lastWriteDisplayData as DisplayWriter;
    }
  }
  return undefined;
}

function publicDisplay(): PublicDisplay | undefined {
  for (const exports of loadedModules(PUBLIC_MODULE)) {
    if (isRecord(exports) && isRecord(exports.display) && typeof exports.display.html === 'function') {
      const display = exports.display;
      return { html: (html) => (display.html as (html: string) => void)(html) };
    }
  }
  return undefined;
}

/** True inside a tslab kernel executing a cell. */
export function inNotebook(): boolean {
  return currentWriter() !== undefined || publicDisplay() !== undefined;
}

/** Whether this kernel already sent the runtime (see the module comment). */
const runtimeState = { sent: false };

/** Forgets that the runtime was sent (tests simulate a fresh kernel). */
export function resetRuntimeSent(): void {
  runtimeState.sent = false;
}

function hasChart(bundle: MimeBundle): boolean {
  return bundle['text/html']?.includes('tfjs-doctor-chart') ?? false;
}

function send(writer: DisplayWriter, data: MimeBundle, displayId: string | undefined, update: boolean): void {
  writer({ data, metadata: {}, transient: displayId === undefined ? {} : { display_id: displayId } }, update);
}

/** Sends the runtime carrier as its own output, once per kernel. */
function ensureRuntime(writer: DisplayWriter): void {
  if (runtimeState.sent) return;
  send(writer, { 'text/html': runtimeHTML('gzip-base64'), 'text/plain': '' }, undefined, false);
  runtimeState.sent = true;
}

/**
 * Shows bundles as outputs of the current cell, the runtime first when this
 * cell has none yet. Throws when not inside a tslab kernel.
 */
export function displayBundles(bundles: readonly MimeBundle[]): void {
  const writer = currentWriter();
  if (writer) {
    if (bundles.some(hasChart)) ensureRuntime(writer);
    for (const bundle of bundles) send(writer, bundle, undefined, false);
    return;
  }
  const fallback = publicDisplay();
  if (!fallback) throw new Error(RUNTIME_ERRORS.notInTslab());
  const runtime = bundles.some(hasChart) && !runtimeState.sent ? runtimeHTML('gzip-base64') : '';
  if (runtime) runtimeState.sent = true;
  fallback.html(runtime + bundles.map((bundle) => bundle['text/html'] ?? `<pre>${escapeHTML(bundle['text/plain'])}</pre>`).join(''));
}

/** One output that is replaced in place (update_display_data) on each update. */
export interface LiveDisplay {
  /** Replaces the output's content; the first call creates it. */
  update(bundle: MimeBundle): void;
  /** True once the output exists in the notebook. */
  readonly shown: boolean;
}

/**
 * A live output for watch(): created in the cell that calls this, updated in
 * place later (also from callbacks that run after the cell finished, since
 * the writer of the creating cell is kept). Outside a kernel, updates do
 * nothing.
 */
export function createLiveDisplay(): LiveDisplay {
  const writer = currentWriter();
  const displayId = `tfjs-doctor-live-${randomBytes(8).toString('hex')}`;
  let shown = false;
  return {
    get shown() {
      return shown;
    },
    update(bundle: MimeBundle) {
      if (!writer) return;
      if (hasChart(bundle)) ensureRuntime(writer);
      send(writer, bundle, displayId, shown);
      shown = true;
    },
  };
}
