/**
 * Every notebook in notebooks/ runs through the real tslab kernel with no
 * error and no unexpected stderr. Executed copies and their HTML exports go to
 * artifacts/notebooks/ (see executedNotebook() for tests that load them).
 *
 * Missing Jupyter or tslab fails these tests (never skips): CI must not pass
 * without having run the notebooks. No test here calls the library in this
 * process (notebooks run in the kernel's), so there are no tensors to count.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { numberExecutedCells } from '../scripts/lib/execution-counts';
import { kernelSpecFile, kernelSpecIsCurrent } from '../scripts/lib/kernel';
import { describeProblems, EXPECTED_STDERR, findNotebookProblems, type NotebookCell } from '../scripts/lib/notebook-problems';
import { ensurePackageLink } from '../scripts/lib/package-link';
import { repoPaths } from '../scripts/lib/paths';
import { aptArgs } from '../scripts/lib/apt';
import { descendants, isRunning, stopTree } from '../scripts/lib/process-tree';
import { pythonIsRecentEnough, requirementsHash, venvIsCurrent } from '../scripts/lib/venv';
import { missingChromiumMessage, selectTestFiles, testNeeds } from '../scripts/run-tests';
import { NOTEBOOK_FOLDERS, readNotebook, type NotebookRun } from '../scripts/lib/notebook';
import { discoverNotebooks, executedNotebook, executedNotebooks, notebookFailure, notebookNames, TEST_RUN_ENV } from './helpers/notebook';

const paths = repoPaths();
// Generous: a notebook may wait for others in the two-at-a-time queue (about 15 notebooks) before its own run.
const NOTEBOOK_TIMEOUT_MS = 25 * 60_000;
/** No notebook may be larger than this, executed (the limit: a repository people clone). */
const MAX_NOTEBOOK_BYTES = 2 * 1024 * 1024;
/** Folders whose notebooks are committed with outputs cleared: the learner runs them. */
const CLEARED = /^(workshop|investigations)\//;

function codeNotebook(...cells: Pick<NotebookCell, 'source' | 'outputs'>[]) {
  return {
    cells: cells.map((cell, i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], ...cell })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-doctor-notebooks-test-'));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

  it('describeProblems(name, problems) names the cell, shows its code and error, without tslab stack frames', () => {
    const text = [
      'Error: boom',
      '    at evalmachine.<anonymous>:2:7',
      '    at Script.runInThisContext (node:vm:135:14)',
      '    at async Object.execute (/repo/node_modules/tslab/dist/executor.js:173:17)',
    ].join('\n');
    assert.equal(
      describeProblems('demo.ipynb', [{ cell: 4, kind: 'stderr', source: "throw new Error('boom');", text }]),
      "demo.ipynb: cell 4 wrote to stderr\n--- cell source ---\nthrow new Error('boom');\n--- stderr ---\nError: boom\n    at evalmachine.<anonymous>:2:7",
    );
  });

  it('expects no stderr by default', () => {
    assert.deepEqual(EXPECTED_STDERR, []);
  });
});

describe('numberExecutedCells(notebook, problems)', () => {
  const notebook = {
    cells: [
      { cell_type: 'markdown', source: '# title' },
      { cell_type: 'code', source: 'a', execution_count: null },
      { cell_type: 'code', source: 'b', execution_count: null },
      { cell_type: 'code', source: 'c', execution_count: null },
    ],
  };
  const counts = (nb: typeof notebook) => nb.cells.map((cell) => cell.execution_count);

  it('numbers every code cell in order when nothing failed', () => {
    assert.deepEqual(counts(numberExecutedCells(notebook, [])), [undefined, 1, 2, 3]);
  });

  it('leaves the cells after the first failing one unnumbered (tslab cancelled them)', () => {
    assert.deepEqual(counts(numberExecutedCells(notebook, [{ cell: 3, kind: 'stderr', source: 'b', text: 'x' }])), [undefined, 1, 2, null]);
    assert.deepEqual(counts(numberExecutedCells(notebook, [{ cell: 2, kind: 'stderr', source: 'a', text: 'x' }])), [undefined, 1, null, null]);
  });
});

