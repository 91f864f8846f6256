/**
 * The run log: runs.record() with model.fit, reading back, corrupt lines,
 * two writers, and compareRuns() (data, charts, text).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { compareRuns, runs } from '../src/runs';
import { parseEvents } from '../src/runs/store';
import type { Diagnosis } from '../src/report';
import type { ChartSpec } from '../src/charts';
import { mnistMlp, mnistTensors, weightSnapshot } from './helpers/models';
import { assertClean, render } from './fixtures/render-chart';

const tempDir = () => mkdtempSync(join(tmpdir(), 'tfd-runs-'));

test('runs.record(model) with run.callback() in fit logs step and epoch metrics, leaves the model and tensor count as they were', async () => {
  await ready();
  const dir = tempDir();
  const model = mnistMlp(3);
  const data = mnistTensors(6);
  const before = weightSnapshot(model);
  const tensors = tf.memory().numTensors;
  const run = runs.record(model, { dir, name: 'baseline', params: { batchSize: 20 }, data, notes: 'first try' });
  assert.equal(tf.memory().numTensors, tensors, 'record() leaks no tensor');
  assert.deepEqual(weightSnapshot(model), before, 'record() does not change the model');
  await model.fit(data.x, data.y, { epochs: 2, batchSize: 20, callbacks: [run.callback()], verbose: 0 });
  run.note('loss went down');
  const result = await run.end();
  assert.equal(result.diskErrors.length, 0);

  const { runs: read, problems } = runs.read(dir);
  assert.deepEqual(problems, []);
  assert.equal(read.length, 1);
  const record = read[0];
  assert.equal(record.name, 'baseline');
  assert.equal(record.status, 'finished');
  assert.deepEqual(record.notes, ['first try', 'loss went down']);
  assert.equal(record.params.batchSize, 20);
  // 60 samples, batch 20: 3 steps per epoch, 2 epochs.
  assert.deepEqual(record.steps.loss.map((p) => p.step), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(record.epochs.loss.map((p) => p.step), [0, 1]);
  assert.ok(record.epochs.acc ?? record.epochs.accuracy, 'the compiled metric is logged per epoch');
  assert.equal(record.start.model.parameterCount, model.countParams());
  assert.deepEqual(record.start.data?.xShape, [60, 784]);
  assert.equal(record.start.optimizer?.name, 'Adam');
  assert.equal(record.start.optimizer?.learningRate, 0.001);
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('runs.record() hashes architecture without layer names, initial weights, and data by value', async () => {
  await ready();
  const dir = tempDir();
  const data = mnistTensors(3);
  const same = [mnistMlp(1), mnistMlp(1)].map((m, i) => runs.record(m, { dir, data, name: `same ${i}` }));
  const other = runs.record(mnistMlp(2), { dir, data, name: 'other' });
  await Promise.all([...same, other].map((r) => r.end()));
  // Ids made in one second sort by their random tail: look runs up by name.
  const read = runs.read(dir).runs;
  const starts = ['same 0', 'same 1', 'other'].map((name) => read.find((r) => r.name === name)!.start);
  assert.notEqual(starts[0].model.layers[0].name, starts[1].model.layers[0].name, 'two builds get other layer names');
  assert.equal(starts[0].model.architectureHash, starts[1].model.architectureHash);
  assert.equal(starts[0].model.weightsHash, starts[1].model.weightsHash, 'same seed, same initial weights');
  assert.equal(starts[2].model.architectureHash, starts[0].model.architectureHash);
  assert.notEqual(starts[2].model.weightsHash, starts[0].model.weightsHash, 'another seed, other weights');
  assert.equal(starts[0].data?.fingerprint, starts[2].data?.fingerprint);
  tf.dispose([data.x, data.y]);
});

test('runs.read() reports a corrupt line and a truncated last line, and keeps every other event', async () => {
  await ready();
  const dir = tempDir();
  const model = mnistMlp(1);
  const run = runs.record(model, { dir, name: 'damaged' });
  run.log({ loss: 1 });
  run.log({ loss: 0.5 });
  await run.end();
  const file = join(run.folder, 'events.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(2, 0, '{"v":1,"run":"x","t":1,"type":"metrics",'); // cut in the middle
  writeFileSync(file, lines.join('\n'));
  appendFileSync(file, '{"v":1,"run"');
  const { runs: read, problems } = runs.read(dir);
  assert.equal(read.length, 1);
  assert.deepEqual(read[0].steps.loss.map((p) => p.value), [1, 0.5]);
  assert.equal(read[0].status, 'finished');
  // start, metrics, the cut line, metrics, end, then the unfinished line 6.
  assert.deepEqual(problems.map((p) => [p.line, p.reason]), [[3, 'not valid JSON'], [6, 'truncated last line']]);
});

test('run.log() stores NaN and Infinity losses as strings and reads them back as numbers', async () => {
  await ready();
  const dir = tempDir();
  const run = runs.record(mnistMlp(1), { dir });
  run.log({ loss: Number.NaN });
  run.log({ loss: Number.POSITIVE_INFINITY });
  await run.end();
  const text = readFileSync(join(run.folder, 'events.jsonl'), 'utf8');
  assert.match(text, /"loss":"NaN"/);
  assert.match(text, /"loss":"Infinity"/);
  const values = runs.read(dir).runs[0].steps.loss.map((p) => p.value);
  assert.ok(Number.isNaN(values[0]));
  assert.equal(values[1], Number.POSITIVE_INFINITY);
});

test('two processes appending to one run log at once never mix their lines', async () => {
  const dir = tempDir();
  const storeModule = join(__dirname, '..', 'src', 'runs', 'store.js');
  const writer = (name: string) => `
    const { appendEvents } = require(${JSON.stringify(storeModule)});
    for (let i = 0; i < 400; i += 1) {
      const values = { loss: i, pad: ${JSON.stringify('x'.repeat(3000))}.length };
      appendEvents(${JSON.stringify(dir)}, 'shared', [
        { v: 1, type: 'metrics', run: ${JSON.stringify(name)}, t: i, scope: 'batch', step: i, values },
        { v: 1, type: 'note', run: ${JSON.stringify(name)}, t: i, text: ${JSON.stringify(name)}.repeat(2000) },
      ]);
    }`;
  const children = ['a', 'b'].map((name) => spawn(process.execPath, ['-e', writer(name)], { stdio: 'inherit' }));
  await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', resolve))));
  const { events, problems } = parseEvents(readFileSync(join(dir, 'shared', 'events.jsonl'), 'utf8'), 'events.jsonl');
  assert.deepEqual(problems, []);
  assert.equal(events.length, 1600);
  for (const name of ['a', 'b']) {
    const steps = events.filter((e) => e.run === name && e.type === 'metrics').map((e) => (e.type === 'metrics' ? e.step : -1));
    assert.deepEqual(steps, Array.from({ length: 400 }, (_, i) => i), `writer ${name}'s lines are whole and in order`);
  }
});

function fakeDiagnosis(ids: [string, 'error' | 'warning' | 'info'][]): Diagnosis {
  const findings = ids.map(([id, severity]) => ({ id, severity, title: id, detail: '', fix: '', evidence: {}, checklist: 'T5' }));
  return {
    findings, checks: [], measurements: {}, context: {} as Diagnosis['context'], triage: findings[0] && { first: findings[0].id, explains: [] },
    toHTML: () => '<p>report</p>',
  } as unknown as Diagnosis;
}

test('compareRuns() shows three learning rates: curves by epoch, what differs, which findings went away', async () => {
  await ready();
  const dir = tempDir();
  const data = mnistTensors(4);
  const recorded = [];
  for (const [i, lr] of [0.5, 0.01, 0.001].entries()) {
    const model = mnistMlp(1, { compile: false });
    model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy' });
    const run = runs.record(model, { dir, name: `lr ${lr}`, params: { lr }, data });
    await model.fit(data.x, data.y, { epochs: 3, batchSize: 10, callbacks: [run.callback()], verbose: 0 });
    await run.addDiagnosis(i === 0 ? fakeDiagnosis([['lr-too-high', 'error'], ['update-ratio-off', 'warning']]) : fakeDiagnosis([]));
    await run.end();
    recorded.push(run);
    model.dispose();
  }
  const comparison = await compareRuns(recorded, { dir, display: false });
  assert.equal(comparison.scope, 'epoch');
  assert.deepEqual(comparison.runs.map((r) => r.name), ['lr 0.5', 'lr 0.01', 'lr 0.001']);
  assert.deepEqual(comparison.runs.map((r) => r.epochs), [3, 3, 3]);
  const settings = comparison.differences.map((d) => d.setting);
  assert.ok(settings.includes('learning rate'));
  assert.ok(!settings.includes('param: lr'), 'params.lr only repeats the recorded learning rate: one change is listed once');
  assert.ok(!settings.includes('architecture (sha256)'), 'same architecture is not a difference');
  assert.ok(!settings.includes('data fingerprint'));
  assert.deepEqual(comparison.findings.find((f) => f.id === 'lr-too-high')?.severities, ['error', null, null]);
  assert.deepEqual(comparison.changes, ['lr-too-high went away in lr 0.01', 'update-ratio-off went away in lr 0.01']);
  assert.equal(comparison.curves.filter((p) => p.split === 'train').length, 9);
  const text = comparison.toText();
  assert.match(text, /learning rate: 0\.5 \| 0\.01 \| 0\.001/);
  // Every chart draws cleanly with vega (no warnings), with one line per run.
  const [curves, differences, findings] = comparison.widgets();
  const drawn = await render(curves.spec as ChartSpec);
  assertClean(drawn);
  assert.equal((drawn.svg.match(/role="graphics-symbol" aria-roledescription="line mark"/g) ?? []).length, 3);
  for (const widget of [differences, findings]) assertClean(await render(widget.spec as ChartSpec));
  tf.dispose([data.x, data.y]);
});

test('compareRuns() names an unknown run and the recent ones; an empty log says how to record', async () => {
  await ready();
  const dir = tempDir();
  await assert.rejects(compareRuns(undefined, { dir, display: false }), /has no runs yet; record some with runs\.record\(model\)/);
  const run = runs.record(mnistMlp(1), { dir, name: 'only' });
  await run.end();
  await assert.rejects(compareRuns(['nope'], { dir, display: false }), new RegExp(`no run 'nope' in the run log; recent runs: ${run.id}`));
});

test('runs.record() refuses what is not a model and bad options with a sentence naming the fix', () => {
  assert.throws(() => runs.record({} as tf.LayersModel), /model must be a tf\.LayersModel/);
  assert.throws(() => runs.record(mnistMlp(1), { dir: 42 as unknown as string }), /options\.dir must be a folder path/);
  assert.throws(() => runs.record(mnistMlp(1), { mlflow: 'ftp://x' }), /is not an http\(s\) URL/);
});
