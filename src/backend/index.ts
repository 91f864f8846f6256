/**
 * Picks and prepares the tfjs backend.
 *
 * Importing this module registers the wasm backend (ranked below cpu, so tfjs's
 * default stays as it was until ready() is called), the training kernels it
 * lacks (Conv2DBackpropFilter, depthwise backprops, UnsortedSegmentSum) and
 * corrections for wasm kernels that compute wrong numbers (MaxPoolGrad,
 * 'same'-padded convolutions, float OneHot) or crawl (Conv2DBackpropInput); see
 * kernels/index.ts. So CNNs and embeddings train on wasm, correctly, even when
 * the user calls tf.setBackend('wasm') without ready(). It prints nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { registerTrainingKernels } from './kernels';
import { createBackendSelector, type BackendDeps, type ReadyOptions } from './select';
import { loadWasmBackend, WASM } from './wasm';

export type { BackendName, BackendRequest, ReadyOptions } from './select';
export { BackendError, ENV_VAR } from './select';
export { registerTrainingKernels } from './kernels';

const NODE_BACKEND_PACKAGE = '@tensorflow/tfjs-node';

/** True when `error` says `name` itself is absent (not one of its own dependencies). */
function isMissing(error: unknown, name: string): boolean {
  return error instanceof Error && 'code' in error && error.code === 'MODULE_NOT_FOUND' && error.message.includes(`'${name}'`);
}

const defaultBackendDeps: BackendDeps = {
  loadNodeBackend() {
    // An optional peer: never a dependency, loaded only when installed.
    try {
      require(NODE_BACKEND_PACKAGE);
    } catch (error) {
      if (isMissing(error, NODE_BACKEND_PACKAGE)) throw new Error(`${NODE_BACKEND_PACKAGE} is not installed`);
      throw error;
    }
  },
  async createWasmBackend() {
    const factory = tf.engine().findBackendFactory(WASM);
    if (factory == null) throw new Error('@tensorflow/tfjs-backend-wasm did not register its backend');
    return factory();
  },
  env: process.env,
};

loadWasmBackend();
registerTrainingKernels();

const selector = createBackendSelector(defaultBackendDeps);

/**
 * Makes the fastest working tfjs backend the active one and returns its name:
 * 'tensorflow' when @tensorflow/tfjs-node is installed, else 'wasm' (with the
 * training kernels it lacks registered), else 'cpu'.
 *
 * Force a backend with `ready({ backend: 'cpu' | 'wasm' | 'tensorflow' })` or
 * the environment variable `TFJS_DOCTOR_BACKEND`; the argument wins. A forced
 * backend that cannot start is an error, not a silent fallback.
 *
 * The choice is made once: concurrent calls share it and later calls with the
 * same request return at once, the name of the active backend (if you switch
 * with tf.setBackend afterwards, ready() leaves your choice alone). Prints
 * nothing; `backendReason()` says why this backend was chosen.
 */
export function ready(options?: ReadyOptions): Promise<string> {
  return selector.ready(options);
}

/** One line on why the current backend was chosen (e.g. why not wasm); undefined before ready(). */
export function backendReason(): string | undefined {
  return selector.reason();
}
