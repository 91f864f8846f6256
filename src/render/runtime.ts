/**
 * The browser runtime that upgrades static charts to interactive ones: vega
 * and vega-embed from the installed packages (never a CDN, so exported
 * notebooks and HTML files work offline), plus our bootstrap
 * (widgets/embed.js). Charts are compiled to Vega in Node, so the page needs
 * neither vega-lite (~260 KB) nor a network.
 *
 * The runtime travels inside a non-executing `<script type=RUNTIME_TYPE>`
 * element (the "carrier"); the bootstrap finds the first carrier on the page,
 * evaluates it once and embeds every queued chart. See widgets/embed.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { scriptText } from './escape';
import { RUNTIME_ERRORS } from '../messages/errors';
import { packageBuildDir } from './vega';

/** MIME type of the carrier element: browsers do not execute unknown script types. */
export const RUNTIME_TYPE = 'application/x-tfjs-doctor-runtime';

/**
 * How the runtime code is stored in a carrier: 'plain' (standalone HTML files,
 * works in every browser) or 'gzip-base64' (notebook outputs: ~3x smaller,
 * decoded with DecompressionStream; without it the static picture stays).
 */
export type RuntimeEncoding = 'plain' | 'gzip-base64';

interface RuntimeSources {
  /** vega.min.js then vega-embed.min.js (its tooltip handler included). */
  code: string;
  bootstrap: string;
  versions: string;
}

let sources: RuntimeSources | undefined;
const encoded = new Map<RuntimeEncoding, string>();

function packageVersion(buildDir: string): string {
  const manifest: unknown = JSON.parse(readFileSync(join(buildDir, '..', 'package.json'), 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

/** Path of widgets/embed.js: from dist/src/render/ (compiled) or src/render/ (ts-node) up to the package root. */
function bootstrapPath(): string {
  const candidates = [join(__dirname, '..', '..', '..', 'widgets', 'embed.js'), join(__dirname, '..', '..', 'widgets', 'embed.js')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new Error(RUNTIME_ERRORS.missingFile('embed.js', candidates));
}

function loadSources(): RuntimeSources {
  if (sources) return sources;
  const vegaDir = packageBuildDir('vega');
  const embedDir = packageBuildDir('vega-embed');
  const code = [
    readFileSync(join(vegaDir, 'vega.min.js'), 'utf8'),
    readFileSync(join(embedDir, 'vega-embed.min.js'), 'utf8'),
  ].join('\n;\n');
  sources = {
    code,
    bootstrap: readFileSync(bootstrapPath(), 'utf8'),
    versions: `vega ${packageVersion(vegaDir)}; vega-embed ${packageVersion(embedDir)}`,
  };
  return sources;
}

function encodedRuntime(encoding: RuntimeEncoding): string {
  const cached = encoded.get(encoding);
  if (cached !== undefined) return cached;
  const { code } = loadSources();
  const text = encoding === 'plain' ? scriptText(code) : gzipSync(Buffer.from(code, 'utf8'), { level: 9 }).toString('base64');
  encoded.set(encoding, text);
  return text;
}

/**
 * The carrier and the bootstrap as HTML: put it once per page (standalone
 * file) or once per notebook (the first output with a chart; see tslab.ts).
 * The bootstrap decodes and evaluates it only when a chart needs it, at most
 * once per page whatever the count.
 */
export function runtimeHTML(encoding: RuntimeEncoding): string {
  const { bootstrap, versions } = loadSources();
  return (
    `<script type="${RUNTIME_TYPE}" data-encoding="${encoding}" data-versions="${versions}">${encodedRuntime(encoding)}</script>` +
    `<script>${scriptText(bootstrap)}</script>`
  );
}

/** Bytes of the runtime as it travels with a given encoding (for budgets). */
export function runtimeSize(encoding: RuntimeEncoding): number {
  return Buffer.byteLength(runtimeHTML(encoding), 'utf8');
}
