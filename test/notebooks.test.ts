/**
 * Every notebook in notebooks/ runs through the real tslab kernel with no
 * error and no unexpected stderr. Executed copies and their HTML exports go to
 * artifacts/notebooks/ for tests that look at them in a browser.
 *
 * Missing Jupyter or tslab fails these tests (never skips): CI must not pass
 * without having run the notebooks.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { executeNotebook } from '../scripts/lib/notebook';
import { EXPECTED_STDERR, findNotebookProblems, type Notebook } from '../scripts/lib/notebook-problems';
import { repoPaths } from '../scripts/lib/paths';
import { prepareNotebookTooling, type NotebookTooling } from '../scripts/lib/tooling';
import { discoverNotebooks, notebookFailure } from './helpers/notebook';

const paths = repoPaths();
const NOTEBOOK_TIMEOUT_MS = 10 * 60_000;

function codeNotebook(...cells: { source: string; outputs?: Notebook['cells'][number]['outputs'] }[]) {
  return {
    cells: cells.map((cell, i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], ...cell })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

describe('findNotebookProblems(notebook)', () => {
  it('reports a tslab type error on stderr with the cell number and source', () => {
    const notebook = codeNotebook(
      { source: 'console.log(1)', outputs: [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }] },
      { source: "const n: number = 'a';", outputs: [{ output_type: 'stream', name: 'stderr', text: ["1:7 - Type 'string' is not assignable to type 'number'.\n"] }] },
    );
    assert.deepEqual(findNotebookProblems(notebook), [
      { cell: 2, kind: 'stderr', source: "const n: number = 'a';", text: "1:7 - Type 'string' is not assignable to type 'number'." },
    ]);
  });

  it('reports error outputs with name, value and traceback, without terminal colours', () => {
    const notebook = codeNotebook({
      source: 'boom()',
      outputs: [{ output_type: 'error', ename: 'ReferenceError', evalue: 'boom is not defined', traceback: ['\u001b[31mat <cell>:1\u001b[0m'] }],
    });
    assert.deepEqual(findNotebookProblems(notebook), [
      { cell: 1, kind: 'error', source: 'boom()', text: 'ReferenceError: boom is not defined\nat <cell>:1' },
    ]);
  });

  it('keeps only the stderr lines that no expected pattern matches', () => {
    const notebook = codeNotebook({
      source: 'warn()',
      outputs: [{ output_type: 'stream', name: 'stderr', text: 'known notice\nsomething new\n' }],
    });
    assert.deepEqual(findNotebookProblems(notebook, [/^known notice$/]), [
      { cell: 1, kind: 'stderr', source: 'warn()', text: 'something new' },
    ]);
    assert.deepEqual(findNotebookProblems(notebook, [/^known notice$/, /^something new$/]), []);
  });

  it('expects no stderr by default', () => {
    assert.deepEqual(EXPECTED_STDERR, []);
  });
});

describe('notebooks through the tslab kernel', () => {
  let tooling: NotebookTooling | Error;
  before(async () => {
    tooling = await prepareNotebookTooling(paths).catch((error: unknown) =>
      error instanceof Error ? error : new Error(String(error)),
    );
  });

  function requireTooling(): NotebookTooling {
    if (tooling instanceof Error) assert.fail(`Notebook tooling is not ready: ${tooling.message}\nRun \`npm start\` once to set it up.`);
    return tooling;
  }

  it('executeNotebook(notebook) points at the failing cell of a notebook with a type error', { timeout: NOTEBOOK_TIMEOUT_MS }, async () => {
    const ready = requireTooling();
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-doctor-notebook-'));
    try {
      const source = join(dir, 'broken.ipynb');
      writeFileSync(source, JSON.stringify(codeNotebook({ source: "console.log('fine')" }, { source: "const n: number = 'text';" })));
      const run = await executeNotebook(source, { ...ready, outDir: dir });
      assert.equal(run.failure, undefined);
      assert.deepEqual(
        run.problems.map((p) => ({ cell: p.cell, kind: p.kind, notAssignable: /not assignable to type 'number'/.test(p.text) })),
        [{ cell: 2, kind: 'stderr', notAssignable: true }],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notebooks/ holds the quickstart notebook', () => {
    assert.ok(discoverNotebooks(paths.notebooks).map((p) => basename(p)).includes('quickstart.ipynb'));
  });

  for (const source of discoverNotebooks(paths.notebooks)) {
    it(`${basename(source)} runs in tslab without errors or unexpected stderr`, { timeout: NOTEBOOK_TIMEOUT_MS }, async () => {
      const run = await executeNotebook(source, { ...requireTooling(), outDir: paths.executedNotebooks });
      const failure = notebookFailure(source, run);
      assert.equal(failure, undefined, failure);
    });
  }
});
