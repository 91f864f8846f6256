/**
 * The wasm backend's matmul rate: a 1024x1024 by 1024x1024 product, the same
 * operands every time (so XNNPACK's packed weights are reused, as its best
 * case). The yardstick the training steps are measured against.
 */
import * as tf from '@tensorflow/tfjs';

const SIZE = 1024;

/** A rate per second of wall time and per second of this process's CPU time. */
export interface Rate {
  wall: number;
  cpu: number;
}

/** Runs `work` and returns how long it took, on the wall clock and in CPU time of this process, in seconds. */
export async function clocked(work: () => Promise<void> | void): Promise<Rate> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - wallStart) / 1000, cpu: (used.user + used.system) / 1e6 };
}

/** Median GFLOP/s of `reps` products (wall and CPU time), after one warm-up. */
export async function matmulPeakGflops(reps: number): Promise<Rate> {
  const a = tf.randomNormal([SIZE, SIZE]);
  const b = tf.randomNormal([SIZE, SIZE]);
  const rates: Rate[] = [];
  const gflop = (2 * SIZE ** 3) / 1e9;
  for (let i = 0; i <= reps; i++) {
    const seconds = await clocked(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    });
    if (i > 0) rates.push({ wall: gflop / seconds.wall, cpu: gflop / seconds.cpu });
  }
  tf.dispose([a, b]);
  return { wall: median(rates.map((r) => r.wall)), cpu: median(rates.map((r) => r.cpu)) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
