/**
 * Finding Jupyter, and installing it from Debian's packages when we may.
 *
 * Jupyter runs under one Python, chosen once: TFJS_DOCTOR_PYTHON, else the
 * system /usr/bin/python3 (where Debian's packages go; a pyenv or venv python3
 * earlier on PATH usually has no Jupyter), else python3 from PATH.
 */
import { existsSync } from 'node:fs';
import { run } from './run';

/** Debian packages that give /usr/bin/python3 everything notebooks need here. */
export const JUPYTER_DEBIAN_PACKAGES = [
  'jupyter-notebook',
  'jupyter-nbconvert',
  'python3-nbclient',
  'jupyter-client',
  'python3-ipykernel',
] as const;

/** Python modules we use: the server, the executor and exporter, and what `tslab install` imports. */
const REQUIRED_MODULES = ['notebook', 'nbconvert', 'nbclient', 'jupyter_client', 'IPython'] as const;

export function jupyterPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.TFJS_DOCTOR_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** The required Python modules that `python` cannot import, or 'no-python' when it does not run at all. */
export async function missingJupyterModules(python: string): Promise<string[] | 'no-python'> {
  const probe = `import importlib.util as u; print(' '.join(m for m in ${JSON.stringify(REQUIRED_MODULES)} if u.find_spec(m) is None))`;
  const result = await run(python, ['-c', probe]).catch(() => undefined);
  return result?.code === 0 ? result.stdout.trim().split(/\s+/).filter(Boolean) : 'no-python';
}

export function canInstallWithApt(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

export function missingJupyterMessage(python: string, missing: readonly string[] | 'no-python'): string {
  const what = missing === 'no-python'
    ? `${python} could not be run, so Jupyter cannot be either.`
    : `Jupyter is not available to ${python} (missing Python modules: ${missing.join(', ')}).`;
  return [
    what,
    'Run `npm start` as root to install it, or install it yourself:',
    `  sudo apt-get install -y --no-install-recommends ${JUPYTER_DEBIAN_PACKAGES.join(' ')}`,
    'or, for another Python, `pip install notebook nbconvert nbclient ipykernel` and set TFJS_DOCTOR_PYTHON to that python.',
  ].join('\n');
}

/** apt-get update + install, output shown live (it takes a while and the user should see why). */
export async function installJupyterWithApt(): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update'],
    ['install', '-y', '--no-install-recommends', ...JUPYTER_DEBIAN_PACKAGES],
  ]) {
    const result = await run('apt-get', args, { env, inherit: true });
    if (result.code !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.code}): see its output above.`);
    }
  }
}

/**
 * Environment for every Jupyter command we start: our kernelspec folder first
 * on JUPYTER_PATH (so it wins over other "tslab" kernels without touching them),
 * and the debugger's frozen-modules notice switched off (noise on stderr).
 */
export function jupyterEnv(jupyterData: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const jupyterPath = [jupyterData, base.JUPYTER_PATH].filter(Boolean).join(':');
  return { ...base, JUPYTER_PATH: jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
}
