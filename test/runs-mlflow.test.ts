/**
 * The run log against a real MLflow tracking server (SQLite store, 127.0.0.1):
 * what tfjs-doctor logs reads back exactly through MLflow's REST API and its own
 * Python client, and a server killed mid-run loses no metric.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { runs } from '../src/runs';
import { mnistMlp, mnistTensors } from './helpers/models';
import { mlflowServer, type MlflowServer } from './helpers/mlflow';

let server: MlflowServer;
const root = mkdtempSync(join(tmpdir(), 'tfd-mlflow-'));

before(async () => {
  await ready();
  server = await mlflowServer(join(root, 'server'));
}, { timeout: 20 * 60_000 });

after(async () => {
  await server?.kill();
});

async function rest(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`);
  const text = await response.text();
  assert.ok(response.ok, `${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function history(runId: string, key: string): Promise<{ step: number; value: number | string }[]> {
  const body = await rest(`/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent(key)}&max_results=25000`);
  const metrics = (body.metrics ?? []) as { step: number; value: number | string }[];
  return metrics.map(({ step, value }) => ({ step: Number(step), value })).sort((a, b) => a.step - b.step);
}

test('runs.record(model, { mlflow }) logs params, step and epoch metrics, findings and the report, read back exactly by REST and by MLflow\'s own client', { timeout: 10 * 60_000 }, async () => {
  const dir = join(root, 'runs-roundtrip');
  const model = mnistMlp(4);
  const data = mnistTensors(5);
  const run = runs.record(model, { dir, name: 'roundtrip', params: { batchSize: 10 }, data, mlflow: { trackingUri: server.url, experiment: 'tfjs-doctor-tests', timeoutMs: 60_000 } });
  await model.fit(data.x, data.y, { epochs: 2, batchSize: 10, callbacks: [run.callback()], verbose: 0 });
  const report = await run.diagnose(model, data, { display: false, checks: { only: ['labels', 'initial-loss'] } });
  run.note('standardized inputs next');
  const result = await run.end();
  assert.equal(result.mlflow?.pending, 0, `nothing left to send (${result.mlflow?.error ?? ''})`);
  const runId = result.mlflow?.runId ?? '';

  const local = runs.read(dir).runs[0];
  const got = await rest(`/api/2.0/mlflow/runs/get?run_id=${runId}`);
  const info = (got.run as { info: { status: string; run_name: string } }).info;
  const { params, tags } = (got.run as { data: { params: { key: string; value: string }[]; tags: { key: string; value: string }[] } }).data;
  assert.equal(info.status, 'FINISHED');
  assert.equal(info.run_name, 'roundtrip');
  const param = (key: string) => params.find((p) => p.key === key)?.value;
  assert.equal(param('optimizer'), 'Adam');
  assert.equal(param('learning_rate'), '0.001');
  assert.equal(param('batchSize'), '10');
  assert.equal(param('data.fingerprint'), local.start.data?.fingerprint);
  assert.equal(param('model.architecture_sha256'), local.start.model.architectureHash);
  const tag = (key: string) => tags.find((t) => t.key === key)?.value;
  assert.equal(tag('tfjs_doctor.run_id'), run.id);
  assert.equal(tag('mlflow.note.content'), 'standardized inputs next');
  assert.equal(tag('tfjs_doctor.findings'), report.findings.map((f) => f.id).join(', ') || 'none');

  // Values and steps exactly as recorded: 50 samples, batch 10 -> 5 steps an epoch.
  const steps = await history(runId, 'batch_loss');
  assert.deepEqual(steps.map((m) => m.step), [...Array(10).keys()]);
  assert.deepEqual(steps.map((m) => m.value), local.steps.loss.map((p) => p.value));
  const epochs = await history(runId, 'loss');
  assert.deepEqual(epochs.map((m) => [m.step, m.value]), local.epochs.loss.map((p) => [p.step, p.value]));

  const files = ((await rest(`/api/2.0/mlflow/artifacts/list?run_id=${runId}`)).files as { path: string }[]).map((f) => f.path).sort();
  assert.deepEqual(files, ['diagnosis-1.json', 'report-1.html']);

  // MLflow's own Python client reads the same numbers.
  const fromClient = JSON.parse(server.python(
    `import json; from mlflow.tracking import MlflowClient\n` +
      `h = MlflowClient().get_metric_history(${JSON.stringify(runId)}, 'batch_loss')\n` +
      `print(json.dumps(sorted([[m.step, m.value] for m in h])))`,
  )) as [number, number][];
  assert.deepEqual(fromClient, local.steps.loss.map((p) => [p.step, p.value]));
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test('an MLflow server killed mid-run never breaks fit; what it missed stays on disk, is reported, and runs.sync() sends it when the server is back', { timeout: 15 * 60_000 }, async () => {
  const dir = join(root, 'runs-outage');
  const model = mnistMlp(5);
  const data = mnistTensors(4);
  const printed: string[] = [];
  const run = runs.record(model, { dir, name: 'outage', mlflow: server.url, flushEveryMs: 0, endTimeoutMs: 1500, log: (line) => printed.push(line) });
  const killer = new tf.CustomCallback({
    onEpochEnd: async (epoch) => {
      if (epoch === 1) await server.kill();
    },
  });
  const fitted = await model.fit(data.x, data.y, { epochs: 4, batchSize: 8, callbacks: [run.callback(), killer], verbose: 0 });
  assert.equal(fitted.epoch.length, 4, 'fit ran every epoch while the server was down');
  const result = await run.end();
  assert.ok((result.mlflow?.pending ?? 0) > 0, 'events after the outage are pending');
  assert.match(result.mlflow?.error ?? '', /did not answer/);
  assert.match(printed.join(''), /not sent to MLflow yet .* They are kept in .*runs\.sync\(\{ mlflow \}\) sends them when the server is back/);

  await server.start();
  // A server just started on a busy test machine can take long over its first requests.
  const synced = await runs.sync({ dir, mlflow: { trackingUri: server.url, timeoutMs: 60_000 } });
  assert.equal(synced[run.id].pending, 0, synced[run.id].error);
  const local = runs.read(dir).runs[0];
  // 40 samples, batch 8: 5 steps an epoch, 4 epochs: every one of the 20 steps, once, with its value.
  const steps = await history(synced[run.id].runId ?? '', 'batch_loss');
  assert.deepEqual(steps.map((m) => m.step), [...Array(20).keys()]);
  assert.deepEqual(steps.map((m) => m.value), local.steps.loss.map((p) => p.value));
  const epochs = await history(synced[run.id].runId ?? '', 'loss');
  assert.deepEqual(epochs.map((m) => m.step), [0, 1, 2, 3]);
  const status = ((await rest(`/api/2.0/mlflow/runs/get?run_id=${synced[run.id].runId}`)).run as { info: { status: string } }).info.status;
  assert.equal(status, 'FINISHED');
  tf.dispose([data.x, data.y]);
  model.dispose();
});
