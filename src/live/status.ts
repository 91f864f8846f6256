/**
 * Progress, ETA and what was found, as plain data for the panel header and
 * the dashboard page.
 */
import type { Finding } from '../types';
import type { HistorySnapshot } from './history';
import * as messages from './messages';

export interface RunStatus {
  step: number;
  totalSteps: number | null;
  /** 0..1 when the total is known. */
  fraction: number | null;
  stepsPerSecond: number | null;
  etaSeconds: number | null;
  line: string;
  state: 'waiting' | 'running' | 'completed' | 'stopped';
  latest: Record<string, number | null>;
  findings: Finding[];
  notes: string[];
}

export function runStatus(snapshot: HistorySnapshot): RunStatus {
  const run = snapshot.run;
  const total = run?.totalSteps ?? null;
  const elapsed = run && snapshot.lastTime !== null ? (snapshot.lastTime - run.startedAt) / 1000 : null;
  const stepsThisFit = snapshot.step - (run?.startStep ?? 0);
  const rate = elapsed !== null && elapsed > 0 && stepsThisFit > 0 ? stepsThisFit / elapsed : null;
  const done = snapshot.end !== null;
  const eta = !done && total !== null && rate !== null ? Math.max(total - snapshot.step, 0) / rate : null;
  const latest: Record<string, number | null> = {};
  for (const [name, points] of Object.entries(snapshot.batches)) latest[name] = points.length ? points[points.length - 1].value : null;
  for (const row of snapshot.epochs.slice(-1)) Object.assign(latest, Object.fromEntries(Object.entries(row.values).filter(([k]) => k.startsWith('val_'))));
  return {
    step: snapshot.step,
    totalSteps: total,
    fraction: total ? Math.min(snapshot.step / total, 1) : null,
    stepsPerSecond: rate,
    etaSeconds: eta,
    line: messages.progressLine(snapshot.step, total, eta, rate),
    state: snapshot.end ? snapshot.end.reason : run ? 'running' : 'waiting',
    latest,
    findings: snapshot.findings.map((f) => f.finding),
    notes: snapshot.notes.filter((n) => n.kind !== 'stopped').map((n) => n.text),
  };
}
