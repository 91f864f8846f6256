/**
 * MaxPool forward against MaxPoolGrad on wasm, on the bench CNN's two pools
 * (c16-pool-c32-pool-d10, batch 32: 2x2 windows, stride 2, valid, over
 * [32, 26, 26, 16] and [32, 11, 11, 32]), in one process:
 *
 *   npm run build && node dist/bench/pool-kernels.js [--samples 31] [--calls 10]
 *
 * Each kernel is called through the engine as in training (runKernel, output
 * disposed), `calls` times per sample, and a sample is the CPU time of this
 * process (process.cpuUsage) divided by `calls`; printed are the medians over
 * `samples` samples, the variants interleaved so load on the machine hits all
 * alike. MaxPoolGrad runs twice: tfjs-doctor's wasm module
 * (src/backend/wasm-module/max-pool-grad.wat) and its JavaScript fallback.
 * Goal (issue 14): the wasm module within 2x of the forward pool; a miss
 * prints MISS and exits with code 2.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { MAX_POOL_GRAD_MODULE } from '../src/backend/kernels/max-pool-grad';
import { substituteWasmModule, wasmModule, wasmModuleFailure } from '../src/backend/wasm-module/loader';

const GOAL = 2;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer, got ${process.argv[at + 1]}`);
  return value;
}

const POOLS: Array<{ name: string; shape: [number, number, number, number] }> = [
  { name: 'pool 1 [32,26,26,16]', shape: [32, 26, 26, 16] },
  { name: 'pool 2 [32,11,11,32]', shape: [32, 11, 11, 32] },
];
const ATTRS = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };

/** CPU milliseconds per call of `run`, over `calls` calls. */
function cpuMs(run: () => void, calls: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main(): Promise<void> {
  const samples = option('samples', 31);
  const calls = option('calls', 10);
  const backend = await ready();
  if (backend !== 'wasm') throw new Error(`expected the wasm backend, got ${backend}`);
  if (wasmModule(tf.engine().backend, MAX_POOL_GRAD_MODULE) === undefined) {
    throw new Error(`the MaxPoolGrad wasm module does not run: ${wasmModuleFailure(MAX_POOL_GRAD_MODULE)}`);
  }
  let missed = false;
  for (const pool of POOLS) {
    const x = tf.randomNormal<tf.Rank.R4>(pool.shape, 0, 1, 'float32', 7);
    const y = tf.maxPool(x, 2, 2, 'valid');
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 8);
    const forward = () => tf.dispose(tf.engine().runKernel(tf.MaxPool, { x }, ATTRS));
    const backward = () => tf.dispose(tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output: y }, ATTRS));
    const variants: Array<{ name: string; run: () => void; fallback: boolean }> = [
      { name: 'MaxPool (XNNPACK)', run: forward, fallback: false },
      { name: 'MaxPoolGrad (wasm module)', run: backward, fallback: false },
      { name: 'MaxPoolGrad (JS fallback)', run: backward, fallback: true },
    ];
    const times = variants.map(() => [] as number[]);
    for (let s = 0; s < samples + 1; s++) {
      variants.forEach((variant, i) => {
        substituteWasmModule(MAX_POOL_GRAD_MODULE, variant.fallback ? null : undefined);
        const ms = cpuMs(variant.run, calls);
        if (s > 0) times[i].push(ms); // the first round warms up
      });
    }
    substituteWasmModule(MAX_POOL_GRAD_MODULE, undefined);
    const [pool1, wasmGrad, jsGrad] = times.map(median);
    console.log(`${pool.name}, 2x2 stride 2 valid; CPU ms per call, medians of ${samples} samples x ${calls} calls`);
    variants.forEach((variant, i) => console.log(`  ${variant.name.padEnd(28)} ${median(times[i]).toFixed(3)}`));
    const ratio = wasmGrad / pool1;
    const verdict = ratio <= GOAL ? 'met' : 'MISS';
    missed ||= ratio > GOAL;
    console.log(`  MaxPoolGrad / MaxPool: wasm module ${ratio.toFixed(2)}x (goal <= ${GOAL}x: ${verdict}), JS fallback ${(jsGrad / pool1).toFixed(2)}x`);
    tf.dispose([x, y, dy]);
  }
  if (missed) process.exit(2);
}

void main();
