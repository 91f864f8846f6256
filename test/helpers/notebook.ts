/**
 * Notebooks for tests: which ones exist, their execution through the real
 * tslab kernel (once per `npm test` run, shared by every test file that needs
 * it), and one assertion message naming the failing cell, its code and error.
 *
 * A browser test that loads a notebook's HTML export does:
 *   const run = await executedNotebook('quickstart');   // run.html
 * and does not depend on test file order: within one `npm test` run
 * (scripts/run-tests.ts sets TFJS_DOCTOR_TEST_RUN) the first caller executes
 * the notebook and later callers, in any test process, reuse the result.
 * Outside `npm test` every call executes it afresh.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { discoverNotebooks as discoverNotebookFiles, executeNotebook, notebookName, type NotebookRun } from '../../scripts/lib/notebook';
import { describeProblems } from '../../scripts/lib/notebook-problems';
import { repoPaths, TEST_RUN_ENV, type RepoPaths } from '../../scripts/lib/paths';

export { TEST_RUN_ENV };
import { prepareNotebookTooling } from '../../scripts/lib/tooling';

/** The .ipynb files of notebooks/ and its workshop/ and investigations/ folders (or of `dir`), sorted by name. */
export function discoverNotebooks(dir: string = repoPaths().notebooks): string[] {
  return discoverNotebookFiles(dir);
}

/** The names of the notebooks in `dir`, as executedNotebook() takes them: 'quickstart', 'workshop/01-start-simple'. */
export function notebookNames(dir: string = repoPaths().notebooks): string[] {
  return discoverNotebookFiles(dir).map((source) => notebookName(source, dir));
}

/** Why a notebook run failed, or undefined when it ran clean. */
export function notebookFailure(source: string, run: NotebookRun): string | undefined {
  const name = basename(source);
  if (run.failure) return `${name}: ${run.failure}`;
  if (run.problems.length > 0) return `${describeProblems(name, run.problems)}\n\n(executed notebook: ${run.executed})`;
  return undefined;
}

interface RecordedRun extends NotebookRun {
  testRun: string;
}

const LOCK = { pollMs: 500, staleMs: 15 * 60_000 } as const;

/**
 * notebooks/<name>.ipynb executed into artifacts/notebooks/ (.ipynb + .html),
 * a subfolder's notebook ('workshop/01-start-simple') into the same subfolder.
 * Throws when Jupyter or the kernel cannot be set up, saying what to run.
 */
export async function executedNotebook(
  name: string,
  { env = process.env, paths = repoPaths() }: { env?: NodeJS.ProcessEnv; paths?: RepoPaths } = {},
): Promise<NotebookRun> {
  const source = join(paths.notebooks, `${name}.ipynb`);
  if (!existsSync(source)) throw new Error(`No notebook notebooks/${name}.ipynb (have: ${notebookNames(paths.notebooks).join(', ')}).`);
  const record = join(paths.executedNotebooks, `${name}.run.json`);
  mkdirSync(dirname(record), { recursive: true });
  const testRun = env[TEST_RUN_ENV];

  const lock = join(paths.executedNotebooks, `${name}.lock`);
  await acquireLock(lock);
  try {
    const previous = testRun ? readRecord(record) : undefined;
    if (previous && previous.testRun === testRun) {
      const { executed, html, problems, failure, ms } = previous;
      return { executed, html, problems, failure, ms };
    }
    const tooling = await prepareNotebookTooling(paths).catch((error: unknown) => {
      throw new Error(`Notebooks cannot run here: ${error instanceof Error ? error.message : String(error)}`);
    });
    const run = await executeNotebook(source, { ...tooling, outDir: paths.executedNotebooks, sourceRoot: paths.notebooks });
    if (testRun) writeFileSync(record, JSON.stringify({ ...run, testRun } satisfies RecordedRun, null, 1));
    return run;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readRecord(path: string): RecordedRun | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RecordedRun;
  } catch {
    return undefined;
  }
}

/**
 * mkdir is atomic: the process that creates the folder holds the lock and
 * writes its pid inside. A lock whose process is gone (a test run stopped with
 * Ctrl-C) or that is older than LOCK.staleMs is taken over.
 */
async function acquireLock(lock: string): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      if (lockIsAbandoned(lock)) rmSync(lock, { recursive: true, force: true });
      await sleep(LOCK.pollMs);
    }
  }
}

function lockIsAbandoned(lock: string): boolean {
  const held = statSync(lock, { throwIfNoEntry: false });
  if (!held) return false;
  if (Date.now() - held.mtimeMs > LOCK.staleMs) return true;
  let owner: number;
  try {
    owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // no pid yet (its owner is between mkdir and writeFile) or the lock just went away
  }
  return Number.isInteger(owner) && owner > 0 && !processIsAlive(owner);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !(error instanceof Error && 'code' in error && error.code === 'ESRCH');
  }
}

/**
 * executedNotebook() for several notebooks, `concurrency` at a time (2: one
 * per core), started at once; each promise settles when its notebook has run.
 * Rejections are also observed here, so a notebook whose test is filtered out
 * never becomes an unhandled rejection.
 */
export function executedNotebooks(names: readonly string[], concurrency = 2): Map<string, Promise<NotebookRun>> {
  const queue = [...names];
  const settle = new Map<string, { resolve(run: NotebookRun): void; reject(error: unknown): void }>();
  const runs = new Map(
    names.map((name) => [name, new Promise<NotebookRun>((resolve, reject) => settle.set(name, { resolve, reject }))] as const),
  );
  for (const run of runs.values()) run.catch(() => {});
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const done = settle.get(name);
      await executedNotebook(name).then(done?.resolve, done?.reject);
    }
  };
  for (let i = 0; i < Math.min(concurrency, names.length); i++) void worker();
  return runs;
}
