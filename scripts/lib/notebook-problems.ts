/**
 * What went wrong in an executed notebook, read from its outputs.
 *
 * tslab reports both type errors and thrown exceptions as text on the cell's
 * stderr stream (not as `error` outputs) and then cancels the cells queued
 * after it, so the first failing cell is the one with stderr. Other kernels
 * use `error` outputs; both count. stderr that a notebook legitimately prints
 * must be listed in EXPECTED_STDERR, so that new warnings never slip by.
 */

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: NotebookCell[];
}

export interface CellProblem {
  /** 1-based position among all cells, as Jupyter front ends count them. */
  cell: number;
  kind: 'error' | 'stderr';
  source: string;
  text: string;
}

/** stderr lines that are known and harmless. Keep this short and explain every entry. */
export const EXPECTED_STDERR: readonly RegExp[] = [];

export function findNotebookProblems(notebook: Notebook, expectedStderr: readonly RegExp[] = EXPECTED_STDERR): CellProblem[] {
  return notebook.cells.flatMap((cell, index) =>
    (cell.outputs ?? []).flatMap((output): CellProblem[] => {
      const problem = { cell: index + 1, source: joinText(cell.source) };
      if (output.output_type === 'error') {
        const text = [`${output.ename ?? 'Error'}: ${output.evalue ?? ''}`, ...(output.traceback ?? [])].join('\n');
        return [{ ...problem, kind: 'error', text: stripAnsi(text) }];
      }
      if (output.output_type === 'stream' && output.name === 'stderr') {
        const unexpected = joinText(output.text ?? '')
          .split('\n')
          .filter((line) => line.trim() !== '' && !expectedStderr.some((pattern) => pattern.test(line)));
        return unexpected.length > 0 ? [{ ...problem, kind: 'stderr', text: unexpected.join('\n') }] : [];
      }
      return [];
    }),
  );
}

/** One readable block per problem: where, the cell's code, and what it printed. */
export function describeProblems(notebookName: string, problems: readonly CellProblem[]): string {
  return problems
    .map((p) => {
      const what = p.kind === 'error' ? 'raised an error' : 'wrote to stderr';
      return `${notebookName}: cell ${p.cell} ${what}\n--- cell source ---\n${p.source}\n--- ${p.kind} ---\n${withoutKernelFrames(p.text)}`;
    })
    .join('\n\n');
}

/** Stack frames inside tslab or Node itself say nothing about the notebook. */
function withoutKernelFrames(text: string): string {
  const kernelFrame = /^\s+at .*(node_modules[\\/]tslab[\\/]|\(node:|at node:)/;
  return text.split('\n').filter((line) => !kernelFrame.test(line)).join('\n');
}

function joinText(text: string | string[]): string {
  return Array.isArray(text) ? text.join('') : text;
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
