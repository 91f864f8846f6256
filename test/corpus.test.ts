/**
 * The trust benchmark's quick subset (issue 10): every healthy control and
 * every fixed real bug must get no warning and no error (false alarms cost the
 * most trust), and a sample of buggy setups (one per family) must be found
 * with the root cause first. Every run: no tensor leaked, the model unchanged.
 * The whole corpus and fault suite run in `node dist/bench/trust.js`.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../src/backend';
import { FAULTS, HEALTHY, REAL_BUGS } from '../bench/cases';
import { isFound } from '../bench/cases/evaluate';
import { runOne, runsOf, type Run, type RunResult } from '../bench/cases/harness';

before(() => ready());

const OPTIONS = { seed: 1, fit: false };

/** Buggy setups run here: one per family of cause (data, labels, loss and configuration, rates, probes). */
const BUGGY_SAMPLE = ['raw-pixels', 'sparse-labels-categorical', 'softmax-one-unit', 'sgd-lr-too-high', 'fault-mnist-batch-mixing-layer'];

function problems(result: RunResult): string[] {
  return result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.id} (${f.severity})`);
}

function assertSafe(result: RunResult): void {
  assert.equal(result.error, undefined, `diagnose() threw: ${result.error}`);
  assert.equal(result.leaked, 0, 'diagnose() leaked tensors');
  assert.ok(result.unchanged, "diagnose() changed the model's weights or trainable flags");
}

const runs = runsOf([...REAL_BUGS, ...FAULTS, ...HEALTHY]);
const mustBeClean = runs.filter((r) => r.variant === 'fixed' || r.variant === 'healthy');
const buggy = runs.filter((r): r is Run & { expected: NonNullable<Run['expected']> } => r.expected !== undefined && BUGGY_SAMPLE.includes(r.caseId));

test('the quick subset names cases that exist', () => {
  assert.deepEqual(BUGGY_SAMPLE.filter((id) => !buggy.some((r) => r.caseId === id)), []);
});

for (const run of mustBeClean) {
  test(`diagnose() on ${run.caseId} (${run.variant}) gives no warning and no error`, async () => {
    const result = await runOne(run, OPTIONS);
    assertSafe(result);
    assert.deepEqual(problems(result), [], `triage.first: ${result.first}`);
  });
}

for (const run of buggy) {
  test(`diagnose() on ${run.caseId} (${run.variant}) finds ${run.expected.rootCause} and ranks it first`, async () => {
    const result = await runOne(run, OPTIONS);
    assertSafe(result);
    assert.ok(isFound(result, run.expected), `expected ${run.expected.rootCause}; got ${problems(result).join(', ') || 'nothing'}`);
    assert.equal(result.first, run.expected.rootCause);
  });
}
