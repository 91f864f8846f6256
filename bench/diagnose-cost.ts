/**
 * What a quick diagnose() costs, in units of one plain training step of the
 * same model and batch size (measured in the same run), cold (the first
 * diagnose() in the process) and warm (the same call again): per check and in
 * total, for the foundation workloads of the throughput bench (784-256-128-10
 * MLP at batch 64, conv-pool-conv-pool-dense CNN at batch 32; real MNIST).
 * Goals: cold <= 150 step-equivalents, warm <= 100.
 *
 *   node dist/bench/diagnose-cost.js            both models
 *   node dist/bench/diagnose-cost.js cnn        one of them
 *
 * Both sides are timed in CPU time of this process (process.cpuUsage) as well
 * as wall time: on a machine shared with other work the wall clock stretches
 * whatever happens to run while others do, CPU time much less. The goals are
 * judged on CPU time; both ratios are printed. A missed goal exits 2.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { NETWORK_CHECKS } from '../src/checks/network';
import { cloneModel } from '../src/model/clone';
import { trainStep, trainableVariables } from '../src/model/train';
import { crossEntropy, mnistDigits } from '../test/helpers/network-models';
import { FOUNDATION_WORKLOADS, type Workload } from './lib/foundation';
import { median } from './lib/matmul-peak';
import { runBench } from './lib/run';

const SETTINGS = { samples: 1000, warmupSteps: 3, timedSteps: 20 };
const GOALS = { cold: 150, warm: 100 };

interface Cost {
  wall: number;
  cpu: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; cost: Cost }> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const value = await run();
  return { value, cost: { wall: performance.now() - wallStart, cpu: cpuMs(cpuStart) } };
}

/**
 * Median cost of one training step on a clone, two ways: model.trainOnBatch
 * (what model.fit does per batch) and a bare optimizer.minimize + loss read
 * (what the probes do). The smaller one is the unit: the stricter reading.
 */
async function stepCost(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batchSize: number): Promise<{ unit: Cost; fit: Cost; bare: Cost }> {
  const clone = await cloneModel(model);
  const optimizer = tf.train.adam(1e-3);
  clone.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const bx = x.slice(0, batchSize);
  const by = y.slice(0, batchSize);
  const variables = trainableVariables(clone);
  const time = async (step: () => Promise<unknown>): Promise<Cost> => {
    const costs: Cost[] = [];
    for (let i = 0; i < SETTINGS.warmupSteps + SETTINGS.timedSteps; i++) {
      const { cost } = await timed(step);
      if (i >= SETTINGS.warmupSteps) costs.push(cost);
    }
    return { wall: median(costs.map((c) => c.wall)), cpu: median(costs.map((c) => c.cpu)) };
  };
  const fit = await time(() => clone.trainOnBatch(bx, by));
  const bare = await time(() => trainStep(clone, optimizer, variables, bx, by, crossEntropy));
  tf.dispose([bx, by]);
  optimizer.dispose();
  clone.dispose();
  const unit = { wall: Math.min(fit.wall, bare.wall), cpu: Math.min(fit.cpu, bare.cpu) };
  return { unit, fit, bare };
}

async function measure(work: Workload): Promise<{ cold: number; warm: number }> {
  const model = work.build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const { x, y } = mnistDigits(SETTINGS.samples, work.shape);
  const { unit, fit, bare } = await stepCost(model, x, y, work.batchSize);
  const run = () => diagnose(model, { x, y }, { display: false, batchSize: work.batchSize });
  const cold = await timed(run);
  const warm = await timed(run);
  const network = new Set(NETWORK_CHECKS.map((c) => c.id));
  const warmMs = new Map(warm.value.checks.map((c) => [c.id, c.ms]));
  const steps = (ms: number) => (ms / unit.wall).toFixed(1).padStart(7);
  const lines = [
    `${work.name}: one training step (batch ${work.batchSize}) = ${unit.cpu.toFixed(1)} ms CPU, ${unit.wall.toFixed(1)} ms wall on ${tf.getBackend()} ` +
      `(trainOnBatch ${fit.cpu.toFixed(1)} / ${fit.wall.toFixed(1)} ms, bare optimizer step ${bare.cpu.toFixed(1)} / ${bare.wall.toFixed(1)} ms)`,
    `  ${'check'.padEnd(22)} ${'part'.padEnd(8)} ${'status'.padEnd(8)} ${'cold ms'.padStart(8)} ${'steps'.padStart(7)} ${'warm ms'.padStart(8)} ${'steps'.padStart(7)}  (wall)`,
    ...cold.value.checks.map((c) => {
      const again = warmMs.get(c.id) ?? 0;
      return `  ${c.id.padEnd(22)} ${(network.has(c.id) ? 'network' : 'data').padEnd(8)} ${c.status.padEnd(8)} ${c.ms.toFixed(0).padStart(8)} ${steps(c.ms)} ${again.toFixed(0).padStart(8)} ${steps(again)}`;
    }),
  ];
  const total = (label: string, cost: Cost, goal: number) =>
    `  whole diagnose(), ${label}: ${(cost.cpu / unit.cpu).toFixed(1)} step-equivalents in CPU time (${cost.cpu.toFixed(0)} ms), ` +
    `${(cost.wall / unit.wall).toFixed(1)} in wall time (${cost.wall.toFixed(0)} ms); goal <= ${goal}: ${cost.cpu / unit.cpu <= goal ? 'ok' : 'MISS'}`;
  lines.push(total('cold', cold.cost, GOALS.cold), total('warm', warm.cost, GOALS.warm));
  process.stdout.write(`${lines.join('\n')}\n`);
  tf.dispose([x, y]);
  model.dispose();
  return { cold: cold.cost.cpu / unit.cpu, warm: warm.cost.cpu / unit.cpu };
}

async function main(): Promise<number> {
  await ready();
  const only = process.argv[2];
  const results: Array<{ cold: number; warm: number }> = [];
  for (const work of FOUNDATION_WORKLOADS) {
    if (!only || only === work.key) results.push(await measure(work));
  }
  const missed = results.filter((r) => r.cold > GOALS.cold || r.warm > GOALS.warm).length;
  console.log(missed === 0 ? 'all goals met' : `${missed} model(s) over a goal`);
  return missed === 0 ? 0 : 2;
}

runBench(main);
