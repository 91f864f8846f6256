/**
 * Where things live in a tfjs-doctor checkout. Every script resolves paths from
 * here so that it works from the source tree and from dist/ alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout's root: the nearest folder above `from` whose package.json is tfjs-doctor's. */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && packageName(manifest) === 'tfjs-doctor') return dir;
    if (dirname(dir) === dir) {
      throw new Error(`Could not find the tfjs-doctor checkout above ${from}: run the scripts from inside the repository.`);
    }
  }
}

function packageName(manifest: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string'
      ? parsed.name
      : undefined;
  } catch {
    return undefined;
  }
}

/** Set by `npm test` (scripts/run-tests.ts) to one id per run: test files share notebook executions through it. */
export const TEST_RUN_ENV = 'TFJS_DOCTOR_TEST_RUN';

export interface RepoPaths {
  root: string;
  notebooks: string;
  /** Executed notebooks and their HTML exports (git-ignored): npm start --headless and the tests. */
  executedNotebooks: string;
  /** The project-local Python environment with JupyterLab (see lib/venv.ts). */
  venv: { dir: string; requirements: string };
  /** The venv's Jupyter data: the tslab kernelspec lives here, not in the user's registry. */
  jupyterData: string;
  /** scripts/patches/: fixes applied to node_modules/tslab (scripts/patch-tslab.mjs). */
  patches: string;
  tslabBinary: string;
  /** node_modules/tfjs-doctor: lets notebooks import the checkout by its package name. */
  packageLink: string;
  distTests: string;
  distBench: string;
}

export function repoPaths(root: string = findRepoRoot()): RepoPaths {
  return {
    root,
    notebooks: join(root, 'notebooks'),
    executedNotebooks: join(root, 'artifacts', 'notebooks'),
    venv: { dir: join(root, '.tfjs-doctor', 'venv'), requirements: join(root, 'scripts', 'jupyter-requirements.txt') },
    jupyterData: join(root, '.tfjs-doctor', 'venv', 'share', 'jupyter'),
    patches: join(root, 'scripts', 'patches'),
    tslabBinary: join(root, 'node_modules', '.bin', 'tslab'),
    packageLink: join(root, 'node_modules', 'tfjs-doctor'),
    distTests: join(root, 'dist', 'test'),
    distBench: join(root, 'dist', 'bench'),
  };
}
