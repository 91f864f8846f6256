/**
 * tfjs-doctor: the public API, nothing else.
 */
export { ready, backendReason, BackendError } from './backend';
export type { ReadyOptions, BackendName } from './backend';
export type { Finding, FindingId, Severity, CheckRun, CheckStatus, Task, InputKind, Budget, DiagnosisData, DiagnosisContext } from './types';
export type { Triage } from './triage';
export { FINDING_IDS } from './types';
export type * from './measurements';
export { diagnose, DiagnoseInputError } from './diagnose';
export type { Diagnosis, DiagnoseOptions, DiagnoseData, ProgressEvent } from './diagnose';
export { watch, WatchOptionsError } from './live';
export type { InputErrorCode, WatchErrorCode } from './messages/errors';
export type { Watcher, WatchOptions, ServeOptions, StepResult } from './live';
export { show } from './render/show';
export { runs, compareRuns, Run } from './runs';
export type { RecordOptions, RunResult, RunRecord, RunComparison, CompareOptions, MlflowOptions, SyncStatus, RunEvent } from './runs';