describe('notebook tooling', () => {
  it('ensurePackageLink(link, target) creates a relative link, keeps it, and replaces a wrong one', () => {
    withTempDir((dir) => {
      mkdirSync(join(dir, 'node_modules'));
      const link = join(dir, 'node_modules', 'tfjs-doctor');
      assert.equal(ensurePackageLink(link, dir), 'created');
      assert.equal(readlinkSync(link), '..');
      assert.equal(ensurePackageLink(link, dir), 'present');
      rmSync(link);
      symlinkSync('/elsewhere', link);
      assert.equal(ensurePackageLink(link, dir), 'replaced');
      assert.equal(readlinkSync(link), '..');
    });
  });

  it('kernelSpecIsCurrent(dir, tslab) is true only for a kernelspec that starts that tslab', () => {
    withTempDir((dir) => {
      assert.equal(kernelSpecIsCurrent(dir, '/repo/node_modules/.bin/tslab'), false);
      mkdirSync(join(dir, 'kernels', 'tslab'), { recursive: true });
      writeFileSync(kernelSpecFile(dir), JSON.stringify({ argv: ['/other/tslab', 'kernel'] }));
      assert.equal(kernelSpecIsCurrent(dir, '/repo/node_modules/.bin/tslab'), false);
      writeFileSync(kernelSpecFile(dir), JSON.stringify({ argv: ['/repo/node_modules/.bin/tslab', 'kernel'] }));
      assert.equal(kernelSpecIsCurrent(dir, '/repo/node_modules/.bin/tslab'), true);
    });
  });

  it('aptArgs(args) makes apt-get wait for the dpkg lock instead of failing with exit 100', () => {
    assert.deepEqual(aptArgs(['install', '-y', 'chromium']), ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', 'chromium']);
  });

  it('pythonIsRecentEnough(version) wants Python 3.10 or newer', () => {
    assert.deepEqual([[3, 9], [3, 10], [3, 13], [4, 0]].map(([major, minor]) => pythonIsRecentEnough([major, minor])), [false, true, true, true]);
  });

  it('venvIsCurrent(venv) is true only when the venv was installed from the current requirements file', () => {
    withTempDir((dir) => {
      const venv = { dir: join(dir, 'venv'), requirements: join(dir, 'requirements.txt') };
      writeFileSync(venv.requirements, 'jupyterlab==4.6.6\n');
      assert.equal(venvIsCurrent(venv), false);
      mkdirSync(join(venv.dir, 'bin'), { recursive: true });
      writeFileSync(join(venv.dir, 'bin', 'python'), '');
      writeFileSync(join(venv.dir, 'tfjs-doctor-requirements.sha256'), `${requirementsHash('jupyterlab==4.6.6\n')}\n`);
      assert.equal(venvIsCurrent(venv), true);
      writeFileSync(venv.requirements, 'jupyterlab==4.6.7\n');
      assert.equal(venvIsCurrent(venv), false);
    });
  });

  it('stopTree(pid) also ends a grandchild that left the process group and ignores the signal', { timeout: 30_000 }, async () => {
    // The shell starts a child in a session of its own that ignores SIGTERM, as Jupyter's kernels are out of reach of a group signal.
    const shell = spawn('sh', ['-c', 'setsid sh -c "trap \'\' TERM; sleep 60" & sleep 60'], { detached: true, stdio: 'ignore' });
    const pid = shell.pid ?? assert.fail('sh did not start');
    for (let waited = 0; descendants(pid).length < 3 && waited < 5_000; waited += 100) await sleep(100);
    const tree = [pid, ...descendants(pid)];
    assert.ok(tree.length >= 4, `sh, its sleep, and the setsid shell with its sleep: ${tree.join(' ')}`);
    await stopTree(pid, 'SIGTERM', { group: true, graceMs: 500 });
    assert.deepEqual(tree.filter(isRunning), []);
  });

  it('testNeeds(compiled tests) asks for Chromium and the notebook tooling only when a test uses them', () => {
    assert.deepEqual(testNeeds(["require('node:assert')"]), { chromium: false, notebooks: false });
    assert.deepEqual(testNeeds(["require('./render-browser')", "require('./helpers/notebook')"]), { chromium: true, notebooks: true });
  });

  it('missingChromiumMessage() says where Chromium is expected and the apt-get line that installs it', () => {
    assert.equal(
      missingChromiumMessage('/usr/bin/chromium'),
      'the browser tests need Chromium at /usr/bin/chromium, and it is not installed.\n' +
        'Install it (Debian/Ubuntu): sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core\n' +
        'or run npm test as root, which installs it.',
    );
  });

  it('selectTestFiles(...) keeps compiled tests whose source exists, filtered by the words given', () => {
    const compiled = ['notebooks.test.js', 'render.test.js', 'charts.test.js', 'gone.test.js', 'charts.test.js.map', 'helpers'];
    const hasSource = (file: string) => file !== 'gone.test.js';
    assert.deepEqual(selectTestFiles(compiled, hasSource, []), ['charts.test.js', 'notebooks.test.js', 'render.test.js']);
    assert.deepEqual(selectTestFiles(compiled, hasSource, ['render', 'notebooks']), ['notebooks.test.js', 'render.test.js']);
  });
});

describe('npm start (scripts/start.mjs)', () => {
  const start = (...args: string[]) => spawnSync(process.execPath, [join(paths.root, 'scripts', 'start.mjs'), ...args], { encoding: 'utf8' });

  it('--help prints the usage with every option and sets nothing up', () => {
    const result = start('--help');
    assert.equal(result.status, 0);
    for (const option of ['--headless', '--setup-only', '--port', '--ip', '--no-browser', '--help']) assert.match(result.stdout, new RegExp(option));
    assert.doesNotMatch(result.stdout, /\[1\/6\]/);
  });

  it('rejects a bad --port, naming the option and what it wants', () => {
    const result = start('--port', 'eighty');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--port must be a port number \(1-65535\), got "eighty"/);
  });
});

