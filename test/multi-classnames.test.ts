/**
 * options.classNames for models with several outputs: lists keyed by output
 * name name each classification output's classes in its prediction views,
 * confusion matrix, label findings and the context; bad forms get a clear
 * DiagnoseInputError, with no leak and the model unchanged.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose, DiagnoseInputError, type DiagnoseOptions } from '../src/diagnose';
import type { Diagnosis } from '../src/report';
import { INPUT_ERRORS } from '../src/messages/errors';
import { DATA_ONLY } from './helpers/diagnose';
import { gaussian, oneHot } from './helpers/models';
import { untouched } from './helpers/unusual';
import { seededRandom } from '../src/context/random';
import type { Measurements } from '../src/measurements';

before(() => ready());

const ROWS = 240;
const NAMES = ['low', 'mid', 'high'];

/** One input (3 features), a class head 'cls' (3 classes, softmax) and a regression head 'size'. */
function classAndSize(): tf.LayersModel {
  const x = tf.input({ shape: [3], name: 'x' });
  const trunk = tf.layers.dense({ units: 16, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const cls = tf.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(trunk) as tf.SymbolicTensor;
  const size = tf.layers.dense({ units: 1, name: 'size' }).apply(trunk) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: [cls, size] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: { cls: 'categoricalCrossentropy', size: 'meanSquaredError' } });
  return model;
}

/** Standardized features; 'cls' from the first feature (terciles, or `skewed`: 'low' for 9 rows in 10), 'size' from the second. */
function data(skewed = false): { x: number[][]; y: { cls: number[][]; size: number[][] } } {
  const gauss = gaussian(seededRandom(5));
  const x = Array.from({ length: ROWS }, () => [gauss(), gauss(), gauss()]);
  const labels = x.map((r, i) => (skewed ? (i % 10 === 0 ? 1 + (i % 20 === 0 ? 1 : 0) : 0) : r[0] < -0.43 ? 0 : r[0] < 0.43 ? 1 : 2));
  return { x, y: { cls: oneHot(labels, 3), size: x.map((r) => [0.5 * r[1]]) } };
}

function partOf(report: Diagnosis, output: string): Measurements {
  const part = report.measurements.parts?.find((p) => p.kind === 'output' && p.name === output);
  assert.ok(part, `no measurements for output '${output}'`);
  return part.measurements;
}

async function refuses(model: tf.LayersModel, options: DiagnoseOptions, message: string): Promise<void> {
  await untouched(model, () => assert.rejects(() => diagnose(model, data(), { ...DATA_ONLY, ...options }), (error: unknown) => {
    assert.ok(error instanceof DiagnoseInputError, String(error));
    assert.equal(error.message, message);
    return true;
  }));
}

describe('options.classNames with several outputs', () => {
  test("diagnose(model, data, { classNames: { cls: ['low', 'mid', 'high'] } }) names cls's classes in its predictions, confusion matrix and context", async () => {
    const model = classAndSize();
    const report = await untouched(model, () => diagnose(model, data(), { ...DATA_ONLY, classNames: { cls: NAMES } }));
    const cls = partOf(report, 'cls');
    assert.deepEqual(cls.confusion?.classes, NAMES);
    const rows = cls.predictions?.rows ?? [];
    assert.ok(rows.length > 0, 'the cls output has a prediction view');
    assert.ok(rows.every((r) => NAMES.includes(String(r.label)) && NAMES.includes(String(r.prediction))), JSON.stringify(rows.slice(0, 2)));
    assert.deepEqual(report.context.outputs?.map((o) => [o.name, o.classNames]), [['cls', NAMES], ['size', undefined]]);
    assert.match(report.toText(), /Output 'cls': multiclass, categoricalCrossentropy \(chance level [\d.]+\), 3 classes: low, mid, high/);
    model.dispose();
  });

  test("diagnose(model, skewed data, { classNames: { cls: [...] } }) names the rare and common classes in the cls output's labels-imbalanced finding", async () => {
    const model = classAndSize();
    const report = await untouched(model, () => diagnose(model, data(true), { ...DATA_ONLY, classNames: { cls: NAMES } }));
    const imbalanced = report.findings.find((f) => f.id === 'labels-imbalanced' && f.output === 'cls');
    assert.ok(imbalanced, report.findings.map((f) => f.title).join(' | '));
    assert.match(imbalanced.detail, /low/);
    assert.doesNotMatch(imbalanced.detail, /class 0\b/);
    model.dispose();
  });

  test('diagnose(model, data, { classNames }) without a list for an output keeps its default names 0, 1, ...', async () => {
    const model = classAndSize();
    const report = await untouched(model, () => diagnose(model, data(), { ...DATA_ONLY, classNames: {} }));
    assert.deepEqual(partOf(report, 'cls').confusion?.classes, ['0', '1', '2']);
    model.dispose();
  });

  test('diagnose(model, data, { classNames }) refuses an unknown output name, one list for several outputs, a wrong length and names for a regression output', async () => {
    const model = classAndSize();
    await refuses(model, { classNames: { klass: NAMES } }, INPUT_ERRORS.severalUnknownName('options.classNames', 'outputs', 'klass', ['cls', 'size']));
    await refuses(model, { classNames: NAMES }, INPUT_ERRORS.classNamesPerOutput(['cls', 'size']));
    await refuses(model, { classNames: { cls: ['low', 'high'] } }, INPUT_ERRORS.classNamesLength('options.classNames.cls', "output 'cls'", 2, 3));
    await refuses(model, { classNames: { size: ['small', 'big'] } }, INPUT_ERRORS.classNamesNoClasses('options.classNames.size', "output 'size'", 'regression'));
    await refuses(model, { classNames: { cls: 'low, mid, high' as unknown as string[] } }, INPUT_ERRORS.optionStringList('classNames.cls', 'low, mid, high'));
    model.dispose();
  });
});

describe('options.classNames with one output', () => {
  function single(): tf.LayersModel {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 3, activation: 'softmax', name: 'species' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    return model;
  }
  const rows = (): { x: number[][]; y: number[][] } => {
    const d = data();
    return { x: d.x, y: d.y.cls };
  };

  test("diagnose(model, data, { classNames: { [outputName]: [...] } }) names a single output's classes as the list form does", async () => {
    const model = single();
    const output = model.outputNames[0];
    const report = await untouched(model, () => diagnose(model, rows(), { ...DATA_ONLY, classNames: { [output]: NAMES } }));
    assert.deepEqual(report.context.classNames, NAMES);
    model.dispose();
  });

  test('diagnose(model, data, { classNames: [two names] }) for three classes says how many names it needs', async () => {
    const model = single();
    await untouched(model, () => assert.rejects(() => diagnose(model, rows(), { ...DATA_ONLY, classNames: ['low', 'high'] }), (error: unknown) => {
      assert.ok(error instanceof DiagnoseInputError, String(error));
      assert.equal(error.message, INPUT_ERRORS.classNamesLength('options.classNames', 'the model output', 2, 3));
      return true;
    }));
    model.dispose();
  });
});
