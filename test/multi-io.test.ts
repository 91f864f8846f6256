/**
 * diagnose() on models with several inputs or outputs: data as model.fit takes
 * it (arrays in model order, objects by name, datasets of either), clear errors,
 * per-output chance levels, findings that name their input or output, no leaks
 * and the model unchanged on success and error paths.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose, DiagnoseInputError, type DiagnoseData } from '../src/diagnose';
import { INPUT_ERRORS } from '../src/messages/errors';
import { DATA_ONLY, diagnoseNoLeak, findingOf } from './helpers/diagnose';
import { gaussian, oneHot, weightSnapshot } from './helpers/models';
import { seededRandom } from '../src/context/random';

before(() => ready());

const ROWS = 240;

/** Two inputs (a: 3 features, b: 2 features) and two heads: 'cls' (3 balanced classes, softmax) and 'flag' (sigmoid, balanced). */
function twoByTwo(): tf.LayersModel {
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [2], name: 'b' });
  const trunk = tf.layers.dense({ units: 16, activation: 'relu' }).apply(tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const cls = tf.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(trunk) as tf.SymbolicTensor;
  const flag = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'flag' }).apply(trunk) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: [cls, flag] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: { cls: 'categoricalCrossentropy', flag: 'binaryCrossentropy' } });
  return model;
}

/** Standardized features; 'cls' from a's first feature (terciles), 'flag' from the sign of b's first feature. */
function twoByTwoArrays(seed = 3): { a: number[][]; b: number[][]; cls: number[][]; flag: number[][]; labels: number[] } {
  const gauss = gaussian(seededRandom(seed));
  const a = Array.from({ length: ROWS }, () => [gauss(), gauss(), gauss()]);
  const b = Array.from({ length: ROWS }, () => [gauss(), gauss()]);
  const labels = a.map((r) => (r[0] < -0.43 ? 0 : r[0] < 0.43 ? 1 : 2));
  return { a, b, cls: oneHot(labels, 3), flag: b.map((r) => [r[0] > 0 ? 1 : 0]), labels };
}

async function unchanged<T>(model: tf.LayersModel, run: () => Promise<T>): Promise<T> {
  const weights = weightSnapshot(model);
  const before = tf.memory().numTensors;
  const result = await run().finally(() => assert.equal(tf.memory().numTensors, before, 'diagnose() leaked tensors'));
  assert.deepEqual(weightSnapshot(model), weights, 'the model changed');
  return result;
}

