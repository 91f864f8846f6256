/**
 * Steps 3-6 of `npm start` (steps 1-2 and the command line are in start.mjs):
 * JupyterLab in the project's venv, the tslab kernel, the package link, then
 * either JupyterLab on notebooks/ or, headless, the notebooks executed into
 * artifacts/notebooks/ (notebooks/ itself is never written; a notebook in
 * notebooks/workshop/ goes to artifacts/notebooks/workshop/).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describeProblems } from './lib/notebook-problems';
import { discoverNotebooks, executeNotebooks } from './lib/notebook';
import { repoPaths, type RepoPaths } from './lib/paths';
import { stopChildrenOnSignals, track } from './lib/process-tree';
import { createProgress, type Progress } from './lib/progress';
import { prepareNotebookTooling, type NotebookTooling } from './lib/tooling';

export interface StartOptions {
  headless: boolean;
  'setup-only': boolean;
  port: number;
  ip: string;
  'no-browser': boolean;
  /** Notebook for --headless. Defaults to every notebook in notebooks/, notebooks/workshop/ and notebooks/investigations/. */
  notebook?: string;
  firstStep: number;
  totalSteps: number;
}

/** Returns the process exit code. */
export async function main(options: StartOptions): Promise<number> {
  // Ctrl-C or a stop signal ends Jupyter cleanly (it shuts its kernels down), and nothing is left running.
  stopChildrenOnSignals({ SIGINT: 'SIGTERM' });
  const paths = repoPaths();
  const progress = createProgress(options.totalSteps, options.firstStep);
  let tooling: NotebookTooling;
  try {
    tooling = await prepareNotebookTooling(paths, progress);
  } catch (error) {
    console.error(`\nnpm start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (options['setup-only']) {
    progress.step('ready (--setup-only: nothing started)');
    return 0;
  }
  return options.headless ? runHeadless(paths, tooling, progress, options.notebook) : serveNotebooks(paths, tooling, progress, options);
}

async function runHeadless(paths: RepoPaths, tooling: NotebookTooling, progress: Progress, notebook: string | undefined): Promise<number> {
  // npm runs scripts from the package root; a path the user typed is relative to where they typed it.
  const sources = notebook === undefined ? discoverNotebooks(paths.notebooks) : [resolve(process.env.INIT_CWD ?? process.cwd(), notebook)];
  const shown = (path: string) => relative(paths.root, path);
  progress.step(`execute ${sources.length === 1 ? shown(sources[0]) : `${sources.length} notebooks, two at a time`} into ${shown(paths.executedNotebooks)}/`);
  const missing = sources.find((source) => !existsSync(source));
  if (missing) {
    console.error(`npm start: no notebook at ${missing}: give the path of an .ipynb file.`);
    return 2;
  }
  let failed = 0;
  await executeNotebooks(sources, { ...tooling, outDir: paths.executedNotebooks, sourceRoot: paths.notebooks }, 2, (source, run) => {
    const seconds = (run.ms / 1000).toFixed(1);
    if (run.failure || run.problems.length > 0) {
      failed += 1;
      progress.note(`FAILED ${shown(source)} after ${seconds} s`);
      console.error(`\n${run.failure ?? describeProblems(shown(source), run.problems)}\n`);
    } else {
      progress.ok(`${shown(source)} ran in ${seconds} s: ${shown(run.html)}, ${shown(run.executed)}`);
    }
  });
  return failed === 0 ? 0 : 1;
}

const SERVER_URL = /(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|[\w.-]+):\d+)\/lab\?token=(\w+)/;

function serveNotebooks(paths: RepoPaths, tooling: NotebookTooling, progress: Progress, options: StartOptions): Promise<number> {
  progress.step('JupyterLab on notebooks/');
  const args = [
    '-m', 'jupyterlab', `--ServerApp.root_dir=${paths.notebooks}`, `--ip=${options.ip}`, `--port=${options.port}`,
    ...(options['no-browser'] ? ['--no-browser'] : []),
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  // Its own process group: Ctrl-C reaches us only, and we stop Jupyter with
  // SIGTERM (a SIGINT would make it ask for confirmation).
  const server = track(spawn(tooling.python, args, { cwd: paths.notebooks, env: tooling.env, stdio: ['ignore', 'inherit', 'pipe'], detached: true }), { group: true });
  let announced = false;
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    process.stderr.write(chunk);
    const match = SERVER_URL.exec(chunk);
    if (match && !announced) {
      announced = true;
      const [, base, token] = match;
      console.log(
        `\n  JupyterLab 4:  ${base}/lab/tree/quickstart.ipynb?token=${token}` +
          `\n  Notebook 7:    ${base}/tree?token=${token}` +
          `\n  token:         ${token}` +
          '\n  kernel: TypeScript (tslab). Stop with Ctrl-C.\n',
      );
    }
  });
  return new Promise((resolveExit) => {
    server.on('error', (error) => {
      console.error(`npm start: could not start JupyterLab: ${error.message}`);
      resolveExit(1);
    });
    server.on('close', (code) => resolveExit(code ?? 0));
  });
}
