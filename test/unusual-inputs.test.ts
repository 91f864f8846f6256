/**
 * diagnose() under unusual inputs, kind by kind (options, the model, the data,
 * scale and cancellation, names): each case asserts its exact outcome (the
 * error class and its catalogue entry, or the right answer), no leaked tensor,
 * and the user's model unchanged (weights bit for bit, trainable flags,
 * optimizer state).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose, type DiagnoseData, type DiagnoseOptions } from '../src/diagnose';
import { DiagnoseInputError } from '../src/data/errors';
import { OPTIMIZER_NAMES } from '../src/context/optimizer';
import { INPUT_ERRORS, type InputErrorCode } from '../src/messages/errors';
import { DATA_ONLY } from './helpers/diagnose';
import { rejectsWith, untouched } from './helpers/unusual';

before(() => ready());

const quiet: DiagnoseOptions = { display: false };

/** 4 features -> 8 relu -> `classes` softmax, compiled with Adam (its optimizer state exists once trained). */
function tiny(classes = 3, compile = true): tf.Sequential {
  const model = tf.sequential({ name: 'tiny' });
  model.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  if (compile) model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

/** `rows` rows of 4 standardized features whose class (of 3) follows the first two; one-hot labels. */
function rowsOf(rows: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([rows, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const labels = x.slice([0, 0], [rows, 1]).reshape([rows]).greater(0).cast('int32')
      .add(x.slice([0, 1], [rows, 1]).reshape([rows]).greater(0.5).cast('int32')) as tf.Tensor1D;
    return { x, y: tf.oneHot(labels, 3).cast('float32') as tf.Tensor2D };
  });
}

/** Trains the model for one step so its optimizer holds state that must survive diagnose() bit for bit. */
async function withOptimizerState(model: tf.LayersModel): Promise<void> {
  const { x, y } = rowsOf(16);
  await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
  tf.dispose([x, y]);
}

/** A case whose outcome is a catalogue error. */
async function refuses<K extends InputErrorCode>(
  model: tf.LayersModel | null, data: DiagnoseData | undefined, options: DiagnoseOptions | undefined, code: K, ...args: Parameters<(typeof INPUT_ERRORS)[K]>
): Promise<void> {
  await rejectsWith(model, () => diagnose(model as tf.LayersModel, data as DiagnoseData, options), code, ...args);
}

/** A case whose outcome is a catalogue error whose message carries a reason from elsewhere (tfjs, the user's code). */
async function refusesWithReason(model: tf.LayersModel, data: DiagnoseData, options: DiagnoseOptions, code: InputErrorCode, prefix: string): Promise<void> {
  await untouched(model, async () => {
    await assert.rejects(() => diagnose(model, data, options), (error: unknown) => {
      assert.ok(error instanceof DiagnoseInputError, String(error));
      assert.equal(error.code, code);
      assert.ok(error.message.startsWith(prefix), error.message);
      return true;
    });
  });
}

describe('unusual options', () => {
  test("diagnose(model, data, { optimizer: 'sgd' }) probes with SGD at compile's default rate 0.01, as model.compile reads the name", async () => {
    const model = tiny();
    await withOptimizerState(model);
    const data = rowsOf(64);
    const report = await untouched(model, () => diagnose(model, data, { ...quiet, optimizer: 'sgd', checks: { only: ['gradient-flow'] } }));
    assert.equal(report.context.optimizerName, 'SGD');
    assert.equal(report.context.learningRate, 0.01);
    assert.equal(report.checks.find((c) => c.id === 'gradient-flow')?.status !== 'error', true);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  test("diagnose(model, data, { optimizer: 'RMSProp', learningRate: 0.1 }) takes compile's spelling and the given rate", async () => {
    const model = tiny();
    const data = rowsOf(32);
    const report = await untouched(model, () => diagnose(model, data, { ...DATA_ONLY, optimizer: 'RMSProp', learningRate: 0.1 }));
    assert.deepEqual([report.context.optimizerName, report.context.learningRate], ['RMSProp', 0.1]);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  test("diagnose(model, data, { optimizer: 'nesterov' }) names the optimizer names it takes", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, optimizer: 'nesterov' }, 'optimizerUnknown', 'nesterov', OPTIMIZER_NAMES);
    model.dispose();
  });

  test('diagnose(model, data, { optimizer: {} }) refuses an object that is not an optimizer', async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, optimizer: {} as tf.Optimizer }, 'optimizerUnknown', {}, OPTIMIZER_NAMES);
    model.dispose();
  });

  test("diagnose(model, data, { checks: { only: 'labels' } }) refuses a string instead of splitting it into characters", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, checks: { only: 'labels' as unknown as string[] } }, 'optionStringList', 'checks.only', 'labels');
    assert.equal(INPUT_ERRORS.optionStringList('checks.only', 'labels'), 'options.checks.only is a string ("labels"); give a list of strings: [\'labels\'].');
    model.dispose();
  });

  test("diagnose(model, data, { checks: { skip: 'lr-range' } }) refuses a string skip list too", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, checks: { skip: 'lr-range' as unknown as string[] } }, 'optionStringList', 'checks.skip', 'lr-range');
    model.dispose();
  });

  test("diagnose(model, data, { checks: ['labels'] }) asks for { only } or { skip }", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, checks: ['labels'] as unknown as { only: string[] } }, 'checksNotObject', ['labels']);
    model.dispose();
  });

  test("diagnose(model, data, { checks: { only: ['gradient-flw'] } }) names the closest ids in a short message, not all of them", async () => {
    const model = tiny();
    await untouched(model, async () => {
      await assert.rejects(() => diagnose(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, checks: { only: ['gradient-flw'] } }), (error: unknown) => {
        assert.ok(error instanceof DiagnoseInputError);
        assert.equal(error.code, 'checksUnknownId');
        assert.match(error.message, /^options\.checks\.only has unknown id 'gradient-flw' \(did you mean 'gradient-flow'/);
        assert.ok(error.message.length < 300, `${error.message.length} characters`);
        return true;
      });
    });
    model.dispose();
  });

  test("diagnose(model, data, { classNames: 'cat, dog, bird' }) refuses a string and shows the list to write", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, classNames: 'cat, dog, bird' as unknown as string[] }, 'optionStringList', 'classNames', 'cat, dog, bird');
    assert.match(INPUT_ERRORS.optionStringList('classNames', 'cat, dog, bird'), /\['cat', 'dog', 'bird'\]/);
    model.dispose();
  });

  test("diagnose(model, data, { classNames: ['setosa', ...] }) names the classes", async () => {
    const model = tiny();
    const data = rowsOf(30);
    const report = await untouched(model, () => diagnose(model, data, { ...DATA_ONLY, classNames: ['setosa', 'versicolor', 'virginica'] }));
    assert.deepEqual(report.context.classNames, ['setosa', 'versicolor', 'virginica']);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  test("diagnose(model, data, { batchSize: '32' }) wants a number", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, batchSize: '32' as unknown as number }, 'optionPositiveInteger', 'batchSize', '32', 32);
    model.dispose();
  });

  test('diagnose(model, data, { learningRate: -1 }) wants a positive number', async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, learningRate: -1 }, 'optionPositiveNumber', 'learningRate', -1, 0.001);
    model.dispose();
  });

  test('diagnose(model, data, { seed: NaN }) wants a finite seed', async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, seed: NaN }, 'optionFinite', 'seed', NaN, 42);
    model.dispose();
  });

  test("diagnose(model, data, { display: 'yes' }) names the three display values", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { display: 'yes' as unknown as boolean }, 'optionDisplay', 'yes');
    model.dispose();
  });

  test('diagnose(model, data, { loss: 42 }) wants a loss name or function', async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, loss: 42 as unknown as string }, 'lossNotLoss', 42);
    model.dispose();
  });

  test("diagnose(model, data, { task: 'classification' }) lists the tasks", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, task: 'classification' as 'multiclass' }, 'optionOneOf', 'task', 'classification', ['multiclass', 'binary', 'multilabel', 'regression']);
    model.dispose();
  });

  test("diagnose(model, data, 'quick') wants an options object", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, 'quick' as unknown as DiagnoseOptions, 'optionsNotObject');
    model.dispose();
  });

  test('diagnose(model, data, { maxSamples: 0 }) wants a positive integer', async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, maxSamples: 0 }, 'optionPositiveInteger', 'maxSamples', 0, 100_000);
    model.dispose();
  });

  test('diagnose(model, data, { signal: {} }) wants an AbortSignal', async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, signal: {} as AbortSignal }, 'signalNotSignal', {});
    model.dispose();
  });

  test("diagnose(model, data, { onProgress: 'log' }) wants a function", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, onProgress: 'log' as unknown as () => void }, 'optionFunction', 'onProgress', '(event) => void');
    model.dispose();
  });
});

