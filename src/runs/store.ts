/**
 * The run log folder: append events, read runs back. Side effects live here
 * (and in mlflow.ts); everything else in src/runs is pure.
 *
 * Reading never loses runs to one bad line: a corrupt or truncated line is
 * reported (file and line number) and skipped.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { eventLine, eventProblem, type RunEvent } from './format';

/** Where runs go when no `dir` is given: `runs/` beside the notebook (tslab's working directory). */
export const DEFAULT_RUN_DIR = 'runs';
export const EVENTS_FILE = 'events.jsonl';

export function runDirectory(dir: string | undefined): string {
  return resolve(dir ?? DEFAULT_RUN_DIR);
}

/** A run id that sorts by time and never collides between two writers: 20261203-081500-3fa9c2. */
export function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Appends events as whole lines in ONE write on a file opened with O_APPEND:
 * the kernel positions each write at the end, so lines of two writers never mix.
 */
export function appendEvents(dir: string, runId: string, events: readonly RunEvent[]): void {
  if (events.length === 0) return;
  const folder = join(dir, runId);
  mkdirSync(folder, { recursive: true });
  const fd = openSync(join(folder, EVENTS_FILE), 'a');
  try {
    writeSync(fd, events.map(eventLine).join(''));
  } finally {
    closeSync(fd);
  }
}

/** Writes an artifact (report, diagnosis JSON) into the run's folder; returns its file name. */
export function writeArtifact(dir: string, runId: string, name: string, content: string): string {
  const folder = join(dir, runId);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, name), content);
  return name;
}

export function readArtifact(dir: string, runId: string, name: string): string {
  return readFileSync(join(dir, runId, name), 'utf8');
}

export interface ReadProblem {
  file: string;
  line: number;
  reason: string;
}

export interface RunEvents {
  id: string;
  events: RunEvent[];
  problems: ReadProblem[];
}

/** Parses one events file's text: good lines in order, bad ones as problems. */
export function parseEvents(text: string, file: string): { events: RunEvent[]; problems: ReadProblem[] } {
  const events: RunEvent[] = [];
  const problems: ReadProblem[] = [];
  const lines = text.split('\n');
  // A file that does not end in a newline has a last line still being written (or cut short).
  const complete = text.endsWith('\n');
  lines.forEach((line, i) => {
    if (line.trim().length === 0) return;
    const last = i === lines.length - 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      problems.push({ file, line: i + 1, reason: last && !complete ? 'truncated last line' : 'not valid JSON' });
      return;
    }
    const problem = eventProblem(parsed);
    if (problem) problems.push({ file, line: i + 1, reason: problem });
    else events.push(parsed as RunEvent);
  });
  return { events, problems };
}

export function readRunEvents(dir: string, runId: string): RunEvents {
  const file = join(dir, runId, EVENTS_FILE);
  if (!existsSync(file)) return { id: runId, events: [], problems: [{ file, line: 0, reason: 'no events file' }] };
  return { id: runId, ...parseEvents(readFileSync(file, 'utf8'), file) };
}

/** Ids of the runs in a folder, oldest first (ids sort by time). */
export function listRunIds(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, EVENTS_FILE)))
    .map((entry) => entry.name)
    .sort();
}
