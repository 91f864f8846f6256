/**
 * Tensor accounting that survives `await` and concurrency: every tensor the
 * engine creates while a guarded async function runs (in its async context,
 * followed across awaits by AsyncLocalStorage) is remembered, and those still
 * alive when it ends are disposed. Unlike an engine scope (a global stack),
 * this never adopts the tensors of other work running meanwhile, such as a
 * model.fit() that called diagnose() from a callback, or a second diagnose().
 *
 * Like an engine scope, it leaves variables alone, and tf.keep()-ed tensors
 * too when `fn` succeeds. When it throws, kept tensors go as well: tfjs keeps
 * the tensors it saves for backprop, and a gradient that throws half-way
 * (e.g. through an integer gather) never releases them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as tf from '@tensorflow/tfjs';

const made = new AsyncLocalStorage<Set<tf.Tensor>>();
const HOOKED = Symbol.for('tfjs-doctor.tensor-guard');

/** Wraps the engine's trackTensor once, so guarded contexts learn of each new tensor. */
function hookEngine(): void {
  const engine = tf.engine();
  if (Reflect.get(engine, HOOKED) === true) return;
  const original: unknown = Reflect.get(engine, 'trackTensor');
  if (typeof original !== 'function') return;
  Reflect.set(engine, 'trackTensor', function trackTensor(this: unknown, tensor: tf.Tensor, ...rest: unknown[]) {
    const result: unknown = Reflect.apply(original, this, [tensor, ...rest]);
    made.getStore()?.add(tensor);
    return result;
  });
  Reflect.set(engine, HOOKED, true);
}

function leaked(tensor: tf.Tensor, failed: boolean): boolean {
  return !tensor.isDisposed && !(tensor instanceof tf.Variable) && (failed || Reflect.get(tensor, 'kept') !== true);
}

/** Runs `fn`; tensors it created and left alive (on success or error) are disposed. Returns how many were. */
export async function guardTensors<T>(fn: () => Promise<T>): Promise<{ value: T; disposed: number }> {
  hookEngine();
  const tensors = new Set<tf.Tensor>();
  let value: T;
  try {
    value = await made.run(tensors, fn);
  } catch (error) {
    disposeLeaked(tensors, true);
    throw error;
  }
  return { value, disposed: disposeLeaked(tensors, false) };
}

function disposeLeaked(tensors: Set<tf.Tensor>, failed: boolean): number {
  const alive = [...tensors].filter((t) => leaked(t, failed));
  tf.dispose(alive);
  return alive.length;
}
