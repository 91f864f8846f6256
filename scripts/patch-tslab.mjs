#!/usr/bin/env node
/**
 * Applies scripts/patches/tslab+<version>.patch to node_modules/tslab: small
 * fixes to tslab's cell rewriting, each explained at the top of its patch.
 * Runs as npm's `prepare` step (after npm ci / npm install in the checkout)
 * and again before npm start and npm test, so it is idempotent:
 *
 *   applied now      exit 0, "applied"
 *   already applied  exit 0, "already applied"
 *   no tslab         exit 0 (a production install without devDependencies)
 *   another tslab    exit 1, naming the installed and the patched version
 *   text differs     exit 1, naming the file and the hunk that does not match
 *
 * Plain JavaScript: it runs before anything is built. `--check` reports
 * without writing (exit 1 when the patch is not applied). A path argument
 * patches another tslab (your own project's node_modules/tslab).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Parses a unified diff into files and hunks of old and new lines. */
export function parsePatch(text) {
  const files = [];
  let file;
  let hunk;
  for (const line of text.split('\n')) {
    if (line.startsWith('--- ')) continue;
    if (line.startsWith('+++ ')) {
      file = { path: line.slice(4).replace(/^b\//, '').trim(), hunks: [] };
      files.push(file);
      hunk = undefined;
    } else if (file && line.startsWith('@@')) {
      hunk = { header: line, oldLines: [], newLines: [] };
      file.hunks.push(hunk);
    } else if (hunk && (line.startsWith(' ') || line === '')) {
      hunk.oldLines.push(line.slice(1));
      hunk.newLines.push(line.slice(1));
    } else if (hunk && line.startsWith('-')) {
      hunk.oldLines.push(line.slice(1));
    } else if (hunk && line.startsWith('+')) {
      hunk.newLines.push(line.slice(1));
    }
  }
  // A trailing empty line of the patch file is not a context line.
  for (const { hunks } of files) {
    const last = hunks[hunks.length - 1];
    while (last && last.oldLines.at(-1) === '' && last.newLines.at(-1) === '') {
      last.oldLines.pop();
      last.newLines.pop();
    }
  }
  return files;
}

/**
 * The patched text, 'applied' when every hunk's new text is already there, or
 * throws naming the first hunk whose old text is not found exactly once.
 */
export function applyHunks(text, hunks, name) {
  const block = (lines) => `${lines.join('\n')}\n`;
  if (hunks.every((h) => text.includes(block(h.newLines)) && !text.includes(block(h.oldLines)))) return 'applied';
  let result = text;
  for (const hunk of hunks) {
    const old = block(hunk.oldLines);
    const at = result.indexOf(old);
    if (at < 0 || result.indexOf(old, at + 1) >= 0) {
      throw new Error(`${name}: the text of hunk ${hunk.header} is ${at < 0 ? 'not there' : 'there more than once'}.`);
    }
    result = result.slice(0, at) + block(hunk.newLines) + result.slice(at + old.length);
  }
  return result;
}

/** Applies every patch in patchDir to tslabDir; returns one line per file, throws on a mismatch. */
export function patchTslab({ tslabDir, patchDir, check = false }) {
  const manifest = join(tslabDir, 'package.json');
  if (!existsSync(manifest)) return [`no tslab in ${tslabDir}: nothing to patch`];
  const installed = JSON.parse(readFileSync(manifest, 'utf8')).version;
  const patches = readdirSync(patchDir).filter((name) => /^tslab\+.+\.patch$/.test(name));
  const wanted = `tslab+${installed}.patch`;
  if (!patches.includes(wanted)) {
    throw new Error(
      `tslab ${installed} is installed, but the patches in ${patchDir} are for ${patches.map((p) => p.slice(6, -6)).join(', ')}.\n` +
        'Pin tslab to that version in package.json, or port the patch to this version (and check whether tslab fixed the bug upstream).',
    );
  }
  const lines = [];
  for (const file of parsePatch(readFileSync(join(patchDir, wanted), 'utf8'))) {
    const target = join(tslabDir, file.path);
    const text = readFileSync(target, 'utf8');
    let patched;
    try {
      patched = applyHunks(text, file.hunks, `tslab ${installed} ${file.path}`);
    } catch (error) {
      throw new Error(`${error.message}\nnode_modules/tslab was changed by hand or is not the published ${installed}: run npm ci.`);
    }
    if (patched === 'applied') {
      lines.push(`tslab ${installed} ${file.path}: already applied`);
    } else if (check) {
      throw new Error(`tslab ${installed} ${file.path}: ${wanted} is not applied (run node scripts/patch-tslab.mjs).`);
    } else {
      writeFileSync(target, patched);
      lines.push(`tslab ${installed} ${file.path}: applied ${wanted}`);
    }
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  // Another project's tslab may be named: node scripts/patch-tslab.mjs path/to/node_modules/tslab
  const named = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  try {
    if (named && !existsSync(join(resolve(process.env.INIT_CWD ?? process.cwd(), named), 'package.json'))) {
      throw new Error(`no tslab at ${named}: give the path of a node_modules/tslab folder.`);
    }
    const lines = patchTslab({
      tslabDir: named ? resolve(process.env.INIT_CWD ?? process.cwd(), named) : join(root, 'node_modules', 'tslab'),
      patchDir: join(root, 'scripts', 'patches'),
      check: process.argv.includes('--check'),
    });
    for (const line of lines) console.log(`patch-tslab: ${line}`);
  } catch (error) {
    console.error(`patch-tslab: ${error.message}`);
    process.exit(1);
  }
}
