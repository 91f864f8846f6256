/** Shared set-up for diagnose() tests: the backend, data-only runs, and finding lookup. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { diagnose, type Diagnosis, type DiagnoseData, type DiagnoseOptions } from '../../src/diagnose';
import { DATA_CHECKS } from '../../src/checks/data';
import type { Finding, FindingId } from '../../src/types';

/** Only the data/label/loss checks: fault tests stay fast and independent of the network probes. */
export const DATA_ONLY: DiagnoseOptions = { display: false, checks: { only: DATA_CHECKS.map((c) => c.id) } };

/** diagnose() asserting that it leaves tf.memory().numTensors unchanged. */
export async function diagnoseNoLeak(model: tf.LayersModel, data: DiagnoseData, options: DiagnoseOptions = DATA_ONLY): Promise<Diagnosis> {
  const before = tf.memory().numTensors;
  const report = await diagnose(model, data, { ...DATA_ONLY, ...options });
  assert.equal(tf.memory().numTensors, before, 'diagnose() leaked tensors');
  return report;
}

export function findingOf(report: Diagnosis, id: FindingId): Finding {
  const found = report.findings.find((f) => f.id === id);
  assert.ok(found, `expected finding ${id}; got ${report.findings.map((f) => f.id).join(', ') || 'none'}`);
  return found;
}

export function assertNoProblems(report: Diagnosis): void {
  const problems = report.findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(problems.map((f) => `${f.id}: ${f.detail}`), []);
  assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.note}`), []);
}
