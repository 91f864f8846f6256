/**
 * Every sentence of the run log and of compareRuns(): what we saw; what it
 * means; what to do.
 */
import { num, sentence } from './format';

export const runsMessages = {
  notAModel: (got: string) =>
    `runs.record(model): model must be a tf.LayersModel (tf.sequential() or tf.model()); got ${got}.`,
  badOption: (name: string, expected: string, got: unknown) =>
    `runs.record(): options.${name} must be ${expected} (got ${JSON.stringify(got) ?? String(got)}).`,
  ended: (id: string) => `Run ${id} has ended; start a new one with runs.record(model).`,
  badTrackingUri: (uri: string) =>
    `MLflow tracking URI '${uri}' is not an http(s) URL; pass the server's address, e.g. 'http://127.0.0.1:5000'.`,
  unreachable: (base: string, cause: string) => `MLflow server ${base} did not answer (${cause}).`,
  serverSaid: (status: number, message: string) => `MLflow answered ${status}: ${message}`,
  noMlflowRun: (id: string) => `run ${id} has no MLflow run yet (its creation was not acknowledged).`,
  pending: (id: string, pending: number, error: string | undefined, dir: string) =>
    `tfjs-doctor: ${pending} event${pending === 1 ? '' : 's'} of run ${id} not sent to MLflow yet` +
    `${error ? ` (${error})` : ''}. They are kept in ${dir}; runs.sync({ mlflow }) sends them when the server is back.`,
  readProblems: (count: number, first: string) =>
    `tfjs-doctor: skipped ${count} unreadable line${count === 1 ? '' : 's'} in the run log (first: ${first}); every other line was read.`,
  unknownRun: (id: string, known: readonly string[]) =>
    `compareRuns(): no run '${id}' in the run log${known.length > 0 ? `; recent runs: ${known.slice(-5).join(', ')}` : ' (it is empty)'}.`,
  nothingToCompare: (dir: string) =>
    `compareRuns(): the run log ${dir} has no runs yet; record some with runs.record(model).`,
  curvesTitle: (metric: string) => `${sentence(metric)} of each run`,
  curvesSubtitle: (runs: number, scope: 'epoch' | 'step') =>
    `${runs} run${runs === 1 ? '' : 's'}, aligned by ${scope}; hover a line for its values`,
  differencesTitle: 'What differs between the runs',
  differencesNone: 'The runs share every recorded setting.',
  findingsTitle: 'Findings of each run (last diagnose() of the run)',
  findingsNone: 'No run was diagnosed (call run.addDiagnosis(report)).',
  summaryLine: (name: string, final: number | undefined, metric: string, epochs: number) =>
    `${name}: ${final === undefined ? `no ${metric}` : `final ${metric} ${num(final)}`} after ${epochs} epoch${epochs === 1 ? '' : 's'}`,
  appeared: (id: string, run: string) => `${id} appeared in ${run}`,
  wentAway: (id: string, run: string) => `${id} went away in ${run}`,
} as const;
