#!/usr/bin/env node
/**
 * `npm start`: set up what is missing, then open the notebooks.
 *
 *   1. npm packages   (npm ci when node_modules is missing; checks Node 20+)
 *   2. build          (tsc --build: only when a source changed)
 *   3. JupyterLab     (pip into .tfjs-doctor/venv from PyPI, pinned versions)
 *   4. tslab kernel   (patched, registered in that venv only)
 *   5. package link   (notebooks import 'tfjs-doctor' like a user's would)
 *   6. JupyterLab on notebooks/, or --headless: execute the notebooks into artifacts/
 *
 * Plain JavaScript on purpose: steps 1-2 run before TypeScript exists. Steps
 * 3-6 live in scripts/start.ts, loaded from dist/ once it is built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildDist } from './build.mjs';

const USAGE = `Usage: npm start [-- options] [notebook]

Sets up what is missing (npm packages, build, JupyterLab 4 and Notebook 7 in
.tfjs-doctor/venv, the tslab kernel), then starts JupyterLab on notebooks/
and prints its URL and token.

Options:
  --headless       execute the notebooks (default: all of notebooks/,
                   notebooks/workshop/ and notebooks/investigations/, two at
                   a time) and write executed copies and HTML to
                   artifacts/notebooks/ (same subfolders) instead of
                   starting JupyterLab
  --setup-only     set everything up, start nothing
  --port <n>       port for JupyterLab (default 8888; the next free one if taken)
  --ip <address>   address JupyterLab listens on (default 127.0.0.1)
  --no-browser     do not open a browser
  -h, --help       show this help
`;

const TOTAL_STEPS = 6;
const root = dirname(dirname(fileURLToPath(import.meta.url)));

function parseCommandLine(argv) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        headless: { type: 'boolean', default: false },
        'setup-only': { type: 'boolean', default: false },
        port: { type: 'string', default: '8888' },
        ip: { type: 'string', default: '127.0.0.1' },
        'no-browser': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`--port must be a port number (1-65535), got "${values.port}"`);
    }
    if (positionals.length > 1) throw new Error(`give at most one notebook, got ${positionals.join(' ')}`);
    return { ...values, port, notebook: positionals[0] };
  } catch (error) {
    console.error(`npm start: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

function step(n, title) {
  console.log(`[${n}/${TOTAL_STEPS}] ${title}`);
}

function runOrExit(command, args, failure) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\nnpm start: ${failure}`);
    process.exit(result.status || 1);
  }
}

const MIN_NODE_MAJOR = 20;

function ensureNpmPackages() {
  step(1, 'npm packages');
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    console.error(`npm start: tfjs-doctor needs Node ${MIN_NODE_MAJOR} or newer; this is Node ${process.versions.node}.`);
    process.exit(1);
  }
  const installed = ['.package-lock.json', 'typescript', 'tslab', '@tensorflow/tfjs'].every((entry) =>
    existsSync(join(root, 'node_modules', entry)),
  );
  if (installed) return console.log('      ok: node_modules present');
  const useLock = existsSync(join(root, 'package-lock.json'));
  const args = [useLock ? 'ci' : 'install', '--no-audit', '--no-fund'];
  console.log(`      node_modules missing: npm ${args.join(' ')}`);
  runOrExit('npm', args, `npm ${args[0]} failed: see the npm output above (the npm registry must be reachable).`);
  console.log('      ok: installed');
}

async function build() {
  step(2, 'build (tsc --build)');
  const result = await buildDist(root);
  if (!result.ok) {
    console.error(`${result.output}\nnpm start: the TypeScript build failed: fix the errors above, then run npm start again.`);
    process.exit(1);
  }
  console.log(result.built ? `      ok: dist/ built in ${result.seconds.toFixed(1)} s` : '      ok: dist/ up to date (no source changed)');
}

const options = parseCommandLine(process.argv.slice(2));
if (options.help) {
  console.log(USAGE);
} else {
  ensureNpmPackages();
  await build();
  const { main } = await import(pathToFileURL(join(root, 'dist', 'scripts', 'start.js')).href);
  process.exitCode = await main({ ...options, firstStep: 3, totalSteps: TOTAL_STEPS });
}
