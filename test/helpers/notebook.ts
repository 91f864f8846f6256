/**
 * Helpers for tests that execute notebooks: which notebooks exist, and one
 * assertion message that says which cell failed, its code, and its error.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeProblems } from '../../scripts/lib/notebook-problems';
import type { NotebookRun } from '../../scripts/lib/notebook';

/** The .ipynb files directly in `dir`, sorted by name. */
export function discoverNotebooks(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ipynb'))
    .sort()
    .map((name) => join(dir, name));
}

/** Why a notebook run failed, or undefined when it ran clean. */
export function notebookFailure(source: string, run: NotebookRun): string | undefined {
  const name = basename(source);
  if (run.failure) return `${name}: ${run.failure}`;
  if (run.problems.length > 0) return `${describeProblems(name, run.problems)}\n\n(executed notebook: ${run.executed})`;
  return undefined;
}
