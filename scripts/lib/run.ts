/**
 * Running child processes: the place scripts spawn commands, so that output
 * handling and failure messages are the same everywhere, and a stop signal
 * stops every child and what it started (lib/process-tree.ts).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { track } from './process-tree';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Show the child's output live instead of capturing it. Defaults to false. */
  inherit?: boolean;
}

/** Runs a command to completion. Never throws for a non-zero exit: the caller decides. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.inherit ?? false ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  };
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, spawnOptions));
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`Could not start ${command}: ${error.message}`)));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started }),
    );
  });
}

/** The last lines of a process's output, for error messages that stay readable. */
export function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
