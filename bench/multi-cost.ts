/**
 * What a second output costs a diagnosis: the zoo's two-output models (a dense
 * trunk with a class head and a size head; an ACGAN discriminator with a
 * real/fake head and a class head) against the same model cut to one of its
 * heads, on the same data, in CPU time of this process (process.cpuUsage),
 * interleaved rounds after one untimed round each, median per model. Target:
 * a two-output diagnosis within about 2x the one-output one.
 *
 *   node dist/bench/multi-cost.js [rounds]      default 5
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import type { DiagnoseData } from '../src/options';
import { ZOO } from './cases/zoo';
import { withSeed } from './cases/seed';

const TARGET = 2;

interface Pair {
  name: string;
  caseId: string;
  /** The head kept in the one-output model, and the loss it is compiled with. */
  head: string;
  loss: string;
}

const PAIRS: readonly Pair[] = [
  { name: 'dense trunk, class + size heads', caseId: 'zoo-two-headed', head: 'cls', loss: 'categoricalCrossentropy' },
  { name: 'ACGAN discriminator, real/fake + class heads', caseId: 'zoo-acgan-discriminator', head: 'auxClass', loss: 'sparseCategoricalCrossentropy' },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The case's data with only `head`'s labels (tensors, or dataset elements). */
function oneHeadData(data: DiagnoseData, head: string): DiagnoseData {
  if (data instanceof tf.data.Dataset) {
    return (data as tf.data.Dataset<{ xs: tf.Tensor; ys: Record<string, tf.Tensor> }>).map((e) => ({ xs: e.xs, ys: e.ys[head] }));
  }
  const { x, y } = data as { x: tf.Tensor; y: Record<string, tf.Tensor> };
  return { x, y: y[head] };
}

async function cpuOf(model: tf.LayersModel, data: DiagnoseData): Promise<number> {
  const start = process.cpuUsage();
  await diagnose(model, data, { display: false, seed: 1 });
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function measure(pair: Pair, rounds: number): Promise<{ two: number; one: number }> {
  const found = ZOO.find((c) => c.id === pair.caseId);
  if (!found || found.kind !== 'healthy') throw new Error(`no healthy zoo case ${pair.caseId}`);
  const times = { two: [] as number[], one: [] as number[] };
  for (let round = 0; round <= rounds; round++) {
    for (const kind of ['two', 'one'] as const) {
      const setup = withSeed(1, found.build);
      const original = setup.model;
      let model = original;
      if (kind === 'one') {
        model = tf.model({ inputs: original.inputs, outputs: original.outputs[original.outputNames.indexOf(pair.head)] });
        model.compile({ optimizer: tf.train.adam(0.01), loss: pair.loss });
      }
      try {
        const ms = await cpuOf(model, kind === 'one' ? oneHeadData(setup.data, pair.head) : setup.data);
        if (round > 0) times[kind].push(ms);
      } finally {
        if (model !== original) model.optimizer?.dispose();
        original.optimizer?.dispose();
        original.dispose();
        const tensors = setup.data instanceof tf.data.Dataset ? [] : Object.values(setup.data).flatMap((v) => (v instanceof tf.Tensor ? [v] : Object.values(v as object)));
        tf.dispose(tensors.filter((t): t is tf.Tensor => t instanceof tf.Tensor));
      }
    }
  }
  return { two: median(times.two), one: median(times.one) };
}

async function main(): Promise<number> {
  const rounds = Number(process.argv[2] ?? 5);
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`rounds ${process.argv[2]}: use a whole number >= 1`);
  console.log(`multi-output cost on ${await ready()}: median CPU ms of ${rounds} interleaved rounds (after one untimed round)`);
  let missed = 0;
  for (const pair of PAIRS) {
    const { two, one } = await measure(pair, rounds);
    const ratio = two / one;
    if (ratio > TARGET) missed++;
    console.log(`${pair.name.padEnd(48)} | two outputs ${two.toFixed(0)} ms | one (${pair.head}) ${one.toFixed(0)} ms | ${ratio.toFixed(2)}x${ratio > TARGET ? ` OVER ${TARGET}x` : ''}`);
  }
  return missed === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
