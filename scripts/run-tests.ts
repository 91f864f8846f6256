/**
 * `npm test` after the build (scripts/test.mjs): ONE `node --test` run over
 * the compiled tests, so node's runner prints the single closing summary CI
 * reads. Node 20 runs the files in name order whatever order they are given
 * in, so no test may depend on another file having run first (tests that need
 * an executed notebook ask test/helpers/notebook.ts, which runs it once per
 * npm test). Compiled tests whose .ts source is gone (stale files in dist/)
 * are left out.
 *
 * Before the run, once: Chromium for the browser tests (apt-get as root when
 * missing, else a message saying what to install) and the notebook tooling
 * (JupyterLab venv, tslab kernel), so that test files running side by side
 * never install the same thing at once. Two test files run at a time (one per
 * core): the notebook executions, the slowest part, overlap.
 *
 *   npm test                      all tests
 *   npm test -- charts render     only test files whose name contains a word
 *   npm test -- --test-name-pattern=flags   flags go to node --test
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, canInstallWithApt } from './lib/apt';
import { repoPaths, TEST_RUN_ENV } from './lib/paths';
import { stopChildrenOnSignals, track } from './lib/process-tree';
import { createProgress } from './lib/progress';
import { prepareNotebookTooling } from './lib/tooling';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_PACKAGES = ['chromium', 'fonts-dejavu-core'];
/** Test files run at a time: one per core of the 2-core machines this runs on. */
export const TEST_CONCURRENCY = 2;

export function selectTestFiles(compiled: readonly string[], hasSource: (file: string) => boolean, words: readonly string[]): string[] {
  return compiled
    .filter((file) => file.endsWith('.test.js') && hasSource(file))
    .filter((file) => words.length === 0 || words.some((word) => file.includes(word)))
    .sort();
}

/** What the selected compiled tests need set up first, read from what they import. */
export function testNeeds(sources: readonly string[]): { chromium: boolean; notebooks: boolean } {
  return {
    chromium: sources.some((source) => /playwright-core|render-browser|helpers\/browser/.test(source)),
    notebooks: sources.some((source) => /helpers\/notebook|lib\/tooling|helpers\/jupyterlab/.test(source)),
  };
}

/** What to do when Chromium is missing and we may not install it. */
export function missingChromiumMessage(path: string = CHROMIUM): string {
  return (
    `the browser tests need Chromium at ${path}, and it is not installed.\n` +
    `Install it (Debian/Ubuntu): sudo apt-get install -y --no-install-recommends ${CHROMIUM_PACKAGES.join(' ')}\n` +
    'or run npm test as root, which installs it.'
  );
}

async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  if (!canInstallWithApt()) throw new Error(missingChromiumMessage());
  console.log(`npm test: Chromium is missing: apt-get install ${CHROMIUM_PACKAGES.join(' ')}`);
  await aptInstall(CHROMIUM_PACKAGES);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed ${CHROMIUM_PACKAGES.join(' ')} but ${CHROMIUM} is still missing.`);
}

export async function main(argv: readonly string[]): Promise<void> {
  stopChildrenOnSignals();
  const paths = repoPaths();
  const flags = argv.filter((arg) => arg.startsWith('-'));
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const compiled = existsSync(paths.distTests) ? readdirSync(paths.distTests) : [];
  const files = selectTestFiles(compiled, (file) => existsSync(join(paths.root, 'test', file.replace(/\.js$/, '.ts'))), words);
  if (files.length === 0) {
    console.error(`npm test: no compiled tests in ${paths.distTests}${words.length ? ` matching ${words.join(', ')}` : ''}.`);
    process.exitCode = 1;
    return;
  }
  const needs = testNeeds(files.map((file) => readFileSync(join(paths.distTests, file), 'utf8')));
  try {
    if (needs.chromium) await ensureChromium();
    if (needs.notebooks) await prepareNotebookTooling(paths, createProgress(3, 1, (line) => console.log(`npm test: ${line}`)));
  } catch (error) {
    console.error(`npm test: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  const env = { ...process.env, [TEST_RUN_ENV]: `${Date.now()}-${process.pid}` };
  const concurrency = flags.some((flag) => flag.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${TEST_CONCURRENCY}`];
  const child = track(spawn(process.execPath, ['--test', ...concurrency, ...flags, ...files.map((file) => join(paths.distTests, file))], {
    cwd: paths.root,
    env,
    stdio: 'inherit',
  }));
  await new Promise<void>((resolve) => child.on('close', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
    resolve();
  }));
}
