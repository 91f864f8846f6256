/**
 * Stopping what we started, all of it. Jupyter starts kernels in sessions of
 * their own (so a Ctrl-C in the terminal never reaches them), and a Python
 * killed by a signal does not shut its kernels down: signalling a child alone
 * leaves orphans. So on a stop signal we take a snapshot of every process
 * under each child (from /proc), signal the children, give them a grace
 * period to shut down cleanly, then end whatever of the snapshot is left.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0], ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Every process below `pid`, parents before children (empty where /proc is missing). */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Running (a zombie has exited, it only waits for its parent to read its status). */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  if (stat) return stat.state !== 'Z' && stat.state !== 'X';
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitUntilGone(pids: readonly number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter(isRunning);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter(isRunning);
  }
  return alive;
}

/**
 * Sends `name` to `pid` (to its whole process group when it leads one:
 * spawned with `detached: true`), waits up to graceMs for it and everything
 * that was below it to end, then SIGTERMs and finally SIGKILLs what is left.
 */
export async function stopTree(pid: number, name: NodeJS.Signals = 'SIGTERM', { graceMs = 10_000, group = false } = {}): Promise<void> {
  const tree = [pid, ...descendants(pid)];
  signal(group ? -pid : pid, name);
  let alive = await waitUntilGone(tree, graceMs);
  for (const left of alive) signal(left, 'SIGTERM');
  alive = await waitUntilGone(alive, 2_000);
  for (const left of alive) signal(left, 'SIGKILL');
  await waitUntilGone(alive, 2_000);
}

const tracked = new Map<ChildProcess, { group: boolean }>();

/**
 * Remembers a child until it exits, so that a stop signal stops it and what it
 * started. `group`: the child leads its own process group (spawned detached).
 */
export function track<C extends ChildProcess>(child: C, { group = false } = {}): C {
  tracked.set(child, { group });
  child.once('exit', () => tracked.delete(child));
  return child;
}

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let installed = false;

/**
 * On SIGINT, SIGTERM or SIGHUP (and when our parent dies: npm killed with -9
 * leaves us re-parented), stops every tracked child's tree, then exits with
 * 128 + the signal's number. A second signal (2 s or more later) skips the grace period.
 */
export function stopChildrenOnSignals(translate: Partial<Record<NodeJS.Signals, NodeJS.Signals>> = {}): void {
  if (installed) return;
  installed = true;
  let stoppingSince: number | undefined;
  const stop = (received: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C reaches us twice at once (from the terminal and forwarded by npm): only a later one insists.
      if (Date.now() - stoppingSince < 2_000) return;
      for (const child of tracked.keys()) if (child.pid) for (const pid of [child.pid, ...descendants(child.pid)]) signal(pid, 'SIGKILL');
      return;
    }
    stoppingSince = Date.now();
    const pending = [...tracked].flatMap(([child, { group }]) =>
      child.pid ? [stopTree(child.pid, translate[received] ?? received, { group })] : [],
    );
    void Promise.all(pending).finally(() => process.exit(128 + (constants.signals[received] ?? 15)));
  };
  for (const name of STOP_SIGNALS) process.on(name, () => stop(name));
  const parent = process.ppid;
  const orphanCheck = setInterval(() => {
    if (process.ppid !== parent) stop('SIGHUP');
  }, 1_000);
  orphanCheck.unref();
}
