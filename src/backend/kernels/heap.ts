/**
 * Direct access to the wasm backend's memory, for the kernels that are
 * cheaper as one plain loop over the data than as a chain of wasm kernels
 * (each of which reads and writes the whole tensor again).
 *
 * tfjs-backend-wasm keeps every tensor in its wasm heap; `typedArrayFromHeap`
 * is a view on it, not a copy (unlike `readSync`, which copies). A view is
 * only valid until the heap grows, so take views after making the outputs.
 */
import type * as tf from '@tensorflow/tfjs';
import type { DataBackend } from './wasm-ops';

/** The part of BackendWasm that hands out views on its heap. */
export interface HeapBackend extends DataBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

export function isHeapBackend(backend: object): backend is HeapBackend {
  return (
    'makeOutput' in backend && typeof backend.makeOutput === 'function' &&
    'typedArrayFromHeap' in backend && typeof backend.typedArrayFromHeap === 'function' &&
    'disposeData' in backend && typeof backend.disposeData === 'function' &&
    'write' in backend && typeof backend.write === 'function' &&
    'readSync' in backend && typeof backend.readSync === 'function'
  );
}

export function heapBackend(backend: object, kernel: string): HeapBackend {
  if (!isHeapBackend(backend)) throw new Error(`tfjs-doctor ${kernel}: the backend does not expose its heap (makeOutput/typedArrayFromHeap).`);
  return backend;
}

/** A float32 view on a tensor's data in the heap (no copy). */
export function floatView(backend: HeapBackend, info: tf.TensorInfo, kernel: string): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) throw new Error(`tfjs-doctor ${kernel}: expected a float32 tensor, got ${info.dtype}.`);
  return view;
}
