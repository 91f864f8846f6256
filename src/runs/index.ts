/**
 * The run log (CHECKLIST T11): record runs, read them back, compare them.
 *
 *   runs.record(model, options) -> Run   (local folder; MLflow with `mlflow`)
 *   runs.read(dir) -> every run         runs.sync({ mlflow }) -> resend what MLflow lacks
 *   compareRuns(runs?, options) -> curves, differences, findings (shown in tslab)
 */
import { gridTableChart, runCurvesChart, RUN_TABLE_COLORS } from '../charts/runs';
import { inNotebook, widgetToBundle, type Widget } from '../render';
import { displayBundles } from '../render/tslab';
import { runsMessages } from '../messages/runs';
import { compareRecords, type RunComparisonData } from './compare';
import { readRuns, syncRuns, type RunRecord } from './read';
import { record, Run } from './run';
import { runDirectory } from './store';

export { Run, type RecordOptions, type RunResult } from './run';
export type { RunRecord, ReadResult, MetricPoint } from './read';
export type { MlflowOptions, SyncStatus } from './mlflow';
export type { RunComparisonData } from './compare';
export type { RunEvent } from './format';

export const runs = { record, read: readRuns, sync: syncRuns } as const;

export interface CompareOptions {
  /** The run log folder. Defaults to 'runs' in the working directory. */
  dir?: string;
  /** The metric to draw (its `val_` twin is drawn dashed). Defaults to 'loss'. */
  metric?: string;
  /** With no runs named: how many of the latest runs. Defaults to 5. */
  last?: number;
  /** Show in the notebook: true, false, or 'auto' (inside tslab). Defaults to 'auto'. */
  display?: boolean | 'auto';
}

export const COMPARE_DEFAULTS = { metric: 'loss', last: 5, display: 'auto' as boolean | 'auto' } as const;

export interface RunComparison extends RunComparisonData {
  /** The charts: curves, differences, findings. */
  widgets(): Widget[];
  show(): Promise<void>;
  toText(): string;
  toJSON(): RunComparisonData;
}

function pick(all: readonly RunRecord[], wanted: readonly (Run | string)[] | undefined, last: number): RunRecord[] {
  if (!wanted) return all.slice(-last);
  return wanted.map((entry) => {
    const id = typeof entry === 'string' ? entry : entry.id;
    const found = all.find((r) => r.id === id) ?? all.filter((r) => r.name === id).pop();
    if (!found) throw new Error(runsMessages.unknownRun(id, all.map((r) => r.id)));
    return found;
  });
}

function widgetsOf(data: RunComparisonData): Widget[] {
  const names = data.runs.map((r) => r.name);
  const curves = runCurvesChart({
    title: runsMessages.curvesTitle(data.metric), subtitle: runsMessages.curvesSubtitle(data.runs.length, data.scope),
    xTitle: data.scope, yTitle: data.metric, points: data.curves,
  });
  const differences = gridTableChart({
    title: runsMessages.differencesTitle,
    subtitle: `${data.differences.length} setting${data.differences.length === 1 ? '' : 's'} differ; ${data.sameCount} are the same in every run`,
    headers: ['setting', ...names], rows: data.differences.map((row) => [row.setting, ...row.values]), empty: runsMessages.differencesNone,
  });
  const findings = gridTableChart({
    title: runsMessages.findingsTitle,
    subtitle: data.changes.length > 0 ? data.changes.join('; ') : 'the same findings in every diagnosed run',
    headers: ['finding', ...names],
    rows: data.findings.map((row) => [row.id, ...row.severities.map((s, i) => s ?? (data.diagnosed[i] ? 'absent' : 'not diagnosed'))]),
    cellColors: RUN_TABLE_COLORS, empty: data.diagnosed.some(Boolean) ? 'No findings in any diagnosed run.' : runsMessages.findingsNone,
  });
  const text = comparisonText(data);
  return [
    { spec: curves, summary: text.curves },
    { spec: differences, summary: text.differences },
    { spec: findings, summary: text.findings },
  ];
}

function comparisonText(data: RunComparisonData): { curves: string; differences: string; findings: string } {
  const curves = data.runs.map((r) => runsMessages.summaryLine(r.name, r.final, data.metric, r.epochs)).join('\n');
  const differences = data.differences.length === 0
    ? runsMessages.differencesNone
    : data.differences.map((row) => `${row.setting}: ${row.values.join(' | ')}`).join('\n');
  const findings = data.findings.length === 0
    ? (data.diagnosed.some(Boolean) ? 'No findings in any diagnosed run.' : runsMessages.findingsNone)
    : [...data.findings.map((row) => `${row.id}: ${row.severities.map((s) => s ?? '—').join(' | ')}`), ...data.changes].join('\n');
  return { curves, differences, findings };
}

/**
 * Compares recorded runs: their curves on one chart, what differs between them,
 * and which findings appeared or went away. `runs` are Run objects, run ids or
 * names; by default the latest `last` runs of the log.
 */
export async function compareRuns(selection?: readonly (Run | string)[], options: CompareOptions = {}): Promise<RunComparison> {
  const dir = runDirectory(options.dir);
  const { runs: all, problems } = readRuns(dir);
  if (problems.length > 0) {
    const first = problems[0];
    process.stdout.write(`${runsMessages.readProblems(problems.length, `${first.file}:${first.line}: ${first.reason}`)}\n`);
  }
  if (all.length === 0) throw new Error(runsMessages.nothingToCompare(dir));
  const chosen = pick(all, selection, options.last ?? COMPARE_DEFAULTS.last);
  const data = compareRecords(chosen, options.metric ?? COMPARE_DEFAULTS.metric);
  const comparison: RunComparison = {
    ...data,
    widgets: () => widgetsOf(data),
    show: async () => {
      const widgets = widgetsOf(data);
      if (!inNotebook()) {
        process.stdout.write(`${comparison.toText()}\n`);
        return;
      }
      displayBundles(await Promise.all(widgets.map((w) => widgetToBundle(w))));
    },
    toText: () => {
      const text = comparisonText(data);
      return [`Runs compared: ${data.runs.map((r) => r.name).join(', ')}`, text.curves, '', 'Differences:', text.differences, '', 'Findings:', text.findings].join('\n');
    },
    toJSON: () => data,
  };
  const display = options.display ?? COMPARE_DEFAULTS.display;
  if (display === true || (display === 'auto' && inNotebook())) await comparison.show();
  return comparison;
}
