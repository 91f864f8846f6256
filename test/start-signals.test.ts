/**
 * `npm start` stops cleanly, whoever stops it: SIGTERM to npm alone (kill, a
 * service manager) or SIGINT to its whole process group (Ctrl-C in a
 * terminal) ends npm, the start script, JupyterLab and the kernel it started.
 * Nothing is left running: the kernel, which Jupyter starts in a session of
 * its own, is checked too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoPaths } from '../scripts/lib/paths';
import { descendants, isRunning } from '../scripts/lib/process-tree';
import { freePort } from './helpers/jupyterlab';

const paths = repoPaths();

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

const STOPS = [
  { how: 'SIGTERM to npm alone', stop: (pid: number) => process.kill(pid, 'SIGTERM') },
  { how: 'Ctrl-C (SIGINT to the process group)', stop: (pid: number) => process.kill(-pid, 'SIGINT') },
] as const;

describe('npm start and stop signals', () => {
  for (const { how, stop } of STOPS) {
    it(`npm start, a kernel running, then ${how}: npm, the start script, JupyterLab and the kernel all exit`, { timeout: 4 * 60_000 }, async () => {
      const port = await freePort();
      // Its own process group, like a terminal's foreground job.
      const npm = spawn('npm', ['start', '--', '--no-browser', `--port=${port}`], { cwd: paths.root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.on('close', (code, signal) => resolve({ code, signal })));
      const npmPid = npm.pid ?? assert.fail('npm did not start');
      try {
        // The URL as printed: JupyterLab takes the next port when the one asked for was taken meanwhile.
        const [, base, token] = await waitFor('the URL and token', () => /JupyterLab 4:\s+(http:\/\/127\.0\.0\.1:\d+)\/lab\S*\?token=(\w+)/.exec(output) ?? undefined, 180_000)
          .catch((error: Error) => assert.fail(`${error.message}\n${output}`));
        const response = await fetch(`${base}/api/kernels`, { method: 'POST', headers: { Authorization: `token ${token}` }, body: JSON.stringify({ name: 'tslab' }) });
        assert.equal(response.status, 201, await response.text());
        const kernel = await waitFor('the tslab kernel process', () => descendants(npmPid).find((pid) => /tslab kernel/.test(commandLine(pid))), 60_000);
        const tree = [npmPid, ...descendants(npmPid)];
        const names = tree.map(commandLine).join('\n');
        assert.match(names, /scripts\/start\.mjs/);
        assert.match(names, /-m jupyterlab/);

        stop(npmPid);
        const { code, signal } = await Promise.race([exited, sleep(60_000).then(() => assert.fail(`npm still running 60 s after ${how}`))]);
        assert.ok(code !== 0 || signal !== null, `npm reports the stop (exit ${code}, signal ${signal})`);
        const left = await waitFor('every process to exit', () => {
          const alive = tree.filter(isRunning);
          return alive.length === 0 ? [] : undefined;
        }, 30_000).catch(() => tree.filter(isRunning));
        assert.deepEqual(left.map((pid) => `${pid} ${commandLine(pid)}`), [], `nothing left running (the kernel was ${kernel})`);
        assert.match(output, /Kernel shutdown|Shutting down 1 kernel/, 'JupyterLab shut its kernel down itself');
      } finally {
        for (const pid of [npmPid, ...descendants(npmPid)]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone, as it should be
          }
        }
      }
    });
  }
});
