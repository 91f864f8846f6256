/**
 * The TypeScript build shared by `npm start` and `npm test`, before anything
 * is built (so plain JavaScript).
 *
 * The same compiler as `npm run build`: the declared typescript package by
 * path. node_modules/.bin/tsc is ambiguous (tslab's TypeScript 5.0 fork ships
 * a tsc too, and npm links whichever it hoists last); the notebook tests then
 * prove that tslab's 5.0 reads the declarations we emit. `tsc --build` skips
 * the compile when no source is newer than the last build
 * (dist/tsconfig.tsbuildinfo). A stop signal during the build stops tsc too.
 * The hand-written wasm kernels are compiled first (build-wasm.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildWasm } from './build-wasm.mjs';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Resolves { ok, built, seconds, output }: built is false when dist/ was already up to date. */
export async function buildDist(root) {
  const started = Date.now();
  const wasm = await buildWasm(root);
  if (!wasm.ok) return { ok: false, built: false, seconds: (Date.now() - started) / 1000, output: wasm.output };
  const tsc = await buildTypeScript(root, started);
  return wasm.built.length > 0 ? { ...tsc, built: true } : tsc;
}

function buildTypeScript(root, started) {
  const buildInfo = join(root, 'dist', 'tsconfig.tsbuildinfo');
  const mtime = () => (existsSync(buildInfo) ? statSync(buildInfo).mtimeMs : undefined);
  const before = mtime();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '--build', 'tsconfig.json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const stop = (signal) => {
      child.kill(signal);
      child.once('close', () => process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[signal]));
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
    child.on('close', (code) => {
      for (const signal of STOP_SIGNALS) process.off(signal, stop);
      const after = mtime();
      resolve({ ok: code === 0, built: after === undefined || after !== before, seconds: (Date.now() - started) / 1000, output });
    });
  });
}
