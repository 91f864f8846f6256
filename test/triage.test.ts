import test from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { reportToHTML, reportToText } from '../src/render';
import { healthyReport } from './render-fixture';
import { checksGraph, triage } from '../src/triage';
import { ALL_CHECKS } from '../src/checks';
import { diagnoseNoLeak } from './helpers/diagnose';
import { mnistMlp, mnistTensors } from './helpers/models';
import type { Finding, FindingId, Severity } from '../src/types';

function finding(id: FindingId, severity: Severity, layer?: string, evidence: Finding['evidence'] = {}): Finding {
  return { id, severity, title: id, detail: '', fix: '', evidence, checklist: 'X', ...(layer ? { layer } : {}) };
}

test('triage(findings) puts raw pixels before the failed overfit they explain', () => {
  const findings = [
    finding('overfit-failed', 'error'),
    finding('data-unnormalized', 'warning'),
    finding('loss-above-chance', 'warning'),
    finding('data-too-small', 'info'),
  ];
  const result = triage(findings);
  assert.equal(result?.first, 'data-unnormalized');
  assert.equal(result?.layer, undefined);
  assert.deepEqual(result?.explains, ['overfit-failed', 'loss-above-chance']);
  // A start far above chance explains a failed overfit in its turn (a slow target shift): an intermediate cause, itself explained by the raw pixels.
  assert.deepEqual(result?.causes?.map((c) => [c.id, c.explains]), [['data-unnormalized', ['overfit-failed', 'loss-above-chance']], ['loss-above-chance', ['overfit-failed']]]);
  assert.deepEqual(result?.causes?.[1].explainedBy, ['data-unnormalized']);
});

test('triage(findings) prefers the error between unrelated findings', () => {
  const result = triage([finding('labels-imbalanced', 'warning'), finding('lr-too-high', 'error')]);
  assert.equal(result?.first, 'lr-too-high');
  assert.deepEqual(result?.explains, []);
});

test('triage(findings) follows a chain to its root: bad init -> dead ReLUs -> zero gradients', () => {
  const result = triage([
    finding('gradients-zero', 'error', 'dense_2'),
    finding('activations-dead', 'warning', 'dense_1'),
    finding('init-scale-off', 'warning', 'dense_1'),
  ]);
  assert.equal(result?.first, 'init-scale-off');
  assert.equal(result?.layer, 'dense_1');
  assert.deepEqual(result?.explains, ['gradients-zero', 'activations-dead']);
});

test('triage(findings) has nothing to fix when only info findings are present', () => {
  assert.equal(triage([finding('data-too-small', 'info')]), undefined);
  assert.equal(triage([]), undefined);
});

test('triage(findings) still names one finding when causes explain each other', () => {
  const result = triage([finding('lr-too-high', 'warning'), finding('gradients-exploding', 'error'), finding('nonfinite-values', 'error')]);
  assert.ok(result);
  assert.equal(result.first, 'lr-too-high', 'lr-too-high explains both others');
});

test('triage(findings) names a learning rate of 10 as the cause of exploding gradients, huge updates and NaN', () => {
  const result = triage([
    finding('nonfinite-values', 'error'),
    finding('gradients-exploding', 'warning', 'dense_1', { relativeGradient: 40 }),
    finding('update-ratio-off', 'warning', undefined, { factor: 3000, direction: 'high' }),
    finding('lr-too-high', 'error', undefined, { severe: true }),
  ]);
  assert.equal(result?.first, 'lr-too-high');
  assert.deepEqual(result?.explains, ['nonfinite-values', 'gradients-exploding', 'update-ratio-off']);
});