describe('unusual models', () => {
  test('diagnose(disposedModel, data) refuses it up front instead of leaking', async () => {
    const model = tiny();
    model.dispose();
    await rejectsWith(null, () => diagnose(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, quiet), 'modelDisposed');
  });

  test('diagnose({}, data) and diagnose(graphModelLike, data) want a LayersModel', async () => {
    await rejectsWith(null, () => diagnose({} as tf.LayersModel, { x: [[1]], y: [[1]] }, quiet), 'modelNotLayersModel', {});
    const graphLike = { execute: () => undefined, predict: () => undefined };
    await rejectsWith(null, () => diagnose(graphLike as unknown as tf.LayersModel, { x: [[1]], y: [[1]] }, quiet), 'modelNotLayersModel', graphLike);
  });

  test('diagnose(uncompiledModel, data) asks for model.compile() or options.loss', async () => {
    const model = tiny(3, false);
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, quiet, 'modelNotCompiled');
    model.dispose();
  });

  test('diagnose(twoInputModel, { x: oneArray }) asks for one tensor per input, in model.inputs order or by name', async () => {
    const a = tf.input({ shape: [3], name: 'a' });
    const b = tf.input({ shape: [2], name: 'b' });
    const out = tf.layers.dense({ units: 1 }).apply(tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b], outputs: out });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await refuses(model, { x: [[1, 2, 3]], y: [[1]] }, quiet, 'severalCount', 'data.x', 'inputs', 1, ['a', 'b']);
    model.dispose();
  });

  test('diagnose(modelWithUnregisteredCustomLayer, data) names the layer and the registration, leaking nothing', async () => {
    class Doubler extends tf.layers.Layer {
      static readonly className = 'UnregisteredDoubler';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 2));
      }
    }
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 4 }), new Doubler({ name: 'doubler' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const data = rowsOf(32);
    await refuses(model, data, quiet, 'modelUnregisteredLayer', 'doubler', 'UnregisteredDoubler');
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  test('diagnose(functionalModelWithSharedLayer, data) runs every probe and frees the shared weights of its copies', async () => {
    const input = tf.input({ shape: [4] });
    const shared = tf.layers.dense({ units: 4, activation: 'tanh', name: 'shared' });
    const twice = shared.apply(shared.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(twice) as tf.SymbolicTensor });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const data = rowsOf(64);
    for (let run = 0; run < 2; run++) {
      const report = await untouched(model, () => diagnose(model, data, { ...quiet, checks: { only: ['gradient-flow', 'overfit-tiny-batch'] } }));
      assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => c.note), []);
    }
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  test('diagnose(embeddingModel, idsAboveInputDim) reports tokens-out-of-range (error) naming the layer and the valid range, and the probes run on clipped ids', async () => {
    const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5, name: 'tokens' }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(Array.from({ length: 40 * 5 }, (_, i) => i % 25), [40, 5]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 2), 'int32'), 2);
    const report = await untouched(model, () => diagnose(model, { x, y }, quiet));
    const f = report.findings.find((finding) => finding.id === 'tokens-out-of-range');
    assert.ok(f, report.findings.map((finding) => finding.id).join(', '));
    assert.deepEqual([f.severity, f.layer, f.evidence.inputDim, f.evidence.min, f.evidence.max], ['error', 'tokens', 10, 0, 24]);
    assert.equal(report.triage?.first, 'tokens-out-of-range');
    assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => c.note), []);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('diagnose(embeddingModel, negativeIds) reports tokens-out-of-range saying ids cannot be negative', async () => {
    const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5, name: 'tokens' }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(Array.from({ length: 40 * 5 }, (_, i) => (i % 3) - 1), [40, 5]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 2), 'int32'), 2);
    const report = await untouched(model, () => diagnose(model, { x, y }, { ...quiet, checks: { only: ['token-inputs'] } }));
    const f = report.findings.find((finding) => finding.id === 'tokens-out-of-range');
    assert.equal(f?.evidence.min, -1);
    assert.match(f?.fix ?? '', /cannot be negative/);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('diagnose(embeddingModel, idsInRange) runs the probes without errors', async () => {
    const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(Array.from({ length: 40 * 5 }, (_, i) => (i * 7) % 10), [40, 5]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 2), 'int32'), 2);
    const report = await untouched(model, () => diagnose(model, { x, y }, { ...quiet, checks: { only: ['initial-loss', 'gradient-flow'] } }));
    assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => c.note), []);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('report.toText() prints control characters of model, layer and class names escaped, never raw', async () => {
    const model = tf.sequential({ name: 'evil\u001b[2J\u001b]0;pwned\u0007' });
    model.add(tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const data = rowsOf(30);
    const report = await untouched(model, () => diagnose(model, data, { ...DATA_ONLY, classNames: ['a\u001b[31m', 'b\r', 'c\u009b'] }));
    const text = report.toText();
    assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text), false, 'no raw control character');
    assert.ok(text.includes('evil\\u001b[2J'), 'the escape is shown, visibly');
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
});

