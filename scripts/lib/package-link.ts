/**
 * node_modules/tfjs-doctor -> the checkout, so notebooks in this repository say
 * `import ... from 'tfjs-doctor'` exactly as a user's notebook does. Node and
 * tslab's type checker follow the link to package.json (main/types in dist/src)
 * and resolve @tensorflow/tfjs from the checkout's node_modules: one tfjs
 * instance for the notebook and the library. npm prunes the link on install,
 * so every setup run re-creates it.
 */
import { lstatSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { relative, dirname } from 'node:path';

export type LinkState = 'present' | 'created' | 'replaced';

export function ensurePackageLink(link: string, target: string): LinkState {
  const wanted = relative(dirname(link), target) || '.';
  const existing = lstatOrUndefined(link);
  if (existing?.isSymbolicLink() && readlinkSync(link) === wanted) return 'present';
  if (existing) rmSync(link, { recursive: true, force: true });
  try {
    symlinkSync(wanted, link, 'dir');
  } catch (error) {
    // Another process (a parallel test run) made the same link first.
    if (!(isErrorCode(error, 'EEXIST') && readlinkSync(link) === wanted)) throw error;
  }
  return existing ? 'replaced' : 'created';
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
