/**
 * Debian packages, installed with apt-get when we are root. apt-get waits for
 * the dpkg lock (another apt running, e.g. unattended upgrades) instead of
 * failing with exit 100 at once.
 */
import { existsSync } from 'node:fs';
import { run } from './run';

/** Seconds apt-get waits for the dpkg lock before giving up. */
export const APT_LOCK_TIMEOUT_SECONDS = 300;

export function aptArgs(args: readonly string[]): string[] {
  return ['-o', `DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_SECONDS}`, ...args];
}

export function canInstallWithApt(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

/** apt-get update + install, output shown live (it takes a while and the user should see why). */
export async function aptInstall(packages: readonly string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const result = await run('apt-get', aptArgs(args), { env, inherit: true });
    if (result.code !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.code}): see its output above.`);
    }
  }
}
