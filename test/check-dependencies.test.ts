/**
 * Typed check dependencies: checks declare what they need from others, the
 * plan orders providers first, only/skip run prerequisites silently, and a
 * check never runs (or reports) on inputs that were not measured.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { ALL_CHECKS } from '../src/checks';
import type { AnyCheck, CheckContext, CheckResult, InputKey } from '../src/checks/base';
import { runChecks } from '../src/checks/runner';
import { dependencyOrder, providers, selectChecks } from '../src/context/select';
import type { Finding, FindingId } from '../src/types';
import type { Measurements } from '../src/measurements';
import { mnistDigits, mlp, weightValues } from './helpers/network-models';

before(() => ready());

function finding(id: FindingId): Finding {
  return { id, severity: 'error', title: id, detail: '', fix: '', evidence: {}, checklist: 'X' };
}

/** A fake check: records what it read, returns fixed results. */
function fake(id: string, spec: Partial<AnyCheck> & { result?: (ctx: CheckContext<InputKey>) => CheckResult }, log: string[] = []): AnyCheck {
  return {
    id,
    checklist: [],
    findings: [],
    ...spec,
    async run(ctx) {
      log.push(`${id}(${JSON.stringify(Object.fromEntries((spec.needs ?? []).map((k) => [k, ctx.inputs[k]])))})`);
      return spec.result ? spec.result(ctx) : { findings: [] };
    },
  };
}

/** The context fields the runner reads; fake checks read nothing else. */
const CONTEXT = { info: { seed: 1 }, cloneModel: () => Promise.reject(new Error('no model')) } as unknown as CheckContext;

async function run(checks: AnyCheck[], only: string[] = [], skip: string[] = []) {
  const findings: Finding[] = [];
  const measurements: Measurements = {};
  const runs = await runChecks(CONTEXT, selectChecks(checks, only, skip, 'quick'), findings, measurements, () => undefined, () => undefined);
  return { findings, runs };
}

const provider = (log: string[], result?: CheckResult) =>
  fake('loss-probe', { findings: ['loss-above-chance'], provides: ['initialLoss'], result: () => result ?? { findings: [finding('loss-above-chance')], outputs: { initialLoss: 2.3 } } }, log);
const reader = (log: string[]) =>
  fake('lr-probe', { findings: ['lr-too-high'], needs: ['initialLoss'], result: (ctx) => ({ findings: ctx.inputs.initialLoss === 2.3 ? [finding('lr-too-high')] : [] }) }, log);

test('dependencyOrder(checks) puts each provider before the checks that need it and keeps the list order otherwise', () => {
  const log: string[] = [];
  const other = fake('other', {});
  assert.deepEqual(dependencyOrder([reader(log), other, provider(log)]).map((c) => c.id), ['loss-probe', 'lr-probe', 'other']);
});

test('dependencyOrder(checks) refuses a cycle and providers(checks) refuses two providers of one key', () => {
  const a = fake('a', { needs: ['overfit'], provides: ['initialLoss'] });
  const b = fake('b', { needs: ['initialLoss'], provides: ['overfit'] });
  assert.throws(() => dependencyOrder([a, b]), /cycle: a -> b -> a/);
  assert.throws(() => providers([fake('c', { provides: ['overfit'] }), fake('d', { provides: ['overfit'] })]), /c and d both provide 'overfit'/);
});

test('the checks diagnose() runs have one provider per input and no cycle', () => {
  assert.doesNotThrow(() => dependencyOrder(ALL_CHECKS));
  const byKey = providers(ALL_CHECKS);
  assert.equal(byKey.get('overfit')?.id, 'overfit-tiny-batch');
  assert.equal(byKey.get('initialLoss')?.id, 'initial-loss');
});

test('runChecks() hands a reader the typed output of its provider', async () => {
  const log: string[] = [];
  const { findings, runs } = await run([reader(log), provider(log)]);
  assert.deepEqual(log, ['loss-probe({})', 'lr-probe({"initialLoss":2.3})']);
  assert.deepEqual(findings.map((f) => f.id), ['loss-above-chance', 'lr-too-high']);
  assert.deepEqual(runs.map((r) => r.id), ['loss-probe', 'lr-probe']);
});

