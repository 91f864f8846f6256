/**
 * tfjs-doctor's own WebAssembly kernels, running in the wasm backend's memory.
 *
 * A kernel module is written by hand in WebAssembly text,
 * src/backend/wasm-module/NAME.wat, compiled by the build
 * (scripts/build-wasm.mjs) to NAME.wasm beside this file in dist/. Its only
 * import is the memory tfjs-backend-wasm's emscripten module exports:
 *
 *     (import "env" "memory" (memory 0))
 *
 * so its functions take byte addresses of tensor data (`heapAddress`) and
 * read and write the tensors in place, with no copy in or out. The module
 * must own nothing in that memory (no data segments, no globals pointing into
 * it): emscripten's allocator owns every byte. Memory may grow when the
 * backend allocates; an address stays valid while its tensor lives, a typed
 * view on the old buffer does not, so take addresses after making the outputs.
 *
 * To add a kernel: write NAME.wat here, then in the kernel
 *
 *     const kernels = wasmModule(backend, 'NAME');
 *     if (kernels === undefined) return theJavaScriptKernel(...);
 *     const run = exportedFunction(kernels, 'fn');
 *
 * `wasmModule` gives undefined whenever the module cannot run (file missing,
 * no SIMD, a backend whose memory is shared or hidden): every caller keeps a
 * fallback. `wasmModuleFailure(name)` says why, for tests and diagnostics.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from '../kernels/heap';

type Compiled = { module: WebAssembly.Module } | { failure: string };
type Loaded = { exports: WebAssembly.Exports } | { failure: string };

/** Compiled modules by name (compiled once per process), or why not. */
const compiled = new Map<string, Compiled>();
/** Instances by memory, then name: one per backend memory and module, with what it was made from. */
const instances = new WeakMap<WebAssembly.Memory, Map<string, { from: Compiled; loaded: Loaded }>>();
/** Test substitutes for a module's bytes (null: as if the file were missing). */
const substitutes = new Map<string, Uint8Array<ArrayBuffer> | null>();
/** The last failure per name, for wasmModuleFailure. */
const failures = new Map<string, string>();

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The WebAssembly.Memory of a tfjs-backend-wasm backend (its emscripten module's), if it exposes one. */
export function backendMemory(backend: object): WebAssembly.Memory | undefined {
  if (!('wasm' in backend) || typeof backend.wasm !== 'object' || backend.wasm === null) return undefined;
  const wasm: object = backend.wasm;
  // emscripten keeps the instance's exports as Module.asm (tfjs-backend-wasm
  // 4.22); the threaded build's memory is Module.wasmMemory (shared).
  const asm = 'asm' in wasm && typeof wasm.asm === 'object' && wasm.asm !== null ? wasm.asm : undefined;
  const memory = asm !== undefined && 'memory' in asm ? asm.memory : 'wasmMemory' in wasm ? wasm.wasmMemory : undefined;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

function compile(name: string): Compiled {
  const known = compiled.get(name);
  if (known !== undefined) return known;
  let result: Compiled;
  try {
    const substitute = substitutes.get(name);
    if (substitute === null) throw new Error(`${name}.wasm is not available`);
    const bytes = substitute ?? readFileSync(join(__dirname, `${name}.wasm`));
    result = { module: new WebAssembly.Module(bytes) };
  } catch (error) {
    result = { failure: `compiling ${name}.wasm: ${message(error)}` };
  }
  compiled.set(name, result);
  return result;
}

function instantiate(name: string, module: Compiled, memory: WebAssembly.Memory): Loaded {
  if ('failure' in module) return module;
  try {
    const instance = new WebAssembly.Instance(module.module, { env: { memory } });
    return { exports: instance.exports };
  } catch (error) {
    return { failure: `instantiating ${name}.wasm on the backend's memory: ${message(error)}` };
  }
}

/**
 * The exports of kernel module `name` bound to `backend`'s memory, or
 * undefined when it cannot run there (then use the JavaScript kernel).
 * Compiled once per process, instantiated once per backend memory.
 */
export function wasmModule(backend: object, name: string): WebAssembly.Exports | undefined {
  const memory = backendMemory(backend);
  if (memory === undefined) {
    failures.set(name, 'the backend exposes no WebAssembly.Memory (backend.wasm.asm.memory)');
    return undefined;
  }
  let byName = instances.get(memory);
  if (byName === undefined) {
    byName = new Map();
    instances.set(memory, byName);
  }
  const from = compile(name);
  let entry = byName.get(name);
  if (entry === undefined || entry.from !== from) {
    entry = { from, loaded: instantiate(name, from, memory) };
    byName.set(name, entry);
  }
  const { loaded } = entry;
  if ('failure' in loaded) {
    failures.set(name, loaded.failure);
    return undefined;
  }
  failures.delete(name);
  return loaded.exports;
}

/** Why the last `wasmModule(…, name)` gave undefined; undefined when it gave the module. */
export function wasmModuleFailure(name: string): string | undefined {
  return failures.get(name);
}

/** An exported function of a module, or an error naming it (a module and its caller out of step). */
export function exportedFunction(exports: WebAssembly.Exports, name: string): (...args: number[]) => unknown {
  const fn = exports[name];
  if (typeof fn !== 'function') throw new Error(`tfjs-doctor: the wasm kernel module has no function '${name}'.`);
  return (...args: number[]) => fn(...args);
}

/**
 * The byte address of a tensor's data in the backend's memory (what the
 * module's functions take), checked to be in that memory.
 */
export function heapAddress(backend: HeapBackend, info: tf.TensorInfo): number {
  const view = backend.typedArrayFromHeap(info);
  if (view.buffer !== backendMemory(backend)?.buffer) {
    throw new Error('tfjs-doctor: a tensor\'s data is not in the backend\'s WebAssembly memory.');
  }
  return view.byteOffset;
}

/**
 * For tests: run module `name` from `bytes` instead of its file (null: as if
 * the file were missing; undefined: back to the file). Instances made from the
 * previous bytes are replaced at the next call.
 */
export function substituteWasmModule(name: string, bytes: Uint8Array<ArrayBuffer> | null | undefined): void {
  if (bytes === undefined) substitutes.delete(name);
  else substitutes.set(name, bytes);
  compiled.delete(name);
  failures.delete(name);
}
