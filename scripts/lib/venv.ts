/**
 * Jupyter from PyPI in the checkout's own virtual environment
 * (.tfjs-doctor/venv): JupyterLab 4, Notebook 7, nbclient and nbconvert at the
 * versions pinned in scripts/jupyter-requirements.txt. Nothing is installed
 * outside the checkout. The environment is (re)installed when it is missing
 * or the requirements file changed since it was installed.
 *
 * The venv is made with TFJS_DOCTOR_PYTHON when set, else python3 from PATH.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, canInstallWithApt } from './apt';
import { silentProgress, type Progress } from './progress';
import { run, tail } from './run';

export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Python modules we use: the servers, the executor and exporter, and what `tslab install` imports. */
const REQUIRED_MODULES = ['jupyterlab', 'notebook', 'nbconvert', 'nbclient', 'jupyter_client', 'IPython'] as const;

export interface Venv {
  dir: string;
  requirements: string;
}

export function basePython(env: NodeJS.ProcessEnv = process.env): string {
  return env.TFJS_DOCTOR_PYTHON ?? 'python3';
}

export function venvPython(venv: Venv): string {
  return join(venv.dir, 'bin', 'python');
}

/** The kernelspec prefix's data folder: Jupyter started from the venv finds kernels here. */
export function venvJupyterData(venv: Venv): string {
  return join(venv.dir, 'share', 'jupyter');
}

const stampFile = (venv: Venv) => join(venv.dir, 'tfjs-doctor-requirements.sha256');

export function requirementsHash(requirementsText: string): string {
  return createHash('sha256').update(requirementsText).digest('hex');
}

/** True when the venv exists and was installed from the current requirements file. */
export function venvIsCurrent(venv: Venv): boolean {
  if (!existsSync(venvPython(venv)) || !existsSync(stampFile(venv))) return false;
  return readFileSync(stampFile(venv), 'utf8').trim() === requirementsHash(readFileSync(venv.requirements, 'utf8'));
}

/** "3.11" from `python --version`, or a sentence saying why there is none. */
export async function pythonVersion(python: string): Promise<[number, number] | string> {
  const result = await run(python, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])']).catch((error: unknown) => String(error));
  if (typeof result === 'string') return `${python} could not be run (${result}).`;
  const [major, minor] = result.stdout.trim().split(' ').map(Number);
  return result.code === 0 && Number.isInteger(major) && Number.isInteger(minor) ? [major, minor] : `${python} failed: ${tail(result.stderr, 5)}`;
}

export function pythonIsRecentEnough([major, minor]: readonly [number, number]): boolean {
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

const NEED_PYTHON = `tfjs-doctor needs Python ${MIN_PYTHON.join('.')}+ with venv for its Jupyter (Debian: sudo apt-get install python3 python3-venv), or set TFJS_DOCTOR_PYTHON to such a python.`;

/** Makes the venv current; returns its python. Throws an Error saying what to do when it cannot. */
export async function ensureJupyterVenv(venv: Venv, progress: Progress = silentProgress): Promise<string> {
  const python = venvPython(venv);
  if (venvIsCurrent(venv)) {
    progress.ok(`JupyterLab in ${venv.dir}`);
    return python;
  }
  const base = basePython();
  const version = await pythonVersion(base);
  if (typeof version === 'string') throw new Error(`${version}\n${NEED_PYTHON}`);
  if (!pythonIsRecentEnough(version)) throw new Error(`${base} is Python ${version.join('.')}.\n${NEED_PYTHON}`);

  if (!existsSync(python)) {
    progress.note(`creating ${venv.dir} with ${base} (Python ${version.join('.')})`);
    await createVenv(base, venv.dir);
  }
  progress.note(`pip install -r ${venv.requirements} (from PyPI, about 40 s the first time)`);
  const pip = await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-q', '-r', venv.requirements]);
  if (pip.code !== 0) {
    throw new Error(`pip could not install Jupyter into ${venv.dir} (exit ${pip.code}); PyPI must be reachable:\n${tail(pip.stderr + pip.stdout)}`);
  }
  const missing = await missingModules(python);
  if (missing.length > 0) throw new Error(`pip finished but ${python} cannot import ${missing.join(', ')}: delete ${venv.dir} and run again.`);
  writeFileSync(stampFile(venv), `${requirementsHash(readFileSync(venv.requirements, 'utf8'))}\n`);
  progress.ok(`installed JupyterLab into ${venv.dir}`);
  return python;
}

async function createVenv(base: string, dir: string): Promise<void> {
  let result = await run(base, ['-m', 'venv', dir]);
  // Debian's python3 ships venv without ensurepip (package python3-venv).
  if (result.code !== 0 && /ensurepip|python3(\.\d+)?-venv/.test(result.stdout + result.stderr) && canInstallWithApt()) {
    rmSync(dir, { recursive: true, force: true });
    await aptInstall(['python3-venv']);
    result = await run(base, ['-m', 'venv', dir]);
  }
  if (result.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${base} -m venv ${dir} failed (exit ${result.code}):\n${tail(result.stdout + result.stderr, 10)}\n${NEED_PYTHON}`);
  }
}

async function missingModules(python: string): Promise<string[]> {
  const probe = `import importlib.util as u; print(' '.join(m for m in ${JSON.stringify(REQUIRED_MODULES)} if u.find_spec(m) is None))`;
  const result = await run(python, ['-c', probe]);
  return result.code === 0 ? result.stdout.trim().split(/\s+/).filter(Boolean) : [...REQUIRED_MODULES];
}

/**
 * Environment for every Jupyter command we start: our kernelspec folder first
 * on JUPYTER_PATH (so it wins over other "tslab" kernels without touching
 * them), the venv's bin first on PATH, and the debugger's frozen-modules
 * notice switched off (noise on stderr).
 */
export function jupyterEnv(venv: Venv, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const jupyterPath = [venvJupyterData(venv), base.JUPYTER_PATH].filter(Boolean).join(':');
  const path = [join(venv.dir, 'bin'), base.PATH].filter(Boolean).join(':');
  return { ...base, JUPYTER_PATH: jupyterPath, PATH: path, VIRTUAL_ENV: venv.dir, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
}
