/**
 * Executing a notebook through the real tslab kernel (nbconvert + nbclient) and
 * exporting the result to HTML, as a user's Jupyter would.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { numberExecutedCells } from './execution-counts';
import { KERNEL_NAME } from './kernel';
import { findNotebookProblems, type CellProblem, type Notebook } from './notebook-problems';
import { run, tail } from './run';

export interface ExecuteOptions {
  python: string;
  env: NodeJS.ProcessEnv;
  /** Where the executed .ipynb and its .html go (never notebooks/: the sources stay as they are). */
  outDir: string;
  /**
   * The notebooks' folder: a notebook in one of its subfolders (workshop/) is
   * written to the same subfolder of outDir, so names never collide.
   */
  sourceRoot?: string;
  /** Seconds one cell may run before the notebook fails. Defaults to 300. */
  cellTimeoutSeconds?: number;
}

export interface NotebookRun {
  executed: string;
  html: string;
  problems: CellProblem[];
  /** Set when nbconvert itself failed (kernel did not start, a cell timed out, the kernel died). */
  failure?: string;
  ms: number;
}

const DEFAULTS = { cellTimeoutSeconds: 300, kernelStartupSeconds: 120 } as const;

export async function executeNotebook(source: string, options: ExecuteOptions): Promise<NotebookRun> {
  const started = Date.now();
  const name = basename(source, '.ipynb');
  const cellTimeout = options.cellTimeoutSeconds ?? DEFAULTS.cellTimeoutSeconds;
  const outDir = outputFolder(source, options);
  mkdirSync(outDir, { recursive: true });
  const executed = join(outDir, `${name}.ipynb`);
  const html = join(outDir, `${name}.html`);
  // A failed run must not leave the previous run's files looking current.
  for (const stale of [executed, html]) rmSync(stale, { force: true });

  // --allow-errors keeps going after a failing cell so the executed notebook is
  // always written and we can point at the cell; the kernel runs in the source
  // notebook's folder, so imports resolve as they do for the user.
  const execution = await run(
    options.python,
    [
      '-m', 'nbconvert', '--to', 'notebook', '--execute', '--allow-errors',
      `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
      `--ExecutePreprocessor.timeout=${cellTimeout}`,
      `--ExecutePreprocessor.startup_timeout=${DEFAULTS.kernelStartupSeconds}`,
      '--output-dir', outDir, '--output', name, source,
    ],
    { env: options.env },
  );
  if (execution.code !== 0) {
    return { executed, html, problems: [], failure: `nbconvert --execute failed (exit ${execution.code}):\n${tail(execution.stderr)}`, ms: Date.now() - started };
  }
  const notebook = readNotebook(executed);
  const problems = findNotebookProblems(notebook);
  writeFileSync(executed, `${JSON.stringify(numberExecutedCells(notebook, problems), null, 1)}\n`);

  const exported = await run(
    options.python,
    ['-m', 'nbconvert', '--to', 'html', '--output-dir', outDir, '--output', name, executed],
    { env: options.env },
  );
  const failure = exported.code === 0 ? undefined : `nbconvert --to html failed (exit ${exported.code}):\n${tail(exported.stderr)}`;
  return { executed, html, problems, failure, ms: Date.now() - started };
}

/** outDir, or its subfolder mirroring the notebook's place under sourceRoot. */
function outputFolder(source: string, { outDir, sourceRoot }: ExecuteOptions): string {
  if (sourceRoot === undefined) return outDir;
  const folder = relative(sourceRoot, dirname(source));
  return folder === '' || folder.startsWith('..') || isAbsolute(folder) ? outDir : join(outDir, folder);
}

/**
 * The folders of notebooks/ that hold notebooks: notebooks/ itself, the
 * workshop (one notebook per checklist section) and the investigations.
 */
export const NOTEBOOK_FOLDERS = ['', 'workshop', 'investigations'] as const;

/** The .ipynb files in `dir` and in its NOTEBOOK_FOLDERS, sorted by name ('quickstart', 'workshop/01-start-simple'). */
export function discoverNotebooks(dir: string): string[] {
  return NOTEBOOK_FOLDERS.flatMap((folder) => {
    const path = join(dir, folder);
    if (!existsSync(path)) return [];
    return readdirSync(path)
      .filter((name) => name.endsWith('.ipynb'))
      .map((name) => join(path, name));
  }).sort((a, b) => notebookName(a, dir).localeCompare(notebookName(b, dir)));
}

/** A notebook's name: its path under `dir` without .ipynb, with forward slashes ('workshop/01-start-simple'). */
export function notebookName(source: string, dir: string): string {
  return relative(dir, source).split(sep).join('/').replace(/\.ipynb$/, '');
}

/** Executes notebooks `concurrency` at a time (2: one per core), results in the order given. */
export async function executeNotebooks(sources: readonly string[], options: ExecuteOptions, concurrency = 2, onDone: (source: string, run: NotebookRun) => void = () => {}): Promise<NotebookRun[]> {
  const runs: NotebookRun[] = new Array(sources.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < sources.length; i = next++) {
      runs[i] = await executeNotebook(sources[i], options);
      onDone(sources[i], runs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sources.length) }, worker));
  return runs;
}

export function readNotebook(path: string): Notebook {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('cells' in parsed) || !Array.isArray(parsed.cells)) {
    throw new Error(`${path} is not a Jupyter notebook (no cells array).`);
  }
  return parsed as Notebook;
}