test('triage(findings) lets no borderline data-unnormalized hijack a clear learning-rate cause', () => {
  // A scale spread just past its threshold (120x vs 100x) could explain a learning-rate finding; evidence this weak must not.
  const result = triage([
    finding('lr-too-high', 'error', undefined, { severe: true }),
    finding('update-ratio-off', 'warning', undefined, { factor: 800, direction: 'high' }),
    finding('data-unnormalized', 'warning', undefined, { kind: 'scale-spread', spread: 120 }),
    finding('overfit-failed', 'error'),
  ]);
  assert.equal(result?.first, 'lr-too-high');
  assert.deepEqual(result?.explains, ['update-ratio-off', 'overfit-failed']);
  const weak = result?.causes?.find((c) => c.id === 'data-unnormalized');
  assert.ok(weak && weak.strength < 0.5, `borderline strength, got ${weak?.strength}`);
});

test('triage(findings) still puts strong raw pixels first, above the learning rate they explain', () => {
  const result = triage([
    finding('lr-too-high', 'error', undefined, { severe: true }),
    finding('data-unnormalized', 'warning', undefined, { kind: 'raw-pixels', max: 255 }),
    finding('overfit-failed', 'error'),
  ]);
  assert.equal(result?.first, 'data-unnormalized');
  assert.deepEqual(result?.explains, ['lr-too-high', 'overfit-failed']);
  assert.deepEqual(result?.causes?.find((c) => c.id === 'lr-too-high')?.explainedBy, ['data-unnormalized']);
});

test('triage(findings, { verified }) demotes a cause whose fix did not help and promotes one that cured', () => {
  const findings = [
    finding('lr-too-high', 'error', undefined, { severe: true }),
    finding('data-unnormalized', 'warning', undefined, { kind: 'raw-pixels', max: 255 }),
    finding('overfit-failed', 'error'),
  ];
  const demoted = triage(findings, { verified: [{ cause: 'data-unnormalized', outcome: 'no-better' }] });
  assert.equal(demoted?.first, 'lr-too-high');
  assert.deepEqual(demoted?.explains, ['overfit-failed']);
  assert.equal(demoted?.causes?.find((c) => c.id === 'data-unnormalized')?.verified, 'no-better');
  const cured = triage(findings, { verified: [{ cause: 'lr-too-high', outcome: 'cured' }] });
  assert.equal(cured?.first, 'lr-too-high', 'an untested cause cannot explain away a verified cure');
});

test('triage(findings, { verified }) lets a borderline cause whose fix cured account for the strong symptoms it explains', () => {
  const findings = [
    finding('activations-dead', 'error', 'dense_1', { deadFraction: 0.97 }),
    finding('gradients-exploding', 'warning', 'dense_2', { relativeGradient: 50 }),
    finding('update-ratio-off', 'warning', undefined, { factor: 5000, direction: 'high' }),
    finding('lr-too-high', 'warning', undefined, { severe: false }),
  ];
  const verified = triage(findings, {
    verified: [
      { cause: 'update-ratio-off', outcome: 'cured' }, { cause: 'lr-too-high', outcome: 'cured' },
      { cause: 'gradients-exploding', layer: 'dense_2', outcome: 'cured' }, { cause: 'activations-dead', layer: 'dense_1', outcome: 'no-better' },
    ],
  });
  assert.equal(verified?.first, 'lr-too-high');
  assert.deepEqual(verified?.explains, ['activations-dead', 'gradients-exploding', 'update-ratio-off']);
  assert.deepEqual(verified?.causes?.map((c) => c.id), ['lr-too-high']);
});

test('triage(findings, { verified }) keeps raw-scale inputs whose fix helped as the cause of a learning rate whose fix cured', () => {
  const findings = [
    finding('overfit-failed', 'error'),
    finding('lr-too-high', 'error', undefined, { severe: true }),
    finding('data-unnormalized', 'warning', undefined, { kind: 'large-values' }),
    finding('update-ratio-off', 'warning', undefined, { factor: 10000, direction: 'high' }),
  ];
  const result = triage(findings, { verified: [{ cause: 'data-unnormalized', outcome: 'improved' }, { cause: 'lr-too-high', outcome: 'cured' }] });
  assert.equal(result?.first, 'data-unnormalized');
  assert.deepEqual(result?.explains, ['overfit-failed', 'lr-too-high', 'update-ratio-off']);
  assert.deepEqual(result?.causes?.find((c) => c.id === 'lr-too-high')?.explainedBy, ['data-unnormalized']);
  const untested = triage(findings, { verified: [{ cause: 'lr-too-high', outcome: 'cured' }] });
  assert.equal(untested?.first, 'lr-too-high', 'an untested cause still cannot explain away a verified cure');
});

