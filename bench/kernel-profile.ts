/**
 * Where a training step's CPU time goes, kernel by kernel, on wasm:
 *
 *   npm run build && node dist/bench/kernel-profile.js [--workload cnn|mlp] [--steps 30]
 *
 * Wraps every kernel registered for wasm (tfjs's and tfjs-doctor's) so each
 * call adds its CPU time (process.cpuUsage) to its kernel name and input
 * shapes; a kernel that calls others (tfjs-doctor's composed kernels) is
 * charged only its own time ("self"), its callees theirs. Trains the
 * foundation workload (bench/lib/foundation.ts, real MNIST, Adam,
 * trainOnBatch) for a few warm-up steps, then `steps` profiled ones, and
 * prints per kernel the median CPU ms per step, largest first, with the
 * step's median and the share not spent in any kernel (layers, tape, optimizer
 * bookkeeping in JavaScript).
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { FOUNDATION_WORKLOADS, loadMnist } from './lib/foundation';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const cpuMicros = (used: NodeJS.CpuUsage) => used.user + used.system;

/** CPU µs of kernel calls in the current step, by kernel and input shapes. */
let current = new Map<string, { self: number; calls: number }>();
/** Time spent in callees, one entry per kernel call in progress. */
const callees: number[] = [];

function label(kernelName: string, inputs: tf.NamedTensorInfoMap): string {
  const shapes = Object.entries(inputs).flatMap(([name, info]) => (info === undefined ? [] : [`${name} ${info.shape.join('x') || 'scalar'}`]));
  return `${kernelName} (${shapes.join(', ')})`;
}

function profiled(config: tf.KernelConfig): tf.KernelConfig {
  const inner = config.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const start = process.cpuUsage();
    callees.push(0);
    try {
      return inner(args);
    } finally {
      const total = cpuMicros(process.cpuUsage(start));
      const inCallees = callees.pop() ?? 0;
      if (callees.length > 0) callees[callees.length - 1] += total;
      const key = label(config.kernelName, args.inputs);
      const entry = current.get(key) ?? { self: 0, calls: 0 };
      entry.self += total - inCallees;
      entry.calls += 1;
      current.set(key, entry);
    }
  };
  return { ...config, kernelFunc };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
};

async function main(): Promise<void> {
  const workload = FOUNDATION_WORKLOADS.find((w) => w.key === option('workload', 'cnn'));
  if (workload === undefined) throw new Error('--workload takes cnn or mlp');
  const steps = Number(option('steps', '30'));
  const backend = await ready();
  if (backend !== 'wasm') throw new Error(`expected the wasm backend, got ${backend}`);
  for (const config of tf.getKernelsForBackend('wasm')) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(profiled(config));
  }
  const data = loadMnist(steps * workload.batchSize);
  const model = workload.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const batches = Array.from({ length: steps }, (_, b) => ({
    x: tf.tensor(data.pixels.subarray(b * workload.batchSize * 784, (b + 1) * workload.batchSize * 784), [workload.batchSize, ...workload.shape]),
    y: tf.tensor(data.labels.subarray(b * workload.batchSize * 10, (b + 1) * workload.batchSize * 10), [workload.batchSize, 10]),
  }));
  for (let i = 0; i < 5; i++) await model.trainOnBatch(batches[i].x, batches[i].y);
  const perStep: Array<Map<string, { self: number; calls: number }>> = [];
  const stepMicros: number[] = [];
  for (const batch of batches) {
    current = new Map();
    const start = process.cpuUsage();
    await model.trainOnBatch(batch.x, batch.y);
    stepMicros.push(cpuMicros(process.cpuUsage(start)));
    perStep.push(current);
  }
  const keys = [...new Set(perStep.flatMap((m) => [...m.keys()]))];
  const rows = keys
    .map((key) => ({ key, ms: median(perStep.map((m) => m.get(key)?.self ?? 0)) / 1000, calls: perStep[0].get(key)?.calls ?? 0 }))
    .sort((a, b) => b.ms - a.ms);
  const step = median(stepMicros) / 1000;
  const inKernels = median(perStep.map((m) => [...m.values()].reduce((sum, e) => sum + e.self, 0))) / 1000;
  console.log(`${workload.name}, batch ${workload.batchSize}: CPU ms per step, medians over ${steps} steps (one process)`);
  console.log(`step ${step.toFixed(2)} ms; in kernels ${inKernels.toFixed(2)} ms; elsewhere ${(step - inKernels).toFixed(2)} ms`);
  for (const row of rows.filter((r) => r.ms >= 0.005)) {
    console.log(`${row.ms.toFixed(3).padStart(8)} ms ${(100 * row.ms / step).toFixed(1).padStart(5)}%  x${row.calls}  ${row.key}`);
  }
  model.dispose();
  batches.forEach(({ x, y }) => tf.dispose([x, y]));
}

void main();
