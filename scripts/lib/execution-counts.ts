/**
 * nbconvert's executor takes a cell's number from the kernel's execute_input
 * message, which tslab never sends, so every executed cell would export as
 * "In [ ]:", as if the notebook had not run. We number the code cells the way
 * Jupyter would, up to and including the first failing one: tslab cancels the
 * cells after a failure, and those keep their empty prompt. Numbers the kernel
 * did give are kept.
 */
import type { CellProblem, Notebook } from './notebook-problems';

export function numberExecutedCells<N extends Notebook>(notebook: N, problems: readonly CellProblem[]): N {
  const lastRun = Math.min(notebook.cells.length, ...problems.map((p) => p.cell));
  let count = 0;
  const cells = notebook.cells.map((cell, index) => {
    if (cell.cell_type !== 'code' || index >= lastRun) return cell;
    count += 1;
    return { ...cell, execution_count: cell.execution_count ?? count };
  });
  return { ...notebook, cells };
}