test('triage(findings, { verified }) keeps the rate as the cause when one lowering of it judged the rate and its symptoms alike', () => {
  const findings = [
    finding('lr-too-high', 'error', undefined, { severe: true }),
    finding('gradients-exploding', 'warning', 'dense_2', { relativeGradient: 50 }),
    finding('update-ratio-off', 'warning', undefined, { factor: 26000, direction: 'high' }),
  ];
  const none = triage(findings, {
    verified: [{ cause: 'lr-too-high', outcome: 'no-better' }, { cause: 'gradients-exploding', layer: 'dense_2', outcome: 'no-better' }, { cause: 'update-ratio-off', outcome: 'no-better' }],
  });
  assert.equal(none?.first, 'lr-too-high');
  assert.deepEqual(none?.explains, ['gradients-exploding', 'update-ratio-off']);
  const onlyCause = triage(findings, { verified: [{ cause: 'lr-too-high', outcome: 'no-better' }, { cause: 'update-ratio-off', outcome: 'improved' }] });
  assert.deepEqual(onlyCause?.causes?.find((c) => c.id === 'update-ratio-off')?.explainedBy, undefined, 'a demoted cause cannot explain a symptom whose own fix helped');
});

test('triage(findings) puts an output that cannot reach the targets before the failed overfit it causes', () => {
  const result = triage([finding('overfit-failed', 'error'), finding('output-range-mismatch', 'error', 'dense_3')]);
  assert.equal(result?.first, 'output-range-mismatch');
  assert.equal(result?.layer, 'dense_3');
  assert.deepEqual(result?.explains, ['overfit-failed']);
});

test('every edge of the triage graph starts at a finding its check reports', () => {
  for (const check of ALL_CHECKS) {
    for (const cause of Object.keys(check.explains ?? {})) {
      assert.ok((check.findings ?? []).some((id) => id === cause), `${check.id} explains ${cause} but does not report it`);
    }
  }
  assert.deepEqual(checksGraph().explains('lr-too-high').filter((id) => ['gradients-exploding', 'update-ratio-off'].includes(id)).sort(), ['gradients-exploding', 'update-ratio-off']);
});

test('diagnose(model, raw 0-255 pixels) names the pixels, not their symptoms, as the thing to fix first', async () => {
  await ready();
  const { x, y } = mnistTensors(20);
  const raw = tf.mul(x, 255);
  const model = mnistMlp();
  const report = await diagnoseNoLeak(model, { x: raw, y }, { display: false });
  const symptoms = report.findings.filter((f) => f.id !== 'data-unnormalized' && f.severity !== 'info');
  assert.ok(symptoms.length > 0, 'raw pixels should produce symptoms downstream of the data');
  assert.equal(report.triage?.first, 'data-unnormalized');
  assert.deepEqual(report.triage?.explains.filter((id) => id === 'loss-above-chance'), ['loss-above-chance']);
  assert.match(reportToText(report.toJSON()), /Fix first: Inputs look like raw 0-255 pixels/);
  tf.dispose([x, y, raw]);
  model.dispose();
});

test('reportToHTML(diagnosis) marks the finding to fix first in the findings table, and only that one', async () => {
  const findings = [finding('overfit-failed', 'error'), finding('data-unnormalized', 'warning'), finding('loss-above-chance', 'warning')];
  const html = await reportToHTML({ ...healthyReport, findings, triage: triage(findings) });
  const rows = html.match(/<tr data-finding="[^"]+">.*?<\/tr>/g) ?? [];
  assert.equal(rows.length, 3);
  const marked = rows.filter((row) => row.includes('>fix first</span>'));
  assert.equal(marked.length, 1);
  assert.match(marked[0], /data-finding="data-unnormalized"/);
});
