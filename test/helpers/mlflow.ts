/**
 * A real MLflow tracking server for tests: MLflow from PyPI in a project-local
 * virtual environment (.tfjs-doctor/mlflow-venv, made on first use; CI makes it
 * ahead), a SQLite store and served artifacts in a temporary folder, on
 * 127.0.0.1 and a free port. stop() kills the whole process group (gunicorn or
 * uvicorn workers included); start() again serves the same store.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoPaths } from '../../scripts/lib/paths';

/** The MLflow release the tests are checked against (one line, shared with .ci/run). */
export const MLFLOW_REQUIREMENT = readFileSync(join(repoPaths().root, 'test', 'mlflow-requirements.txt'), 'utf8').trim();
export const MLFLOW_PYTHON_ENV = 'TFJS_DOCTOR_MLFLOW_PYTHON';

function venvPython(): string {
  return join(repoPaths().root, '.tfjs-doctor', 'mlflow-venv', 'bin', 'python');
}

function hasMlflow(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import mlflow.server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The Python that runs MLflow: $TFJS_DOCTOR_MLFLOW_PYTHON, else the project's
 * venv, created and filled from PyPI when missing (minutes, once).
 */
export function mlflowPython(): string {
  const given = process.env[MLFLOW_PYTHON_ENV];
  if (given) {
    if (!hasMlflow(given)) throw new Error(`${MLFLOW_PYTHON_ENV}=${given} cannot import mlflow; install it there (pip install ${MLFLOW_REQUIREMENT}).`);
    return given;
  }
  const python = venvPython();
  if (existsSync(python) && hasMlflow(python)) return python;
  const venv = join(python, '..', '..');
  try {
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', MLFLOW_REQUIREMENT], { stdio: 'inherit', timeout: 15 * 60_000 });
  } catch (error) {
    throw new Error(
      `Could not install ${MLFLOW_REQUIREMENT} into ${venv} (${error instanceof Error ? error.message : String(error)}). ` +
        `It needs python3 with venv and the PyPI registry; or point ${MLFLOW_PYTHON_ENV} at a Python that has mlflow.`,
    );
  }
  return python;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MlflowServer {
  url: string;
  /** Serves the same store again (after stop()). */
  start(): Promise<void>;
  /** Kills the server and its workers at once (SIGKILL): a crash, not a shutdown. */
  kill(): Promise<void>;
  /** Runs Python with MLflow's own client against this server; returns stdout. */
  python(code: string): string;
}

const STARTUP_TIMEOUT_MS = 5 * 60_000;

export async function mlflowServer(folder: string): Promise<MlflowServer> {
  const python = mlflowPython();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(join(folder, 'artifacts'), { recursive: true });
  let child: ChildProcess | null = null;

  const start = async () => {
    const log = openSync(join(folder, 'server.log'), 'a');
    child = spawn(python, [
      '-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1',
      '--backend-store-uri', `sqlite:///${join(folder, 'mlflow.db')}`, '--artifacts-destination', join(folder, 'artifacts'),
    ], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, MLFLOW_TRACKING_URI: '' } });
    const started = Date.now();
    const running = child;
    let exited = false;
    running.once('exit', () => { exited = true; });
    while (Date.now() - started < STARTUP_TIMEOUT_MS) {
      if (exited) throw new Error(`mlflow server exited while starting; see ${join(folder, 'server.log')}`);
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(300);
    }
    throw new Error(`mlflow server did not answer ${url}/health within ${STARTUP_TIMEOUT_MS / 1000} s; see ${join(folder, 'server.log')}`);
  };

  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    try {
      process.kill(-(running.pid ?? 0), 'SIGKILL');
    } catch {
      running.kill('SIGKILL');
    }
    await exited;
    child = null;
    // The port must refuse connections before the test goes on.
    while (await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) }).then(() => true, () => false)) await sleep(100);
  };

  const server: MlflowServer = {
    url, start, kill,
    python: (code) => execFileSync(python, ['-c', code], { env: { ...process.env, MLFLOW_TRACKING_URI: url }, encoding: 'utf8' }),
  };
  await start();
  return server;
}
