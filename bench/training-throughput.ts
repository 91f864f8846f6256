/**
 * Training throughput of the foundation workloads (a 784-256-128-10 MLP at
 * batch 64, a conv-pool-conv-pool-dense MNIST CNN at batch 32; Adam,
 * model.trainOnBatch, real MNIST digits) on the wasm backend, against:
 *   - PyTorch on one thread (Debian's python3-torch), in the same run;
 *   - the wasm matmul rate (1024x1024) measured in the same process: the
 *     step's FLOPs (from the architecture, bench/lib/flops.ts) per second as a
 *     fraction of it;
 *   - the tfjs cpu backend.
 *
 *   node dist/bench/training-throughput.js
 *
 * Rounds interleave the measurements (matmul, wasm MLP, torch MLP, wasm CNN,
 * torch CNN, ...) so that load from other processes hits all of them alike;
 * every figure printed is the median over the rounds. Each rate is taken per
 * second of wall time and per second of the measuring process's CPU time: on
 * a machine shared with other work the wall clock stretches with everyone
 * else's load, CPU time far less, so the ratios and the targets use CPU time
 * (the wall-clock figures are printed beside them). Targets: CNN >= 35% of the
 * matmul rate, MLP >= 20%; CNN >= 10x cpu, MLP >= 5x cpu; CNN >= 2x the
 * issue-14 baseline; both >= 1.0x PyTorch where the CPU lacks AVX-512. A missed target
 * prints MISS and exits with code 2; a crash exits 1.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { repoPaths } from '../scripts/lib/paths';
import { trainingFlops } from './lib/flops';
import { FOUNDATION_WORKLOADS, loadMnist, type Workload } from './lib/foundation';
import { clocked, matmulPeakGflops, median, type Rate } from './lib/matmul-peak';
import { startTorch, type TorchReference } from './lib/torch';
import { runBench } from './lib/run';

const SETTINGS = {
  samples: 2048,
  rounds: 3,
  /** Seconds of training per workload per round, on wasm and on PyTorch. */
  sliceSeconds: 2,
  warmupBatches: 3,
  peakReps: 5,
  /** The cpu backend is 100x slower: one short slice, at least one batch. */
  cpuBudgetMs: 3000,
};

const TARGETS: Record<Workload['key'], { peakFraction: number; cpuRatio: number }> = {
  mlp: { peakFraction: 0.2, cpuRatio: 5 },
  cnn: { peakFraction: 0.35, cpuRatio: 10 },
};

/**
 * Issue 14: the CNN at 2x what it trained at when the issue was filed (950 to
 * 1,490 samples/s on two machines of this kind; the middle, 1,220, is the
 * baseline), and at PyTorch's single-thread pace (1.0) on a CPU without
 * AVX-512 (PyTorch uses it where it exists; wasm SIMD is 128-bit, so there
 * the ratio is printed, not judged).
 */
const ISSUE_BASELINE = { key: 'cnn' as Workload['key'], samplesPerSecond: 1220, factor: 2 };
const TORCH_TARGET = 1.0;

