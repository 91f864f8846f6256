/**
 * Chooses the tfjs backend: tensorflow (tfjs-node) > wasm > cpu.
 *
 * The choice is made once; concurrent and later calls share it. Everything
 * that touches the outside world (requiring tfjs-node, creating the wasm
 * backend, reading the environment) comes in through `BackendDeps`, so tests
 * can stand in a tfjs-node that loads or a wasm that fails.
 */
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from './kernels';
import { silenceNodeBanner } from './quiet';
import { RUNTIME_ERRORS } from '../messages/errors';

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendRequest = BackendName | 'auto';

export interface ReadyOptions {
  /**
   * The backend to use. 'auto' takes the fastest that works (tensorflow, then
   * wasm, then cpu); a named backend is used or an error says why it cannot be.
   * Defaults to the TFJS_DOCTOR_BACKEND environment variable, else 'auto'.
   */
  backend?: BackendRequest;
}

export interface BackendDeps {
  /** Loads @tensorflow/tfjs-node, which registers the 'tensorflow' backend; throws when absent. */
  loadNodeBackend(): void;
  /** Creates a wasm backend instance; rejects with the reason when wasm cannot start. */
  createWasmBackend(): Promise<tf.KernelBackend>;
  /** The environment, for TFJS_DOCTOR_BACKEND. */
  env: Record<string, string | undefined>;
}

export interface BackendChoice {
  name: BackendName;
  /** One line: why this backend, and why not the faster ones. */
  reason: string;
}

export const ENV_VAR = 'TFJS_DOCTOR_BACKEND';

export class BackendError extends Error {
  override name = 'BackendError';
}

function message(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0];
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message).split('\n')[0];
  return String(error);
}

function isRequest(value: string): value is BackendRequest {
  return value === 'auto' || BACKEND_NAMES.some((name) => name === value);
}

function parseRequest(value: string, source: string): BackendRequest {
  const request = value.trim().toLowerCase();
  if (isRequest(request)) return request;
  throw new BackendError(RUNTIME_ERRORS.backendUnknown(source, value, BACKEND_NAMES));
}

export function resolveRequest(options: ReadyOptions | undefined, env: Record<string, string | undefined>): BackendRequest {
  if (options?.backend !== undefined) return parseRequest(String(options.backend), 'ready({ backend })');
  const fromEnv = env[ENV_VAR];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseRequest(fromEnv, `The ${ENV_VAR} environment variable`);
  return 'auto';
}

async function activateTensorflow(deps: BackendDeps): Promise<void> {
  deps.loadNodeBackend();
  if (!(await tf.setBackend('tensorflow'))) {
    throw new Error("@tensorflow/tfjs-node loaded but its 'tensorflow' backend did not start");
  }
}

async function activateWasm(deps: BackendDeps): Promise<void> {
  registerTrainingKernels();
  const engine = tf.engine();
  if (engine.registry.wasm == null) {
    // Created here rather than by tf.setBackend so that a failure is ours to
    // report in one line, instead of tfjs printing a stack into the notebook.
    engine.registry.wasm = await deps.createWasmBackend();
  }
  if (!(await tf.setBackend('wasm'))) {
    throw new Error("the 'wasm' backend did not start");
  }
}

async function activateCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) {
    throw new Error("the 'cpu' backend did not start");
  }
}

const ACTIVATE: Record<BackendName, (deps: BackendDeps) => Promise<void>> = {
  tensorflow: activateTensorflow,
  wasm: activateWasm,
  cpu: activateCpu,
};

async function choose(request: BackendRequest, deps: BackendDeps): Promise<BackendChoice> {
  if (request !== 'auto') {
    try {
      await ACTIVATE[request](deps);
    } catch (error) {
      throw new BackendError(RUNTIME_ERRORS.backendFailed(request, message(error)));
    }
    return { name: request, reason: `'${request}' as requested` };
  }
  const skipped: string[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      await ACTIVATE[name](deps);
      const reason = skipped.length === 0 ? `'${name}', the fastest` : `'${name}' because ${skipped.join('; ')}`;
      return { name, reason };
    } catch (error) {
      skipped.push(`${name} is unavailable (${message(error)})`);
    }
  }
  throw new BackendError(RUNTIME_ERRORS.noBackend(skipped));
}

export interface BackendSelector {
  ready(options?: ReadyOptions): Promise<string>;
  /** Why the current backend was chosen; undefined before the first ready(). */
  reason(): string | undefined;
}

/** A selector with its own memory of the choice; the package uses one, tests make their own. */
export function createBackendSelector(deps: BackendDeps): BackendSelector {
  let settled: { request: BackendRequest; choice: BackendChoice } | undefined;
  let pending: { request: BackendRequest; promise: Promise<BackendChoice> } | undefined;

  async function select(request: BackendRequest, previous: Promise<unknown> | undefined): Promise<BackendChoice> {
    await previous?.catch(() => undefined);
    const choice = await choose(request, deps);
    silenceNodeBanner();
    settled = { request, choice };
    return choice;
  }

  return {
    async ready(options) {
      const request = resolveRequest(options, deps.env);
      if (settled?.request === request && pending === undefined) return tf.getBackend();
      if (pending?.request === request) return (await pending.promise).name;
      const promise = select(request, pending?.promise);
      const entry = { request, promise };
      pending = entry;
      try {
        return (await promise).name;
      } finally {
        if (pending === entry) pending = undefined;
      }
    },
    reason() {
      return settled?.choice.reason;
    },
  };
}
