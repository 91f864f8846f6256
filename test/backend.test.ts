/**
 * ready(): which backend it picks, how it can be forced, that it prints
 * nothing, and that the layers people use train on the backend it picks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { backendReason, ready } from '../src/backend';
import { createBackendSelector, type BackendDeps } from '../src/backend/select';

const run = promisify(execFile);
const selectModule = path.join(__dirname, '..', 'src', 'backend', 'select.js');
const packageEntry = path.join(__dirname, '..', 'src', 'index.js');
const repoRoot = path.join(__dirname, '..', '..');

/** Runs a script in a fresh node process (a fresh tfjs) and returns what it printed. */
async function inFreshProcess(script: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['-e', script], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 30_000 });
}

// --- Choosing ----------------------------------------------------------------

test('ready() returns wasm here, the same name on every call, and says why not tensorflow', async () => {
  const baseline = tf.memory().numTensors;
  const [first, second] = await Promise.all([ready(), ready()]);
  assert.equal(first, 'wasm');
  assert.equal(second, 'wasm');
  assert.equal(await ready(), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(backendReason(), "'wasm' because tensorflow is unavailable (@tensorflow/tfjs-node is not installed)");
  assert.equal(tf.memory().numTensors, baseline);
});

test('ready({ backend }) forces a backend, and ready() alone goes back to the fastest', async () => {
  assert.equal(await ready({ backend: 'cpu' }), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(backendReason(), "'cpu' as requested");
  assert.equal(await ready(), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('ready({ backend }) rejects an unknown name, naming the argument and the choices', async () => {
  await assert.rejects(ready({ backend: 'gpu' as 'cpu' }), {
    name: 'BackendError',
    message: "ready({ backend }) is 'gpu'; use one of 'auto', 'tensorflow', 'wasm', 'cpu'.",
  });
});

const fakeNodeBackendName = 'tensorflow';

class FakeNodeBackend extends tf.KernelBackend {
  override dispose(): void {}
}

function deps(overrides: Partial<BackendDeps>): BackendDeps {
  return {
    loadNodeBackend() {
      throw new Error('@tensorflow/tfjs-node is not installed');
    },
    createWasmBackend() {
      return Promise.reject(new Error('wasm should already be running in this process'));
    },
    env: {},
    ...overrides,
  };
}

test('a backend selector takes tensorflow first when tfjs-node loads', async () => {
  let loads = 0;
  const selector = createBackendSelector(
    deps({
      loadNodeBackend() {
        loads += 1;
        tf.registerBackend(fakeNodeBackendName, () => new FakeNodeBackend(), 3);
      },
    }),
  );
  try {
    const [a, b] = await Promise.all([selector.ready(), selector.ready()]);
    assert.deepEqual([a, b], ['tensorflow', 'tensorflow']);
    assert.equal(loads, 1, 'concurrent calls share one selection');
    assert.equal(selector.reason(), "'tensorflow', the fastest");
  } finally {
    await ready({ backend: 'wasm' });
    tf.removeBackend(fakeNodeBackendName);
    await ready();
  }
});

test('a backend selector reads TFJS_DOCTOR_BACKEND, and the argument wins over it', async () => {
  const selector = createBackendSelector(deps({ env: { TFJS_DOCTOR_BACKEND: 'cpu' } }));
  try {
    assert.equal(await selector.ready(), 'cpu');
    assert.equal(await selector.ready({ backend: 'wasm' }), 'wasm');
  } finally {
    await ready();
  }
  const badEnv = createBackendSelector(deps({ env: { TFJS_DOCTOR_BACKEND: 'fast' } }));
  await assert.rejects(badEnv.ready(), /The TFJS_DOCTOR_BACKEND environment variable is 'fast'; use one of/);
});

test('a forced backend that cannot start is an error that says so', async () => {
  const selector = createBackendSelector(deps({}));
  await assert.rejects(selector.ready({ backend: 'tensorflow' }), {
    name: 'BackendError',
    message: /could not start the 'tensorflow' backend you asked for \(@tensorflow\/tfjs-node is not installed\)/,
  });
  assert.equal(tf.getBackend(), 'wasm');
});

test('ready() falls back to cpu, silently and with a one-line reason, when wasm cannot start', async () => {
  const script = `
    const tf = require('@tensorflow/tfjs');
    const { createBackendSelector } = require(${JSON.stringify(selectModule)});
    const selector = createBackendSelector({
      loadNodeBackend() { throw new Error('not installed'); },
      createWasmBackend() { return Promise.reject(new Error('WebAssembly.instantiate(): out of memory')); },
      env: {},
    });
    selector.ready().then((name) => {
      tf.tidy(() => tf.tensor([1, 2, 3]).square().dataSync());
      process.stdout.write(JSON.stringify({ name, active: tf.getBackend(), reason: selector.reason() }));
    });
  `;
  const { stdout, stderr } = await inFreshProcess(script);
  assert.equal(stderr, '', 'the fallback printed something');
  assert.deepEqual(JSON.parse(stdout), {
    name: 'cpu',
    active: 'cpu',
    reason: "'cpu' because tensorflow is unavailable (not installed); wasm is unavailable (WebAssembly.instantiate(): out of memory)",
  });
});

test('importing tfjs-doctor and calling ready() prints nothing, even on the cpu backend', async () => {
  const script = `
    const doctor = require(${JSON.stringify(packageEntry)});
    const tf = require('@tensorflow/tfjs');
    (async () => {
      for (const backend of ['auto', 'cpu', 'wasm']) {
        await doctor.ready({ backend });
        tf.tidy(() => tf.tensor([1, 2, 3]).square().dataSync());
      }
    })();
  `;
  const { stdout, stderr } = await inFreshProcess(script);
  assert.equal(stdout, '');
  assert.equal(stderr, '');
});

test('importing tfjs-doctor leaves tfjs usable before ready(): ops run on cpu as they did without it', async () => {
  const script = `
    require(${JSON.stringify(packageEntry)});
    const tf = require('@tensorflow/tfjs');
    const sum = tf.tensor([1, 2, 3]).sum().dataSync()[0];
    process.stdout.write(JSON.stringify({ sum, backend: tf.getBackend() }));
  `;
  const { stdout } = await inFreshProcess(script);
  assert.deepEqual(JSON.parse(stdout), { sum: 6, backend: 'cpu' });
});

test('without tfjs-doctor choosing, tfjs itself prints the node-backend banner (what ready() silences)', async () => {
  const { stderr } = await inFreshProcess(`const tf = require('@tensorflow/tfjs'); tf.tensor([1]).dataSync();`);
  assert.match(stderr, /looks like you are running TensorFlow\.js in Node\.js/);
});
