#!/usr/bin/env node
/**
 * `npm test`: build (only what changed), then scripts/run-tests.ts from
 * dist/. One node process from npm down, so npm's stop signals reach it (an
 * `a && b` script line would put a shell in between that dies alone and
 * leaves the test run behind).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildDist } from './build.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const build = await buildDist(root);
if (!build.ok) {
  console.error(`${build.output}\nnpm test: the TypeScript build failed: fix the errors above.`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(join(root, 'dist', 'scripts', 'run-tests.js')).href);
await main(process.argv.slice(2));
