/**
 * What a quick diagnose() costs, in units of one plain training step of the
 * same model and batch size (measured in the same run): per check and in
 * total, for the MNIST MLP and the small CNN. Goal: <= 200 step-equivalents.
 *
 *   node dist/bench/diagnose-cost.js            both models
 *   node dist/bench/diagnose-cost.js cnn        one of them
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { NETWORK_CHECKS } from '../src/checks/network';
import { cloneModel } from '../src/model/clone';
import { trainStep, trainableVariables } from '../src/model/train';
import { cnn, crossEntropy, mlp, mnistDigits } from '../test/helpers/network-models';

const SETTINGS = { samples: 1000, batchSize: 32, warmupSteps: 3, timedSteps: 20, goal: 200 };

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median wall time of one training step on a clone, two ways: model.trainOnBatch
 * (what model.fit does per batch) and a bare optimizer.minimize + loss read
 * (what the probes do). The smaller one is the unit: the stricter reading.
 */
async function stepMs(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<{ fit: number; bare: number }> {
  const clone = await cloneModel(model);
  const optimizer = tf.train.adam(1e-3);
  clone.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const bx = x.slice(0, SETTINGS.batchSize);
  const by = y.slice(0, SETTINGS.batchSize);
  const variables = trainableVariables(clone);
  const time = async (step: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < SETTINGS.warmupSteps + SETTINGS.timedSteps; i++) {
      const start = performance.now();
      await step();
      if (i >= SETTINGS.warmupSteps) times.push(performance.now() - start);
    }
    return median(times);
  };
  const fit = await time(() => clone.trainOnBatch(bx, by));
  const bare = await time(() => trainStep(clone, optimizer, variables, bx, by, crossEntropy));
  tf.dispose([bx, by]);
  optimizer.dispose();
  clone.dispose();
  return { fit, bare };
}

async function measure(name: string, model: tf.LayersModel, shape: number[]): Promise<number> {
  const { x, y } = mnistDigits(SETTINGS.samples, shape);
  const unit = await stepMs(model, x, y);
  const step = Math.min(unit.fit, unit.bare);
  const start = performance.now();
  const report = await diagnose(model, { x, y }, { display: false, batchSize: SETTINGS.batchSize });
  const total = performance.now() - start;
  const network = new Set(NETWORK_CHECKS.map((c) => c.id));
  const rows = report.checks.map((c) => ({ check: c.id, part: network.has(c.id) ? 'network' : 'data', status: c.status, ms: c.ms, steps: c.ms / step }));
  const lines = [
    `${name}: one training step (batch ${SETTINGS.batchSize}) = ${step.toFixed(1)} ms on ${tf.getBackend()} ` +
      `(trainOnBatch ${unit.fit.toFixed(1)} ms, bare optimizer step ${unit.bare.toFixed(1)} ms)`,
    ...rows.map((r) => `  ${r.check.padEnd(22)} ${r.part.padEnd(8)} ${r.status.padEnd(8)} ${r.ms.toFixed(0).padStart(7)} ms ${r.steps.toFixed(1).padStart(7)} steps`),
    `  ${'network checks'.padEnd(40)} ${rows.filter((r) => r.part === 'network').reduce((s, r) => s + r.steps, 0).toFixed(1).padStart(16)} steps`,
    `  ${'whole diagnose()'.padEnd(40)} ${(total / step).toFixed(1).padStart(16)} steps (${total.toFixed(0)} ms; goal <= ${SETTINGS.goal})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  tf.dispose([x, y]);
  model.dispose();
  return total / step;
}

async function main(): Promise<void> {
  await ready();
  const only = process.argv[2];
  const results: number[] = [];
  if (!only || only === 'mlp') results.push(await measure('MNIST MLP 784-128-64-10', mlp(), [784]));
  if (!only || only === 'cnn') results.push(await measure('small CNN conv16-pool-conv32-pool-dense10', cnn(), [28, 28, 1]));
  if (results.some((r) => r > SETTINGS.goal)) process.exitCode = 1;
}

void main();