describe('notebooks through the tslab kernel', () => {
  // The first notebook test starts every notebook, two at a time; each test waits for its own.
  // (Not in a before() hook: a run filtered to other tests would execute them all.)
  let started: Map<string, Promise<NotebookRun>> | undefined;
  const runs = () => (started ??= executedNotebooks(notebookNames(paths.notebooks)));
  const runOf = (name: string) => runs().get(name) ?? executedNotebook(name);

  it('executedNotebook(name) points at the failing cell, and reuses its result within one test run', { timeout: NOTEBOOK_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-doctor-notebooks-test-'));
    try {
      const scratch = { ...paths, notebooks: dir, executedNotebooks: join(dir, 'executed') };
      writeFileSync(join(dir, 'broken.ipynb'), JSON.stringify(codeNotebook({ source: "console.log('fine')" }, { source: "const n: number = 'text';" })));
      const env = { ...process.env, [TEST_RUN_ENV]: `scratch-${process.pid}` };
      const run = await executedNotebook('broken', { env, paths: scratch });
      assert.equal(run.failure, undefined);
      assert.deepEqual(
        run.problems.map((p) => ({ cell: p.cell, kind: p.kind, notAssignable: /not assignable to type 'number'/.test(p.text) })),
        [{ cell: 2, kind: 'stderr', notAssignable: true }],
      );
      const failure = notebookFailure(join(dir, 'broken.ipynb'), run) ?? '';
      assert.match(failure, /broken\.ipynb: cell 2 wrote to stderr\n--- cell source ---\nconst n: number = 'text';/);
      assert.deepEqual(await executedNotebook('broken', { env, paths: scratch }), run);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('executedNotebook(\'workshop/name\') runs a workshop notebook into the same subfolder of the artifacts', { timeout: NOTEBOOK_TIMEOUT_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-doctor-notebooks-test-'));
    try {
      const scratch = { ...paths, notebooks: dir, executedNotebooks: join(dir, 'executed') };
      mkdirSync(join(dir, 'workshop'));
      writeFileSync(join(dir, 'workshop', 'first.ipynb'), JSON.stringify(codeNotebook({ source: "console.log('in the workshop')" })));
      writeFileSync(join(dir, 'top.ipynb'), JSON.stringify(codeNotebook({ source: '1' })));
      mkdirSync(join(dir, 'elsewhere'));
      writeFileSync(join(dir, 'elsewhere', 'ignored.ipynb'), JSON.stringify(codeNotebook({ source: '1' })));
      assert.deepEqual(notebookNames(dir), ['top', 'workshop/first']);
      const run = await executedNotebook('workshop/first', { env: { ...process.env, [TEST_RUN_ENV]: `scratch-${process.pid}` }, paths: scratch });
      assert.equal(notebookFailure('first.ipynb', run), undefined);
      assert.equal(run.executed, join(scratch.executedNotebooks, 'workshop', 'first.ipynb'));
      assert.equal(run.html, join(scratch.executedNotebooks, 'workshop', 'first.html'));
      assert.ok(existsSync(run.html), `the HTML export ${run.html} is missing`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('executedNotebook(name) takes over a lock left by a stopped test run', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-doctor-notebooks-test-'));
    try {
      const scratch = { ...paths, notebooks: dir, executedNotebooks: join(dir, 'executed') };
      writeFileSync(join(dir, 'done.ipynb'), JSON.stringify(codeNotebook({ source: '1' })));
      const recorded = { executed: 'done.ipynb', html: 'done.html', problems: [], failure: undefined, ms: 1 };
      mkdirSync(join(scratch.executedNotebooks, 'done.lock'), { recursive: true });
      const stopped = spawnSync(process.execPath, ['-e', '']).pid;
      writeFileSync(join(scratch.executedNotebooks, 'done.lock', 'pid'), String(stopped));
      writeFileSync(join(scratch.executedNotebooks, 'done.run.json'), JSON.stringify({ ...recorded, testRun: 'run-1' }));
      const run = await executedNotebook('done', { env: { [TEST_RUN_ENV]: 'run-1' }, paths: scratch });
      assert.deepEqual(run, recorded);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notebooks/ holds the quickstart notebook', () => {
    assert.ok(discoverNotebooks(paths.notebooks).map((p) => basename(p)).includes('quickstart.ipynb'));
  });

  for (const name of notebookNames(paths.notebooks)) {
    it(`${name}.ipynb runs in tslab without errors or unexpected stderr, and stays under 2 MB executed`, { timeout: NOTEBOOK_TIMEOUT_MS }, async () => {
      const run = await runOf(name);
      const failure = notebookFailure(`${name}.ipynb`, run);
      if (failure !== undefined) assert.fail(failure);
      assert.ok(existsSync(run.html), `the HTML export ${run.html} is missing`);
      const bytes = statSync(run.executed).size;
      assert.ok(bytes < MAX_NOTEBOOK_BYTES, `${name}.ipynb is ${(bytes / 1024 / 1024).toFixed(2)} MB executed (limit 2 MB): show fewer or smaller charts`);
    });
  }

  for (const name of notebookNames(paths.notebooks).filter((n) => CLEARED.test(n))) {
    it(`${name}.ipynb is committed with its outputs cleared`, () => {
      const cells = readNotebook(join(paths.notebooks, `${name}.ipynb`)).cells;
      const withOutputs = cells
        .map((cell, index) => ({ cell, number: index + 1 }))
        .filter(({ cell }) => cell.cell_type === 'code' && ((cell.outputs ?? []).length > 0 || (cell.execution_count ?? null) !== null))
        .map(({ number }) => number);
      assert.deepEqual(withOutputs, [], `${name}.ipynb: cells ${withOutputs.join(', ')} have outputs or an execution count (clear them: Edit > Clear Outputs of All Cells, then save)`);
    });
  }

  it('nothing but notebooks (and the workshop notes) is in notebooks/ (runs and exports write to artifacts/)', async () => {
    await Promise.allSettled(started?.values() ?? []);
    // .ipynb_checkpoints/ is JupyterLab's when a person saves a notebook in `npm start`: theirs, not ours.
    const folders = NOTEBOOK_FOLDERS.filter((folder) => folder !== '' && existsSync(join(paths.notebooks, folder)));
    const others = [
      ...readdirSync(paths.notebooks).filter((name) => !name.endsWith('.ipynb') && name !== '.ipynb_checkpoints' && !folders.includes(name as (typeof folders)[number])),
      ...folders.flatMap((folder) =>
        readdirSync(join(paths.notebooks, folder))
          .filter((name) => !name.endsWith('.ipynb') && !name.endsWith('.md') && name !== '.ipynb_checkpoints')
          .map((name) => `${folder}/${name}`),
      ),
    ];
    assert.deepEqual(others, []);
  });
});
