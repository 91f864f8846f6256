/**
 * Everything a notebook needs before it can run here: JupyterLab in the
 * project's venv, the patched tslab kernel registered in that venv, and the
 * tfjs-doctor package link. Shared by `npm start` and `npm test` (which set it
 * up once before the tests start, see scripts/run-tests.ts).
 */
import { join } from 'node:path';
import { installKernelSpec, kernelSpecIsCurrent } from './kernel';
import { ensurePackageLink } from './package-link';
import type { RepoPaths } from './paths';
import { silentProgress, type Progress } from './progress';
import { run, tail } from './run';
import { ensureJupyterVenv, jupyterEnv } from './venv';

export interface NotebookTooling {
  /** The venv's python: runs jupyter lab, nbconvert, nbclient. */
  python: string;
  /** Environment for Jupyter commands: finds our kernelspec. */
  env: NodeJS.ProcessEnv;
}

/** Sets up the three prerequisites; throws an Error saying what to do when one cannot be met. */
export async function prepareNotebookTooling(paths: RepoPaths, progress: Progress = silentProgress): Promise<NotebookTooling> {
  progress.step('JupyterLab (Python venv)');
  const python = await ensureJupyterVenv(paths.venv, progress);

  progress.step('tslab kernel');
  const patch = await run(process.execPath, [join(paths.root, 'scripts', 'patch-tslab.mjs')], { cwd: paths.root });
  if (patch.code !== 0) throw new Error(`Patching tslab failed:\n${tail(patch.stderr + patch.stdout)}`);
  for (const line of patch.stdout.trim().split('\n')) progress.note(line.replace(/^patch-tslab: /, ''));
  if (!kernelSpecIsCurrent(paths.jupyterData, paths.tslabBinary)) await installKernelSpec(paths.jupyterData, paths.tslabBinary, python);
  progress.ok(`registered in ${paths.jupyterData} (your other kernels are untouched)`);

  progress.step("import 'tfjs-doctor' in notebooks");
  const link = ensurePackageLink(paths.packageLink, paths.root);
  progress.ok(`${link}: node_modules/tfjs-doctor -> checkout`);

  return { python, env: jupyterEnv(paths.venv) };
}
