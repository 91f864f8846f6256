/**
 * CPU time per kernel of a training step on the wasm backend: every
 * registered wasm kernel is wrapped with a timer (process.cpuUsage, this
 * process only), kernels called from inside another kernel (the composed
 * backprop kernels) are recorded under their caller as "Outer > Inner", and
 * each step's total is recorded too, so what lies outside the kernels (the
 * engine's tape, the optimizer's bookkeeping) shows as the remainder.
 *
 * A diagnostic, not a benchmark with targets: run it with
 *
 *   npm run build && node dist/bench/lib/kernel-profile.js [mlp|cnn] [steps]
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../../src/backend';
import { FOUNDATION_WORKLOADS, loadMnist } from './foundation';
import { median } from './matmul-peak';

function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** Per-label lists of the ms each call took, one list entry per step (calls of one step summed). */
export class KernelProfile {
  private readonly stack: string[] = [];
  private current = new Map<string, number>();
  readonly steps: Array<Map<string, number>> = [];

  /** With `withShapes`, every label names its inputs' shapes. */
  constructor(private readonly withShapes = false) {}

  /** Wraps every wasm kernel so that its calls are timed; returns a function that restores them. */
  install(backendName = 'wasm'): () => void {
    const originals = tf.getKernelsForBackend(backendName);
    for (const config of originals) {
      const run = config.kernelFunc;
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel({
        ...config,
        kernelFunc: (args) => {
          const name = this.withShapes ? `${config.kernelName}(${Object.values(args.inputs).map((t) => (t === undefined ? '' : `[${t.shape.join(',')}]`)).join(' ')})` : config.kernelName;
          const label = [...this.stack.slice(0, 1), name].join(' > ');
          this.stack.push(name);
          const start = cpuMs();
          try {
            return run(args);
          } finally {
            this.stack.pop();
            this.current.set(label, (this.current.get(label) ?? 0) + cpuMs() - start);
          }
        },
      });
    }
    return () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    };
  }

  /** Times one step; its kernels' times are kept as one entry of `steps`. */
  async step(run: () => Promise<void>): Promise<void> {
    this.current = new Map();
    const start = cpuMs();
    await run();
    this.current.set('(whole step)', cpuMs() - start);
    this.steps.push(this.current);
  }

  /** Median ms per step of every label, largest first. */
  medians(): Array<{ label: string; ms: number }> {
    const labels = new Set(this.steps.flatMap((s) => [...s.keys()]));
    return [...labels]
      .map((label) => ({ label, ms: median(this.steps.map((s) => s.get(label) ?? 0)) }))
      .sort((a, b) => b.ms - a.ms);
  }
}

async function main(): Promise<void> {
  const key = process.argv[2] ?? 'cnn';
  const steps = Number(process.argv[3] ?? 40);
  const work = FOUNDATION_WORKLOADS.find((w) => w.key === key);
  if (work === undefined) throw new Error(`unknown workload ${key}: use mlp or cnn`);
  await ready({ backend: 'wasm' });
  const data = loadMnist(2048);
  const model = work.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const batches = Array.from({ length: 8 }, (_, b) => ({
    x: tf.tensor(data.pixels.subarray(b * work.batchSize * 784, (b + 1) * work.batchSize * 784), [work.batchSize, ...work.shape]),
    y: tf.tensor(data.labels.subarray(b * work.batchSize * 10, (b + 1) * work.batchSize * 10), [work.batchSize, 10]),
  }));
  const trainStep = async (i: number) => {
    await model.trainOnBatch(batches[i % batches.length].x, batches[i % batches.length].y);
  };
  for (let i = 0; i < 5; i++) await trainStep(i);
  const bare: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = cpuMs();
    await trainStep(i);
    bare.push(cpuMs() - start);
  }
  console.log(`uninstrumented step: ${median(bare).toFixed(3)} CPU ms (median of ${steps})`);
  const profile = new KernelProfile(process.argv.includes('--shapes'));
  const restore = profile.install();
  for (let i = 0; i < steps; i++) await profile.step(() => trainStep(i));
  restore();
  const rows = profile.medians();
  const whole = rows.find((r) => r.label === '(whole step)')?.ms ?? Number.NaN;
  const topLevel = rows.filter((r) => !r.label.includes(' > ') && r.label !== '(whole step)');
  const inKernels = topLevel.reduce((sum, r) => sum + r.ms, 0);
  console.log(`${work.name}, batch ${work.batchSize}: CPU ms per step, medians over ${steps} steps (${tf.getBackend()})`);
  for (const r of rows) {
    if (r.ms < 0.02) continue;
    console.log(`${r.ms.toFixed(3).padStart(8)}  ${(r.label === '(whole step)' ? 100 : (100 * r.ms) / whole).toFixed(1).padStart(5)}%  ${r.label}`);
  }
  console.log(`${(whole - inKernels).toFixed(3).padStart(8)}  outside kernels (whole step minus the top-level kernels' medians)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
