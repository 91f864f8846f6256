/**
 * tfjs-doctor's hand-written wasm modules as the build leaves them in dist:
 * each is its .wat source compiled, imports only the backend's memory and
 * owns nothing in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..');
const SOURCES = join('src', 'backend', 'wasm-module');

/** The ids of a wasm binary's sections (see the WebAssembly spec, binary format). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]);
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    at += length;
  }
  return ids;
}

async function compileWat(sourcePath: string): Promise<Uint8Array> {
  const script: unknown = await import(pathToFileURL(join(ROOT, 'scripts', 'build-wasm.mjs')).href);
  assert.ok(typeof script === 'object' && script !== null && 'compileWat' in script && typeof script.compileWat === 'function');
  const compiled: unknown = await script.compileWat(ROOT, sourcePath, readFileSync(join(ROOT, sourcePath), 'utf8'));
  assert.ok(compiled instanceof Uint8Array);
  return compiled;
}

const names = readdirSync(join(ROOT, SOURCES)).filter((f) => f.endsWith('.wat')).map((f) => f.replace(/\.wat$/, ''));

test('src/backend/wasm-module holds the kernel modules the kernels load', () => {
  for (const loaded of ['max-pool-grad', 'conv-kernels']) assert.ok(names.includes(loaded), `${loaded}.wat is missing`);
});

for (const name of names) {
  test(`the built ${name}.wasm is its .wat source compiled, imports only the memory and owns nothing in it`, async () => {
    const built = readFileSync(join(ROOT, 'dist', SOURCES, `${name}.wasm`));
    const compiled = await compileWat(join(SOURCES, `${name}.wat`));
    assert.ok(Buffer.from(compiled).equals(built), `dist holds a stale ${name}.wasm: run npm run build`);
    const module = new WebAssembly.Module(built);
    assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'env', name: 'memory', kind: 'memory' }]);
    assert.ok(WebAssembly.Module.exports(module).every((e) => e.kind === 'function'));
    // No memory of its own (5), no globals (6), no data segments (11) or data count (12).
    const ids = sectionIds(built);
    assert.ok(ids.includes(10), 'no code section: the parser is wrong');
    assert.deepEqual(ids.filter((id) => [5, 6, 11, 12].includes(id)), []);
  });
}
