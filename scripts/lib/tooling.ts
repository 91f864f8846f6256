/**
 * Everything a notebook needs before it can run here: Jupyter for our Python,
 * the tslab kernelspec for this checkout, and the tfjs-doctor package link.
 * Shared by `npm start` (which may install Jupyter) and the notebook tests
 * (which must fail with a clear message instead).
 */
import { canInstallWithApt, installJupyterWithApt, jupyterEnv, jupyterPython, missingJupyterMessage, missingJupyterModules, JUPYTER_DEBIAN_PACKAGES } from './jupyter';
import { installKernelSpec, kernelSpecIsCurrent } from './kernel';
import { ensurePackageLink } from './package-link';
import type { RepoPaths } from './paths';
import { silentProgress, type Progress } from './progress';

export interface NotebookTooling {
  python: string;
  /** Environment for Jupyter commands: finds our kernelspec. */
  env: NodeJS.ProcessEnv;
}

export interface ToolingOptions {
  /** Install Jupyter with apt-get when it is missing and we are root. Defaults to false. */
  installMissing?: boolean;
  progress?: Progress;
}

/** Checks and sets up the three prerequisites; throws an Error saying what to do when one cannot be met. */
export async function prepareNotebookTooling(paths: RepoPaths, options: ToolingOptions = {}): Promise<NotebookTooling> {
  const progress = options.progress ?? silentProgress;
  const python = jupyterPython();

  progress.step('Jupyter');
  const missing = await missingJupyterModules(python);
  if (missing !== 'no-python' && missing.length === 0) {
    progress.ok(`found for ${python}`);
  } else if ((options.installMissing ?? false) && canInstallWithApt()) {
    progress.note(`missing for ${python}: apt-get install ${JUPYTER_DEBIAN_PACKAGES.join(' ')}`);
    await installJupyterWithApt();
    const stillMissing = await missingJupyterModules(python);
    if (stillMissing === 'no-python' || stillMissing.length > 0) {
      throw new Error(`apt-get installed Jupyter for the system Python, but ${python} still cannot use it.\n${missingJupyterMessage(python, stillMissing)}`);
    }
    progress.ok('installed');
  } else {
    throw new Error(missingJupyterMessage(python, missing));
  }

  progress.step('tslab kernel');
  if (kernelSpecIsCurrent(paths.jupyterData, paths.tslabBinary)) {
    progress.ok(`registered in ${paths.jupyterData}`);
  } else {
    await installKernelSpec(paths.jupyterData, paths.tslabBinary, python);
    progress.ok(`registered in ${paths.jupyterData} (your other kernels are untouched)`);
  }

  progress.step("import 'tfjs-doctor' in notebooks");
  const link = ensurePackageLink(paths.packageLink, paths.root);
  progress.ok(`${link}: node_modules/tfjs-doctor -> checkout`);

  return { python, env: jupyterEnv(paths.jupyterData) };
}
