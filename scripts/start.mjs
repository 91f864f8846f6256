#!/usr/bin/env node
/**
 * `npm start`: set up what is missing, then open the notebooks.
 *
 *   1. npm packages   (npm ci when node_modules is missing)
 *   2. build          (tsc)
 *   3. Jupyter        (apt-get as root when missing, else says what to install)
 *   4. tslab kernel   (registered for this checkout only)
 *   5. package link   (notebooks import 'tfjs-doctor' like a user's would)
 *   6. Jupyter server on notebooks/, or --headless: execute a notebook to HTML
 *
 * Plain JavaScript on purpose: steps 1-2 run before TypeScript exists. Steps
 * 3-6 live in scripts/start.ts, loaded from dist/ once it is built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm start [-- options] [notebook]

Sets up what is missing (npm packages, build, Jupyter, the tslab kernel),
then starts Jupyter on notebooks/ and prints its URL.

Options:
  --headless       execute the notebook (default notebooks/quickstart.ipynb)
                   and write its HTML beside it instead of starting Jupyter
  --port <n>       port for Jupyter (default 8888; the next free one if taken)
  --ip <address>   address Jupyter listens on (default 127.0.0.1)
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

function ensureNpmPackages() {
  step(1, 'npm packages');
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

function build() {
  step(2, 'build (tsc)');
  const started = Date.now();
  // The same compiler as `npm run build`: the declared typescript package by
  // path. node_modules/.bin/tsc is ambiguous (tslab's TypeScript 5.0 fork
  // ships a tsc too, and npm links whichever it hoists last); the notebook
  // tests then prove that tslab's 5.0 reads the declarations we emit.
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`${result.stdout}${result.stderr}\nnpm start: the TypeScript build failed: fix the errors above, then run npm start again.`);
    process.exit(1);
  }
  console.log(`      ok: dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const options = parseCommandLine(process.argv.slice(2));
if (options.help) {
  console.log(USAGE);
} else {
  ensureNpmPackages();
  build();
  const { main } = await import(pathToFileURL(join(root, 'dist', 'scripts', 'start.js')).href);
  process.exitCode = await main({ ...options, firstStep: 3, totalSteps: TOTAL_STEPS });
}