test('checks.only on a reader runs its provider silently: the provider\'s findings are not reported', async () => {
  const log: string[] = [];
  const { findings, runs } = await run([provider(log), reader(log)], ['lr-too-high']);
  assert.equal(log.length, 2);
  assert.deepEqual(findings.map((f) => f.id), ['lr-too-high']);
  assert.match(runs[0].note ?? '', /ran because lr-probe needs it; its findings are not reported/);
});

test('checks.skip on a provider still runs it for a reader that needs it, silently', async () => {
  const log: string[] = [];
  const { findings } = await run([provider(log), reader(log)], [], ['loss-probe']);
  assert.deepEqual(findings.map((f) => f.id), ['lr-too-high']);
});

test('runChecks() skips a reader whose provider could not measure its input, instead of running it blind', async () => {
  const log: string[] = [];
  const { findings, runs } = await run([provider(log, { findings: [], skipped: 'no chance level' }), reader(log)]);
  assert.deepEqual(findings, []);
  assert.equal(runs[1].status, 'skipped');
  assert.match(runs[1].note ?? '', /needs initialLoss, which was not measured \(loss-probe: no chance level\)/);
  assert.deepEqual(log, ['loss-probe({})'], 'the reader never ran');
});

test('runChecks() skips a reader whose provider threw', async () => {
  const log: string[] = [];
  const broken = fake('loss-probe', { provides: ['initialLoss'], result: () => { throw new Error('boom'); } }, log);
  const { runs } = await run([broken, reader(log)]);
  assert.deepEqual(runs.map((r) => r.status), ['error', 'skipped']);
  assert.match(runs[1].note ?? '', /it failed: boom/);
});

test('runChecks() disposes what a check leaves alive, when it returns and when it throws half-way through a gradient', async () => {
  const tensors = tf.memory().numTensors;
  const leaky = fake('leaky', { result: () => { tf.ones([3]); return { findings: [] }; } });
  const broken = fake('broken', {
    result: () => {
      tf.keep(tf.zeros([2]));
      // Through an integer gather: tfjs throws inside the backward pass, after saving (keeping) tensors for it.
      tf.grad((indices: tf.Tensor) => tf.gather(tf.ones([4, 2]), indices).sum())(tf.tensor1d([0, 1], 'int32'));
      return { findings: [] };
    },
  });
  const { runs } = await run([leaky, broken]);
  assert.deepEqual(runs.map((r) => r.status), ['pass', 'error']);
  assert.equal(tf.memory().numTensors, tensors);
});

test("diagnose(NaN model, { skip: ['nonfinite-values'] }) reports no overfit-failed from the NaN it was told not to show", async () => {
  const model = mlp();
  const weights = model.getWeights();
  const poisoned = weights.map((w, i) => (i === 0 ? tf.fill(w.shape, Number.NaN) : w.clone()));
  model.setWeights(poisoned);
  tf.dispose(poisoned);
  const data = mnistDigits(64);
  const report = await diagnose(model, data, { display: false, checks: { skip: ['nonfinite-values'] } });
  assert.deepEqual(report.findings.filter((f) => f.id === 'overfit-failed' || f.id === 'nonfinite-values'), []);
  const overfit = report.checks.find((c) => c.id === 'overfit-tiny-batch');
  assert.equal(overfit?.status, 'skipped');
  assert.match(overfit?.note ?? '', /NaN\/Infinity/);
  tf.dispose([data.x, data.y]);
  model.dispose();
});

test("diagnose(model, { only: ['lr-too-high'] }) runs the range test with the overfit probe's verdict, reporting only lr findings", async () => {
  const model = mlp();
  model.compile({ optimizer: tf.train.sgd(10), loss: 'categoricalCrossentropy' });
  const data = mnistDigits(128);
  const weights = weightValues(model);
  const tensors = tf.memory().numTensors;
  const report = await diagnose(model, data, { display: false, checks: { only: ['lr-too-high'] } });
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(weightValues(model), weights);
  assert.deepEqual([...new Set(report.findings.map((f) => f.id))], ['lr-too-high']);
  assert.equal(report.findings[0].evidence.overfitProbe, 'went-up', 'lr-range read the overfit probe it needs');
  const overfit = report.checks.find((c) => c.id === 'overfit-tiny-batch');
  assert.match(overfit?.note ?? '', /ran because lr-range needs it/);
  assert.equal(report.measurements.curves, undefined, 'a silent prerequisite draws no chart');
  tf.dispose([data.x, data.y]);
  model.dispose();
});
