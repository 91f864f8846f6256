/**
 * What differs between runs (pure): their curves aligned by epoch (or by step
 * when no run finished an epoch), the settings that differ, and which findings
 * appeared or went away from one run to the next.
 */
import { downsampleRows } from '../charts/downsample';
import { SIZE } from '../charts/base';
import type { FindingId, Severity } from '../types';
import { runsMessages } from '../messages/runs';
import type { RunCurvePoint } from '../charts/runs';
import type { RunRecord } from './read';

export interface SettingRow {
  setting: string;
  /** One value per run, in run order ('—' when a run does not have it). */
  values: string[];
}

export interface FindingRow {
  id: FindingId;
  /** One per run: the severity in its last diagnosis, or null when absent (or not diagnosed). */
  severities: (Severity | null)[];
}

export interface RunComparisonData {
  runs: { id: string; name: string; status: string; final?: number; epochs: number; steps: number; notes: string[] }[];
  metric: string;
  scope: 'epoch' | 'step';
  curves: RunCurvePoint[];
  /** Settings whose values differ between runs. */
  differences: SettingRow[];
  /** How many recorded settings are the same in every run. */
  sameCount: number;
  findings: FindingRow[];
  /** Whether each run was diagnosed at all (findings of an undiagnosed run are unknown, not absent). */
  diagnosed: boolean[];
  /** Findings that appeared or went away from one run to the next, in words. */
  changes: string[];
}

const MISSING = '—';

function short(hash: string): string {
  return hash.slice(0, 12);
}

function fmt(value: unknown): string {
  if (value === undefined || value === null) return MISSING;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return String(value);
}

/** Every setting a run records, as text, under a stable name. */
function settingsOf(run: RunRecord): Map<string, string> {
  const { start } = run;
  const settings = new Map<string, string>([
    ['optimizer', fmt(start.optimizer?.name)],
    ['learning rate', fmt(start.optimizer?.learningRate)],
    ['loss', fmt(start.optimizer?.loss)],
    ['architecture (sha256)', short(start.model.architectureHash)],
    ['initial weights (sha256)', short(start.model.weightsHash)],
    ['parameters', fmt(start.model.parameterCount)],
    ['layers', start.model.layers.map((l) => l.className).join(' > ')],
    ['data x shape', start.data ? `[${start.data.xShape.join(', ')}]` : MISSING],
    ['data fingerprint', start.data ? short(start.data.fingerprint) : MISSING],
    ['source', run.source],
  ]);
  for (const [key, value] of Object.entries(run.params)) settings.set(`param: ${key}`, fmt(value));
  return settings;
}

/** User params that name what every run records anyway ('learningRate' in params and the optimizer's rate). */
const RECORDED_ALIASES: Readonly<Record<string, string>> = {
  learningrate: 'learning rate', lr: 'learning rate', learning_rate: 'learning rate',
  optimizer: 'optimizer', loss: 'loss',
};

/**
 * A `param:` row that only repeats a recorded setting (same value in every run
 * where both are known) says nothing new and would list one change twice.
 * A param that disagrees with what was recorded stays: that is worth seeing.
 */
function repeatsRecordedSetting(row: { setting: string; values: string[] }, rows: readonly { setting: string; values: string[] }[]): boolean {
  if (!row.setting.startsWith('param: ')) return false;
  const alias = RECORDED_ALIASES[row.setting.slice('param: '.length).toLowerCase()];
  const recorded = alias === undefined ? undefined : rows.find((r) => r.setting === alias);
  if (!recorded) return false;
  return row.values.every((value, i) => value === MISSING || value === recorded.values[i] || sameNumber(value, recorded.values[i]));
}

function sameNumber(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return a !== MISSING && b !== MISSING && Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

function curvesOf(runs: readonly RunRecord[], metric: string, scope: 'epoch' | 'step'): RunCurvePoint[] {
  const names = uniqueNames(runs);
  return runs.flatMap((run, i) => {
    const series = scope === 'epoch' ? run.epochs : run.steps;
    const lines: [string, 'train' | 'validation'][] = [[metric, 'train'], [`val_${metric}`, 'validation']];
    return lines.flatMap(([key, split]) => {
      const points = (series[key] ?? []).filter((p) => Number.isFinite(p.value));
      const kept = downsampleRows(points, (p) => p.step, (p) => p.value, SIZE.maxPointsPerSeries);
      return kept.map((p) => ({ run: names[i], split, x: p.step, value: p.value }));
    });
  });
}

/** Run names as shown: a repeated name gets its run id's tail, so every line is told apart. */
export function uniqueNames(runs: readonly RunRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.name, (counts.get(run.name) ?? 0) + 1);
  return runs.map((run) => ((counts.get(run.name) ?? 0) > 1 ? `${run.name} (${run.id.slice(-6)})` : run.name));
}

export function compareRecords(runs: readonly RunRecord[], metric = 'loss'): RunComparisonData {
  const scope: 'epoch' | 'step' = runs.some((r) => (r.epochs[metric] ?? []).length > 0) ? 'epoch' : 'step';
  const settings = runs.map(settingsOf);
  const keys = [...new Set(settings.flatMap((s) => [...s.keys()]))];
  const all = keys.map((setting) => ({ setting, values: settings.map((s) => s.get(setting) ?? MISSING) }));
  const rows = all.filter((row) => !repeatsRecordedSetting(row, all));
  const differences = rows.filter((row) => new Set(row.values).size > 1);

  const lastDiagnosis = runs.map((r) => r.diagnoses[r.diagnoses.length - 1]);
  const diagnosed = lastDiagnosis.map((d) => d !== undefined);
  const ids = [...new Set(lastDiagnosis.flatMap((d) => d?.findings.map((f) => f.id) ?? []))];
  const severityIn = (i: number, id: FindingId): Severity | null => {
    const found = lastDiagnosis[i]?.findings.filter((f) => f.id === id) ?? [];
    if (found.length === 0) return null;
    return found.some((f) => f.severity === 'error') ? 'error' : found.some((f) => f.severity === 'warning') ? 'warning' : 'info';
  };
  const findings = ids.map((id) => ({ id, severities: runs.map((_, i) => severityIn(i, id)) }));
  const names = uniqueNames(runs);
  const changes: string[] = [];
  for (let i = 1; i < runs.length; i += 1) {
    if (!diagnosed[i] || !diagnosed[i - 1]) continue;
    for (const row of findings) {
      if (row.severities[i] !== null && row.severities[i - 1] === null) changes.push(runsMessages.appeared(row.id, names[i]));
      if (row.severities[i] === null && row.severities[i - 1] !== null) changes.push(runsMessages.wentAway(row.id, names[i]));
    }
  }
  return {
    runs: runs.map((r, i) => {
      const series = (scope === 'epoch' ? r.epochs : r.steps)[metric] ?? [];
      const last = series[series.length - 1];
      return {
        id: r.id, name: names[i], status: r.status, final: last?.value, notes: r.notes,
        epochs: Math.max(0, ...(Object.values(r.epochs)[0] ?? []).map((p) => p.step + 1)),
        steps: Math.max(0, ...(Object.values(r.steps)[0] ?? []).map((p) => p.step + 1)),
      };
    }),
    metric, scope, curves: curvesOf(runs, metric, scope), differences, sameCount: rows.length - differences.length,
    findings, diagnosed, changes,
  };
}
