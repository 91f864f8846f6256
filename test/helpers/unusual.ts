/**
 * Assertions of the unusual-input suite: the exact outcome (the error class and
 * its catalogue entry, or the right answer), no leaked tensor, and the user's
 * model unchanged (weights bit for bit, trainable flags, optimizer state).
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DiagnoseInputError } from '../../src/data/errors';
import { INPUT_ERRORS, messageOf, type InputErrorCode } from '../../src/messages/errors';

/** Everything of a model diagnose() must leave as it found it. */
export interface ModelState {
  weights: string[];
  trainable: boolean[];
  optimizer: string[];
}

function bits(t: tf.Tensor): string {
  const data = t.dataSync();
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

export async function modelState(model: tf.LayersModel): Promise<ModelState> {
  let optimizer: string[] = [];
  try {
    const opt = model.optimizer as tf.Optimizer | undefined;
    if (opt) optimizer = [opt.getClassName(), JSON.stringify(opt.getConfig()), ...(await opt.getWeights()).map((w) => `${w.name}:${bits(w.tensor)}`)];
  } catch {
    optimizer = ['(none)'];
  }
  return {
    weights: model.weights.map((w) => `${w.name}:${bits(w.read())}`),
    trainable: model.layers.map((l) => l.trainable),
    optimizer,
  };
}

/** Runs `run` and asserts it leaves the tensor count and the model as they were. */
export async function untouched<T>(model: tf.LayersModel | null, run: () => Promise<T>): Promise<T> {
  const before = model ? await modelState(model) : null;
  const tensors = tf.memory().numTensors;
  let result: T;
  try {
    result = await run();
  } finally {
    assert.equal(tf.memory().numTensors - tensors, 0, 'leaked tensors');
  }
  if (model && before) assert.deepEqual(await modelState(model), before, 'the model changed');
  return result;
}

/** `run` rejects with a DiagnoseInputError of catalogue entry `code` (exact message), leaking nothing, changing nothing. */
export async function rejectsWith<K extends InputErrorCode>(
  model: tf.LayersModel | null, run: () => Promise<unknown>, code: K, ...args: Parameters<(typeof INPUT_ERRORS)[K]>
): Promise<void> {
  await untouched(model, async () => {
    await assert.rejects(run, (error: unknown) => {
      assert.ok(error instanceof DiagnoseInputError, `expected a DiagnoseInputError, got ${String(error)}`);
      assert.equal(error.code, code);
      assert.equal(error.message, messageOf(INPUT_ERRORS, code, args));
      return true;
    });
  });
}
