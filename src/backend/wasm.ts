/**
 * Loads the wasm backend without changing what tfjs does by default.
 *
 * @tensorflow/tfjs-backend-wasm registers itself above cpu, and because wasm
 * starts asynchronously, tfjs then refuses any op until someone awaits
 * tf.setBackend or tf.ready(). Importing tfjs-doctor must not break a notebook
 * that never calls ready(), so unless the user had loaded wasm already we rank
 * it below cpu; ready() selects it explicitly.
 */
import * as tf from '@tensorflow/tfjs';

export const WASM = 'wasm';

/** Registers the wasm backend (idempotent) and returns whether it was already there. */
export function loadWasmBackend(): boolean {
  const registry = tf.engine().registryFactory;
  const alreadyLoaded = registry[WASM] != null;
  // Required here, not imported at the top, so the check above runs first.
  require('@tensorflow/tfjs-backend-wasm');
  if (!alreadyLoaded && registry[WASM] != null) {
    registry[WASM].priority = 0;
  }
  return alreadyLoaded;
}