describe('unusual data', () => {
  test('diagnose(model, { x: Float32Array }) asks for the shape instead of reading it as several inputs', async () => {
    const model = tiny();
    await refuses(model, { x: new Float32Array(8) as unknown as number[], y: [[1, 0, 0], [0, 1, 0]] }, quiet, 'typedArray', 'data.x', 'Float32Array');
    model.dispose();
  });

  test('diagnose(model, Float32Array) wants { x, y }', async () => {
    const model = tiny();
    const values = new Float32Array(8);
    await refuses(model, values as unknown as DiagnoseData, quiet, 'dataWrongKind', 'data', values);
    assert.equal(INPUT_ERRORS.dataWrongKind('data', values), 'data is a Float32Array; pass { x, y } (tensors or arrays) or a tf.data.Dataset of { xs, ys }.');
    model.dispose();
  });

  test("diagnose(model, data, { validation: 'val.csv' }) says what it got and what to pass", async () => {
    const model = tiny();
    await refuses(model, { x: [[1, 2, 3, 4]], y: [[1, 0, 0]] }, { ...quiet, validation: 'val.csv' as unknown as DiagnoseData }, 'dataWrongKind', 'options.validation', 'val.csv');
    model.dispose();
  });

  test('diagnose(model, { x: { a, b } }) says the model has one input and to pass its tensor', async () => {
    const model = tiny();
    const data = { x: { a: [[1]], b: [[2]] }, y: [[1, 0, 0]] } as unknown as DiagnoseData;
    await refuses(model, data, quiet, 'dataSeveralInputs', 'data');
    model.dispose();
  });

  test('diagnose(model, unbatchedDataset) says to batch it', async () => {
    const model = tiny();
    const dataset = tf.data.generator(function* () {
      for (let i = 0; i < 10; i++) yield { xs: tf.tensor1d([1, 2, 3, 4]), ys: tf.tensor1d([1, 0, 0]) };
    });
    await refuses(model, dataset, quiet, 'datasetUnbatched', 'data', [4], [3]);
    model.dispose();
  });

  test('diagnose(model, datasetOf({ x, y })) asks for { xs, ys }', async () => {
    const model = tiny();
    await refuses(model, tf.data.array([{ x: [1, 2, 3, 4], y: 0 }]), quiet, 'datasetElement', 'data', '{ x, y }');
    model.dispose();
  });

  test('diagnose(model, datasetThatThrows) names the dataset and the reason', async () => {
    const model = tiny();
    const dataset = tf.data.generator(function* () {
      yield tf.tidy(() => ({ xs: tf.ones([8, 4]), ys: tf.oneHot(tf.zeros([8], 'int32'), 3) }));
      throw new Error('file moved');
    });
    await refusesWithReason(model, dataset, quiet, 'datasetFailed', 'data failed while yielding its next element (');
    model.dispose();
  });

  test('diagnose(model, datasetWhoseLabelsChangeShape) names the row', async () => {
    const model = tiny();
    const dataset = tf.data.generator(function* () {
      yield tf.tidy(() => ({ xs: tf.ones([8, 4]), ys: tf.oneHot(tf.zeros([8], 'int32'), 3) }));
      yield { xs: tf.ones([8, 4]), ys: tf.zeros([8, 1]) };
    });
    await refuses(model, dataset, quiet, 'labelShapeChanged', 'data', [1], 8);
    model.dispose();
  });

  test('diagnose(model, emptyDataset) asks for samples', async () => {
    const model = tiny();
    await refuses(model, tf.data.array<tf.TensorContainer>([]), quiet, 'datasetEmpty', 'data');
    model.dispose();
  });

  test('diagnose(cnn, channelsFirstImages) says to transpose, not reshape', async () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.zeros([4, 3, 8, 8]);
    const y = tf.zeros([4, 2]);
    await refuses(model, { x, y }, quiet, 'inputShape', 'data.x', '[n, 3, 8, 8]', '[n, 8, 8, 3]',
      'the images are channels-first; transpose the axes (a reshape would scramble the values): x.transpose([0, 2, 3, 1])');
    tf.dispose([x, y]);
    model.dispose();
  });

  test('diagnose(mlp, unflattenedImages) says to reshape', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 2, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.zeros([4, 8, 8]);
    const y = tf.zeros([4, 2]);
    await refuses(model, { x, y }, quiet, 'inputShape', 'data.x', '[n, 8, 8]', '[n, 64]', 'reshape it: x.reshape([-1, 64])');
    tf.dispose([x, y]);
    model.dispose();
  });

  test('diagnose(model, labelsWithMoreColumnsThanOutputs) says so instead of leaking in every probe', async () => {
    const model = tiny();
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 5), 'int32'), 5);
    await refuses(model, { x, y }, quiet, 'labelColumns', 'data', [5], 3);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('diagnose(model, { x, y }) with 50 and 40 rows names both counts', async () => {
    const model = tiny();
    const x = tf.zeros([50, 4]);
    const y = tf.zeros([40, 3]);
    await refuses(model, { x, y }, quiet, 'lengthMismatch', 'data', 50, 40);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('diagnose(model, { x: disposedTensor }) asks for a live tensor', async () => {
    const model = tiny();
    const x = tf.zeros([4, 4]);
    x.dispose();
    await refuses(model, { x, y: [[1, 0, 0]] }, quiet, 'tensorDisposed', 'data.x');
    model.dispose();
  });

  test('diagnose(model, { x: raggedArray }) asks for one shape per sample', async () => {
    const model = tiny();
    await refusesWithReason(model, { x: [[1, 2, 3, 4], [1, 2]], y: [[1, 0, 0], [0, 1, 0]] }, quiet, 'arrayRagged', 'data.x is not a rectangular array of numbers (');
    model.dispose();
  });

  test("diagnose(model, { x: [['a', ...]] }) asks to encode strings", async () => {
    const model = tiny();
    await refuses(model, { x: [['a', 'b', 'c', 'd']] as unknown as number[][], y: [[1, 0, 0]] }, quiet, 'arrayNotNumbers', 'data.x', 'string');
    model.dispose();
  });

  test('diagnose(model, data) with NaN inputs answers data-nonfinite with the first row', async () => {
    const model = tiny();
    const values = Array.from({ length: 40 }, (_, r) => [r === 7 ? NaN : r / 40, 1, 0, -1]);
    const labels = Array.from({ length: 40 }, (_, r) => [r % 3 === 0 ? 1 : 0, r % 3 === 1 ? 1 : 0, r % 3 === 2 ? 1 : 0]);
    const report = await untouched(model, () => diagnose(model, { x: values, y: labels }, DATA_ONLY));
    const finding = report.findings.find((f) => f.id === 'data-nonfinite');
    assert.equal(finding?.evidence.firstInputRow, 7);
    model.dispose();
  });

  test('diagnose(model, data) with 1,500 classes reads sparse labels as 1,500 valid classes, not labels-invalid', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 1500, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const x = tf.randomNormal([3000, 4], 0, 1, 'float32', 1);
    const y = tf.tensor1d(Array.from({ length: 3000 }, (_, i) => i % 1500));
    const report = await untouched(model, () => diagnose(model, { x, y }, { display: false, checks: { only: ['labels'] } }));
    assert.equal(report.context.numClasses, 1500);
    assert.deepEqual(report.findings.filter((f) => f.id === 'labels-invalid'), []);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('unusual sizes and cancellation', () => {
  /** An endless dataset of 100-row batches. */
  /** An endless dataset; `spinMs` makes each element cost that much CPU (a slow source that would starve the event loop). */
  function endless(spinMs = 0): tf.data.Dataset<tf.TensorContainer> {
    return tf.data.generator(function* () {
      for (let i = 0; ; i++) {
        for (const until = performance.now() + spinMs; performance.now() < until;) { /* a slow source */ }
        yield tf.tidy(() => {
          const xs = tf.randomNormal([100, 4], 0, 1, 'float32', i);
          return { xs, ys: tf.oneHot(xs.slice([0, 0], [100, 1]).reshape([100]).greater(0).cast('int32'), 3).cast('float32') };
        });
      }
    });
  }

  test('diagnose(model, endlessDataset, { maxSamples: 20000 }) reads 20,000 samples, says so, and lets timers run meanwhile', async () => {
    const model = tiny();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const messages: string[] = [];
    try {
      // 200 elements of 1 ms each: reading takes longer than the 50 ms between two event-loop turns on any machine.
      const report = await untouched(model, () => diagnose(model, endless(1), { ...DATA_ONLY, maxSamples: 20_000, onProgress: (e) => messages.push(e.message) }));
      assert.equal(report.context.samplesSeen, 20_000);
      assert.match(report.checks.find((c) => c.id === 'profile')?.note ?? '', /stopped at options\.maxSamples; more were left/);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'the event loop got turns while the dataset was read');
    assert.ok(messages.includes('profiling the training data'));
    model.dispose();
  });

  test('diagnose(model, endlessDataset, { signal }) stops when aborted, rejecting with the reason, leaking nothing', async () => {
    const model = tiny();
    const controller = new AbortController();
    const reason = new Error('stopped by the user');
    setTimeout(() => controller.abort(reason), 300);
    const started = Date.now();
    await untouched(model, () => assert.rejects(() => diagnose(model, endless(), { ...DATA_ONLY, maxSamples: 1e9, signal: controller.signal }), (error) => error === reason));
    assert.ok(Date.now() - started < 5000, 'stopped soon after the abort');
    model.dispose();
  });

  test('diagnose(model, data, { signal: alreadyAborted }) does not start', async () => {
    const model = tiny();
    const data = rowsOf(32);
    const controller = new AbortController();
    controller.abort();
    await untouched(model, () => assert.rejects(() => diagnose(model, data, { ...DATA_ONLY, signal: controller.signal }), { name: 'AbortError' }));
    tf.dispose([data.x, data.y]);
    model.dispose();
  });

  test('diagnose(model, bigTensor, { maxSamples }) reads the first maxSamples rows of a tensor', async () => {
    const model = tiny();
    const data = rowsOf(5000);
    const report = await untouched(model, () => diagnose(model, data, { ...DATA_ONLY, maxSamples: 1200 }));
    assert.equal(report.context.samplesSeen, 1200);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
});
