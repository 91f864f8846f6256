/**
 * `npm test` after the build: ONE `node --test` run over the compiled tests,
 * so node's runner prints the single closing summary CI reads. Node 20 runs
 * the files in name order whatever order they are given in, so no test may
 * depend on another file having run first (tests that need an executed
 * notebook ask test/helpers/notebook.ts, which runs it once per npm test).
 * Compiled tests whose .ts source is gone (stale files in dist/) are left out.
 *
 *   npm test                      all tests
 *   npm test -- charts render     only test files whose name contains a word
 *   npm test -- --test-name-pattern=flags   flags go to node --test
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoPaths, TEST_RUN_ENV } from './lib/paths';

export function selectTestFiles(compiled: readonly string[], hasSource: (file: string) => boolean, words: readonly string[]): string[] {
  return compiled
    .filter((file) => file.endsWith('.test.js') && hasSource(file))
    .filter((file) => words.length === 0 || words.some((word) => file.includes(word)))
    .sort();
}

function main(argv: readonly string[]): void {
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
  const env = { ...process.env, [TEST_RUN_ENV]: `${Date.now()}-${process.pid}` };
  const child = spawn(process.execPath, ['--test', ...flags, ...files.map((file) => join(paths.distTests, file))], {
    cwd: paths.root,
    env,
    stdio: 'inherit',
  });
  child.on('close', (code, signal) => (process.exitCode = code ?? (signal ? 1 : 0)));
}

if (require.main === module) main(process.argv.slice(2));
