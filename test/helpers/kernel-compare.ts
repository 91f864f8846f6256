/**
 * Runs one tfjs kernel on wasm and on cpu (tfjs's reference) with the same
 * inputs and asserts the results agree to float32 precision, and that
 * neither backend kept a tensor or a data buffer.
 */
import type { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

export interface Result {
  values: Float32Array;
  shape: number[];
}

/** Runs one kernel on `backend`; asserts it leaves no tensor and no backend buffer behind. */
export async function runKernel(backend: string, kernel: string, makeInputs: () => tf.NamedTensorMap, attrs: tf.NamedAttrMap): Promise<Result> {
  await tf.setBackend(backend);
  const inputs = makeInputs();
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const out = tf.engine().runKernel(kernel, inputs, attrs);
  assert.ok(!Array.isArray(out));
  const result = { values: Float32Array.from(out.dataSync()), shape: out.shape };
  out.dispose();
  assert.equal(tf.memory().numTensors, tensorsBefore, `${kernel} on ${backend} leaked tensors`);
  assert.equal(tf.engine().backend.numDataIds(), buffersBefore, `${kernel} on ${backend} leaked backend buffers`);
  Object.values(inputs).forEach((t) => t.dispose());
  return result;
}

/** Asserts wasm matches the reference to float32 precision, relative to the result's magnitude. */
export function assertClose(t: test.TestContext, actual: Result, expected: Result): void {
  assert.deepEqual(actual.shape, expected.shape);
  let maxError = 0;
  let scale = 0;
  expected.values.forEach((v, i) => {
    maxError = Math.max(maxError, Math.abs(actual.values[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  t.diagnostic(`max abs error ${maxError.toExponential(2)} (largest value ${scale.toFixed(3)})`);
  assert.ok(scale > 0, 'the reference is all zeros: the case tests nothing');
  assert.ok(maxError <= 1e-5 * Math.max(1, scale), `max abs error ${maxError} exceeds float32 tolerance for values up to ${scale}`);
}

export async function compareWithCpu(t: test.TestContext, kernel: string, makeInputs: () => tf.NamedTensorMap, attrs: tf.NamedAttrMap): Promise<void> {
  const baseline = tf.memory().numTensors;
  const wasm = await runKernel('wasm', kernel, makeInputs, attrs);
  const cpu = await runKernel('cpu', kernel, makeInputs, attrs);
  await tf.setBackend('wasm');
  assertClose(t, wasm, cpu);
  assert.equal(tf.memory().numTensors, baseline);
}
