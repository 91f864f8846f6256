/**
 * scripts/patches/tslab+1.0.22.patch and its applier scripts/patch-tslab.mjs:
 * tslab rewrites a previous cell's `x` as `exports.x`, but left the shorthand
 * property `{ x }` alone, so `diagnose(model, { x, y })` threw
 * "ReferenceError: x is not defined" when x and y came from an earlier cell.
 * The README's quick start runs verbatim in the real kernel to prove it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { executeNotebook, readNotebook } from '../scripts/lib/notebook';
import { repoPaths } from '../scripts/lib/paths';
import { prepareNotebookTooling } from '../scripts/lib/tooling';
import { notebookFailure } from './helpers/notebook';

const paths = repoPaths();
const TSLAB = join(paths.root, 'node_modules', 'tslab');
const PATCH = join(paths.patches, 'tslab+1.0.22.patch');

interface Hunk {
  header: string;
  oldLines: string[];
  newLines: string[];
}
interface PatchModule {
  parsePatch(text: string): { path: string; hunks: Hunk[] }[];
  applyHunks(text: string, hunks: Hunk[], name: string): string;
  patchTslab(options: { tslabDir: string; patchDir: string; check?: boolean }): string[];
}
interface Converter {
  convert(prevDecl: string, src: string): { output?: string; declOutput?: string; diagnostics: { messageText: string }[] };
  close(): void;
}

const loadApplier = async (): Promise<PatchModule> => import(pathToFileURL(join(paths.root, 'scripts', 'patch-tslab.mjs')).href);

/** A fake node_modules/tslab in a temp folder: package.json with `version`, dist/converter.js with `converter`. */
function withFakeTslab<T>(version: string, converter: string, use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-doctor-tslab-'));
  try {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tslab', version }));
    writeFileSync(join(dir, 'dist', 'converter.js'), converter);
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('scripts/patch-tslab.mjs', () => {
  it('patchTslab() applies the patch to tslab 1.0.22 as published, then finds it applied', async () => {
    const { parsePatch, applyHunks, patchTslab } = await loadApplier();
    const [file] = parsePatch(readFileSync(PATCH, 'utf8'));
    assert.equal(file.path, 'dist/converter.js');
    const patched = readFileSync(join(TSLAB, 'dist', 'converter.js'), 'utf8');
    const reversed = file.hunks.map((h) => ({ ...h, oldLines: h.newLines, newLines: h.oldLines }));
    const published = applyHunks(patched, reversed, 'reverse');
    assert.doesNotMatch(published, /wrapPrevShorthand/);
    withFakeTslab('1.0.22', published, (dir) => {
      assert.throws(() => patchTslab({ tslabDir: dir, patchDir: paths.patches, check: true }), /tslab\+1\.0\.22\.patch is not applied/);
      assert.deepEqual(patchTslab({ tslabDir: dir, patchDir: paths.patches }), ['tslab 1.0.22 dist/converter.js: applied tslab+1.0.22.patch']);
      assert.equal(readFileSync(join(dir, 'dist', 'converter.js'), 'utf8'), patched);
      assert.deepEqual(patchTslab({ tslabDir: dir, patchDir: paths.patches }), ['tslab 1.0.22 dist/converter.js: already applied']);
    });
  });

  it('patchTslab() refuses another tslab version, naming both versions', async () => {
    const { patchTslab } = await loadApplier();
    withFakeTslab('1.0.23', 'anything', (dir) => {
      assert.throws(() => patchTslab({ tslabDir: dir, patchDir: paths.patches }), /tslab 1\.0\.23 is installed, but the patches in .* are for 1\.0\.22\.\nPin tslab/);
    });
  });

  it('patchTslab() refuses a converter.js whose text differs, naming the hunk, and leaves it unchanged', async () => {
    const { patchTslab } = await loadApplier();
    withFakeTslab('1.0.22', '// edited by hand\n', (dir) => {
      assert.throws(() => patchTslab({ tslabDir: dir, patchDir: paths.patches }), /dist\/converter\.js: the text of hunk @@ -\d+,\d+ \+\d+,\d+ @@ is not there\.\nnode_modules\/tslab was changed by hand/);
      assert.equal(readFileSync(join(dir, 'dist', 'converter.js'), 'utf8'), '// edited by hand\n');
    });
  });

  it('the installed tslab is patched (npm prepare, npm start and npm test apply it)', async () => {
    const { patchTslab } = await loadApplier();
    assert.deepEqual(patchTslab({ tslabDir: TSLAB, patchDir: paths.patches, check: true }), ['tslab 1.0.22 dist/converter.js: already applied']);
  });
});

describe("tslab's cell rewriting, patched", () => {
  it('convert(prev, "{ x }") reads a previous cell\'s x as exports.x, and leaves same-cell shorthands alone', { timeout: 120_000 }, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createConverter } = require(join(TSLAB, 'dist', 'converter')) as { createConverter(): Converter };
    const converter = createConverter();
    try {
      const first = converter.convert('', 'const x = 1;\nlet y = 2;');
      assert.deepEqual(first.diagnostics, []);
      const second = converter.convert(first.declOutput ?? '', 'const z = 3;\nconst o = { x, y, z };\n({ y = 4 } = { y: undefined });');
      assert.deepEqual(second.diagnostics, []);
      assert.match(second.output ?? '', /const o = \{ x: exports\.x, y: exports\.y, z \};/);
      assert.match(second.output ?? '', /\(\{ y: exports\.y = 4 \} = \{ y: undefined \}\);/);
    } finally {
      converter.close();
    }
  });

  it("the README's quick start runs verbatim in tslab: diagnose(model, { x, y }) with x and y from the cell before", { timeout: 10 * 60_000 }, async () => {
    const source = join(paths.root, 'test', 'fixtures', 'readme-example.ipynb');
    const readme = readFileSync(join(paths.root, 'README.md'), 'utf8');
    const call = 'const report = await diagnose(model, { x, y }, { validation: { x: xv, y: yv } });';
    assert.ok(readme.includes(call), 'the README still shows the call this test runs');
    const cells = readNotebook(source).cells.map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
    assert.equal(cells.findIndex((text) => text === call), cells.findIndex((text) => /const x = /.test(text)) + 1, 'the call is alone in the cell after the one defining x and y');

    const tooling = await prepareNotebookTooling(paths);
    const run = await executeNotebook(source, { ...tooling, outDir: join(paths.root, 'artifacts', 'readme-example'), cellTimeoutSeconds: 300 });
    assert.equal(notebookFailure(source, run), undefined, notebookFailure(source, run));
    const printed = readNotebook(run.executed).cells.flatMap((cell) => cell.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '')).join('');
    assert.match(printed, /samples diagnosed: 1200 \+ 300/);
    assert.match(printed, /findings: /);
  });
});