function hasAvx512(): boolean {
  try {
    return /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

type Mnist = ReturnType<typeof loadMnist>;

/** A compiled model and its batches on the active backend. */
class Trainer {
  private readonly model: tf.LayersModel;
  private readonly optimizer = tf.train.adam(1e-3);
  private readonly batches: Array<{ x: tf.Tensor; y: tf.Tensor }>;
  private next = 0;
  readonly flopsPerStep: number;

  constructor(readonly work: Workload, data: Mnist) {
    this.model = work.build();
    this.model.compile({ optimizer: this.optimizer, loss: 'categoricalCrossentropy' });
    this.flopsPerStep = trainingFlops(this.model, work.batchSize);
    const count = Math.floor(data.count / work.batchSize);
    this.batches = Array.from({ length: count }, (_, b) => {
      const from = b * work.batchSize;
      const to = from + work.batchSize;
      return {
        x: tf.tensor(data.pixels.subarray(from * 784, to * 784), [work.batchSize, ...work.shape]),
        y: tf.tensor(data.labels.subarray(from * 10, to * 10), [work.batchSize, 10]),
      };
    });
  }

  async step(): Promise<void> {
    const batch = this.batches[this.next++ % this.batches.length];
    await this.model.trainOnBatch(batch.x, batch.y);
  }

  /** Samples per second over `ms` of training (at least `minBatches`). */
  async rate(ms: number, minBatches = 3): Promise<Rate> {
    let done = 0;
    const start = performance.now();
    const seconds = await clocked(async () => {
      while (done < minBatches || performance.now() - start < ms) {
        await this.step();
        done += 1;
      }
    });
    const samples = done * this.work.batchSize;
    return { wall: samples / seconds.wall, cpu: samples / seconds.cpu };
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
    this.batches.forEach(({ x, y }) => tf.dispose([x, y]));
  }
}

interface Row {
  work: Workload;
  flops: number;
  wasm: Rate[];
  torch: Rate[];
  /** Step FLOP rate over the matmul rate of the same round, in CPU time. */
  fraction: number[];
  cpuBackend: Rate;
}

async function measureCpu(work: Workload, data: Mnist): Promise<Rate> {
  await ready({ backend: 'cpu' });
  const trainer = new Trainer(work, data);
  await trainer.step();
  const rate = await trainer.rate(SETTINGS.cpuBudgetMs, 1);
  trainer.dispose();
  await ready();
  return rate;
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

async function main(): Promise<number> {
  const data = loadMnist(SETTINGS.samples);
  const backend = await ready();
  const torch: TorchReference | string = await startTorch(repoPaths().root);
  const trainers = FOUNDATION_WORKLOADS.map((work) => new Trainer(work, data));
  for (const trainer of trainers) {
    for (let i = 0; i < SETTINGS.warmupBatches; i++) await trainer.step();
  }
  const rows: Row[] = trainers.map((t) => ({ work: t.work, flops: t.flopsPerStep, wasm: [], torch: [], fraction: [], cpuBackend: { wall: Number.NaN, cpu: Number.NaN } }));
  const peaks: Rate[] = [];
  try {
    for (let round = 0; round < SETTINGS.rounds; round++) {
      const peak = await matmulPeakGflops(SETTINGS.peakReps);
      peaks.push(peak);
      for (const [i, trainer] of trainers.entries()) {
        const rate = await trainer.rate(SETTINGS.sliceSeconds * 1000);
        rows[i].wasm.push(rate);
        rows[i].fraction.push((rate.cpu / trainer.work.batchSize) * trainer.flopsPerStep / 1e9 / peak.cpu);
        if (typeof torch !== 'string') rows[i].torch.push(await torch.rate(trainer.work.key, SETTINGS.sliceSeconds));
      }
    }
  } finally {
    if (typeof torch !== 'string') torch.stop();
    trainers.forEach((t) => t.dispose());
  }
  for (const r of rows) r.cpuBackend = await measureCpu(r.work, data);

  const peak = { wall: median(peaks.map((p) => p.wall)), cpu: median(peaks.map((p) => p.cpu)) };
  const torchLabel = typeof torch === 'string' ? 'PyTorch' : `PyTorch ${torch.version} 1 thread`;
  console.log(`training throughput, samples per CPU-second (wall-clock in brackets): medians of ${SETTINGS.rounds} interleaved rounds of ${SETTINGS.sliceSeconds} s (real MNIST, adam, trainOnBatch; ${os.cpus().length} cores, node ${process.version})`);
  console.log(`${backend} matmul 1024x1024: ${peak.cpu.toFixed(1)} GFLOP per CPU-second [${peak.wall.toFixed(1)} GFLOP/s wall] (rounds ${peaks.map((p) => p.cpu.toFixed(1)).join(', ')})`);
  if (typeof torch === 'string') console.log(`PyTorch not measured: ${torch}`);
  const widths = [26, 5, 13, 13, 13, 7, 6, 7, 8, 10];
  console.log(row(['model', 'batch', 'tfjs cpu', backend, torchLabel.split(' ').slice(0, 2).join(' '), '/torch', '/cpu', 'GFLOP/s', '% matmul', 'MFLOP/step'], widths));
  const both = (rates: Rate[]) => ({ wall: median(rates.map((x) => x.wall)), cpu: median(rates.map((x) => x.cpu)) });
  const cell = (rate: Rate | undefined, digits: number) => (rate === undefined ? '-' : `${fixed(rate.cpu, digits)} [${fixed(rate.wall, digits)}]`);
  const verdicts: Array<{ text: string; met: boolean }> = [];
  const avx512 = hasAvx512();
  const infos: string[] = [];
  for (const r of rows) {
    const wasm = both(r.wasm);
    const torchRate = r.torch.length > 0 ? both(r.torch) : undefined;
    const toTorch = r.torch.length > 0 ? median(r.wasm.map((w, i) => w.cpu / r.torch[i].cpu)) : undefined;
    const fraction = median(r.fraction);
    const gflops = (wasm.cpu / r.work.batchSize) * r.flops / 1e9;
    const toCpu = wasm.cpu / r.cpuBackend.cpu;
    console.log(row([
      r.work.name, String(r.work.batchSize), cell(r.cpuBackend, 1), cell(wasm, 0), cell(torchRate, 0),
      fixed(toTorch, 2), `${fixed(toCpu, 0)}x`, fixed(gflops, 2), `${fixed(fraction * 100, 1)}%`, fixed(r.flops / 1e6, 1),
    ], widths));
    const target = TARGETS[r.work.key];
    verdicts.push({ text: `${r.work.name}: ${fixed(fraction * 100, 1)}% of the matmul rate (target >= ${target.peakFraction * 100}%)`, met: fraction >= target.peakFraction });
    verdicts.push({ text: `${r.work.name}: ${fixed(toCpu, 1)}x the cpu backend (target >= ${target.cpuRatio}x)`, met: toCpu >= target.cpuRatio });
    if (r.work.key === ISSUE_BASELINE.key) {
      const gain = wasm.cpu / ISSUE_BASELINE.samplesPerSecond;
      verdicts.push({ text: `${r.work.name}: ${fixed(gain, 2)}x the issue-14 baseline of ${ISSUE_BASELINE.samplesPerSecond} samples/s (target >= ${ISSUE_BASELINE.factor}x)`, met: gain >= ISSUE_BASELINE.factor });
    }
    if (toTorch !== undefined) {
      const text = `${r.work.name}: ${fixed(toTorch, 2)}x PyTorch on one thread`;
      if (avx512) infos.push(`info ${text} (target ${TORCH_TARGET} applies on a CPU without AVX-512; this one has it: not judged)`);
      else verdicts.push({ text: `${text} (target >= ${TORCH_TARGET})`, met: toTorch >= TORCH_TARGET });
    }
  }
  console.log(`${backend} / ${torchLabel}, per round (CPU time): ${rows.map((r) => `${r.work.key} ${r.wasm.map((w, i) => (r.torch[i] ? (w.cpu / r.torch[i].cpu).toFixed(2) : '-')).join(' ')}`).join('; ')}`);
  for (const info of infos) console.log(info);
  for (const v of verdicts) console.log(`${v.met ? 'ok  ' : 'MISS'} ${v.text}`);
  const missed = verdicts.filter((v) => !v.met).length;
  console.log(missed === 0 ? 'all targets met (figures in CPU time of this process)' : `MISS: ${missed} target(s) missed (figures in CPU time of this process)`);
  return missed === 0 ? 0 : 2;
}

runBench(main);
