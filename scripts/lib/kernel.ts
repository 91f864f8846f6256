/**
 * The tslab kernelspec, registered in the checkout's own Jupyter data folder
 * (.tfjs-doctor/jupyter/share/jupyter) and pointing at this checkout's tslab.
 * The user's kernel registry is never written: Jupyter sees our kernel because
 * jupyterEnv() puts that folder first on JUPYTER_PATH.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, tail } from './run';

export const KERNEL_NAME = 'tslab';

export function kernelSpecFile(jupyterData: string): string {
  return join(jupyterData, 'kernels', KERNEL_NAME, 'kernel.json');
}

/** True when the kernelspec exists and starts the given tslab binary. */
export function kernelSpecIsCurrent(jupyterData: string, tslabBinary: string): boolean {
  const file = kernelSpecFile(jupyterData);
  if (!existsSync(file)) return false;
  try {
    const spec: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return (
      typeof spec === 'object' && spec !== null && 'argv' in spec &&
      Array.isArray(spec.argv) && spec.argv[0] === tslabBinary
    );
  } catch {
    return false;
  }
}

/** `tslab install` into our prefix (it also adds the jslab kernel beside it). */
export async function installKernelSpec(jupyterData: string, tslabBinary: string, python: string): Promise<void> {
  if (!existsSync(tslabBinary)) {
    throw new Error(`tslab is not installed (${tslabBinary} is missing): run \`npm ci\` in the checkout first.`);
  }
  // jupyterData is <prefix>/share/jupyter; tslab wants <prefix>.
  const prefix = dirname(dirname(jupyterData));
  const result = await run(tslabBinary, ['install', `--python=${python}`, `--binary=${tslabBinary}`, `--prefix=${prefix}`]);
  if (result.code !== 0 || !kernelSpecIsCurrent(jupyterData, tslabBinary)) {
    throw new Error(`Registering the tslab kernel failed (exit ${result.code}):\n${tail(result.stderr + result.stdout)}`);
  }
}