describe('several inputs and outputs', () => {
  test('diagnose(model, { x: [a, b], y: [cls, flag] }) accepts arrays in model order and finds nothing wrong (all checks)', async () => {
    const model = twoByTwo();
    const d = twoByTwoArrays();
    const report = await unchanged(model, () => diagnose(model, { x: [d.a, d.b], y: [d.cls, d.flag] }, { display: false }));
    assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => f.title), []);
    assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.note}`), []);
    assert.deepEqual(report.context.inputs?.map((i) => i.name), ['a', 'b']);
    assert.ok(report.checks.some((c) => c.id === "data-scale (input 'b')"), 'each input is checked on its own');
    assert.ok(report.checks.some((c) => c.id === 'gradient-flow' && c.status === 'pass'), 'network checks run on the whole model');
    model.dispose();
  });

  test('diagnose(model, { x: { a, b }, y: { cls, flag } }) accepts objects by name and gives each output its chance level', async () => {
    const model = twoByTwo();
    const d = twoByTwoArrays();
    const report = await unchanged(model, () => diagnoseNoLeak(model, { x: { b: d.b, a: d.a }, y: { flag: d.flag, cls: d.cls } }));
    const outputs = report.context.outputs ?? [];
    assert.deepEqual(outputs.map((o) => [o.name, o.lossName, o.task]), [['cls', 'categoricalCrossentropy', 'multiclass'], ['flag', 'binaryCrossentropy', 'binary']]);
    assert.ok(Math.abs((outputs[0].chanceLoss ?? 0) - Math.log(3)) < 0.01, `cls chance ${outputs[0].chanceLoss}`);
    assert.ok(Math.abs((outputs[1].chanceLoss ?? 0) - Math.log(2)) < 0.02, `flag chance ${outputs[1].chanceLoss}`);
    assert.ok(Math.abs((report.context.chanceLoss ?? 0) - (outputs[0].chanceLoss ?? 0) - (outputs[1].chanceLoss ?? 0)) < 1e-9, 'the total chance level is the sum');
    assert.deepEqual(report.measurements.parts?.map((p) => `${p.kind} ${p.name}`), ['input a', 'input b', 'output cls', 'output flag']);
    model.dispose();
  });

  test('diagnose(model, dataset of { xs: [a, b], ys: { cls, flag } }) streams the dataset per input and output', async () => {
    const model = twoByTwo();
    const d = twoByTwoArrays();
    // Batches as model.fitDataset takes them: xs an array of tensors, ys an object of tensors.
    const dataset = tf.data.generator(function* () {
      for (let start = 0; start < ROWS; start += 32) {
        const rows = (v: number[][]): tf.Tensor2D => tf.tensor2d(v.slice(start, start + 32));
        yield { xs: [rows(d.a), rows(d.b)], ys: { cls: rows(d.cls), flag: rows(d.flag) } };
      }
    }) as unknown as DiagnoseData;
    const report = await unchanged(model, () => diagnoseNoLeak(model, dataset));
    assert.equal(report.context.samplesSeen, ROWS);
    assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => f.title), []);
    model.dispose();
  });

  test("diagnose(model, data with one head's labels shuffled) reports labels-unrelated for that output, by name", async () => {
    const model = twoByTwo();
    const d = twoByTwoArrays();
    const order = Array.from({ length: ROWS }, (_, i) => (i * 97) % ROWS);
    const report = await unchanged(model, () => diagnoseNoLeak(model, { x: [d.a, d.b], y: { cls: order.map((i) => d.cls[i]), flag: d.flag } }));
    const finding = findingOf(report, 'labels-unrelated');
    assert.equal(finding.output, 'cls');
    assert.ok(finding.title.startsWith("output 'cls': "), finding.title);
    assert.ok(!report.findings.some((f) => f.id === 'labels-unrelated' && f.output === 'flag'), 'the other head stays clean');
    assert.match(report.toText(), /output 'cls': /);
    assert.match(report.toHTML(), /output &#39;cls&#39;|output 'cls'/);
    model.dispose();
  });

  test('diagnose(model, data) with a wrong count, an unknown name, a missing name or uneven rows says which and how to fix it', async () => {
    const model = twoByTwo();
    const d = twoByTwoArrays();
    const cases: [DiagnoseData, string][] = [
      [{ x: [d.a], y: [d.cls, d.flag] }, INPUT_ERRORS.severalCount('data.x', 'inputs', 1, ['a', 'b'])],
      [{ x: { a: d.a, c: d.b }, y: [d.cls, d.flag] }, INPUT_ERRORS.severalUnknownName('data.x', 'inputs', 'c', ['a', 'b'])],
      [{ x: [d.a, d.b], y: { cls: d.cls } }, INPUT_ERRORS.severalMissingName('data.y', 'outputs', 'flag', ['cls', 'flag'])],
      [{ x: [d.a, d.b.slice(1)], y: [d.cls, d.flag] }, INPUT_ERRORS.severalRows('data', `input 'a': ${ROWS}, input 'b': ${ROWS - 1}, output 'cls': ${ROWS}, output 'flag': ${ROWS}`)],
      [{ x: d.a, y: [d.cls, d.flag] }, INPUT_ERRORS.severalCount('data.x', 'inputs', ROWS, ['a', 'b'])],
    ];
    for (const [data, message] of cases) {
      await unchanged(model, () => assert.rejects(() => diagnose(model, data, DATA_ONLY), (error: unknown) => {
        assert.ok(error instanceof DiagnoseInputError, String(error));
        assert.equal(error.message, message);
        return true;
      }));
    }
    model.dispose();
  });

  test('diagnose(model, dataset yielding the wrong structure) names the missing output before reading on', async () => {
    const model = twoByTwo();
    const d = twoByTwoArrays();
    const dataset = tf.data.array(d.a.map((a, i) => ({ xs: { a, b: d.b[i] }, ys: { cls: d.cls[i] } }))).batch(32) as unknown as DiagnoseData;
    await unchanged(model, () => assert.rejects(() => diagnose(model, dataset, DATA_ONLY), (error: unknown) => {
      assert.ok(error instanceof DiagnoseInputError, String(error));
      assert.equal(error.message, INPUT_ERRORS.severalMissingName('data ys', 'outputs', 'flag', ['cls', 'flag']));
      return true;
    }));
    model.dispose();
  });
});

test("diagnose(model, data) with one input cut off by a zero-weight frozen layer reports input-ignored for that input only", async () => {
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [2], name: 'b' });
  const cut = tf.layers.dense({ units: 2, kernelInitializer: 'zeros', useBias: false, trainable: false, name: 'cut' }).apply(b) as tf.SymbolicTensor;
  const trunk = tf.layers.dense({ units: 8, activation: 'relu' }).apply(tf.layers.concatenate().apply([a, cut]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, name: 'out' }).apply(trunk) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: out });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const d = twoByTwoArrays();
  const report = await unchanged(model, () => diagnose(model, { x: [d.a, d.b], y: d.a.map((r) => [r[0]]) }, { display: false, checks: { only: ['input-dependence'] } }));
  const ignored = report.findings.filter((f) => f.id === 'input-ignored');
  assert.deepEqual(ignored.map((f) => f.input), ['b']);
  assert.ok(ignored[0].title.startsWith("input 'b': "), ignored[0].title);
  model.dispose();
});

test('diagnose(model, data, { validation: { x: { a, b }, y: [cls, flag] } }) checks each split per input and per output', async () => {
  const model = twoByTwo();
  const d = twoByTwoArrays();
  const v = twoByTwoArrays(5);
  const validation = { x: { a: v.a.slice(0, 80), b: v.b.slice(0, 80) }, y: [v.cls.slice(0, 80), v.flag.slice(0, 80)] };
  const report = await unchanged(model, () => diagnoseNoLeak(model, { x: [d.a, d.b], y: [d.cls, d.flag] }, { ...DATA_ONLY, validation }));
  assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => f.title), []);
  assert.deepEqual(report.checks.filter((c) => c.id.startsWith('splits')).map((c) => `${c.id} ${c.status}`), ["splits (input 'a') pass", "splits (input 'b') pass"]);
  model.dispose();
});
