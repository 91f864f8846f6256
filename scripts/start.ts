/**
 * Steps 3-6 of `npm start` (steps 1-2 and the command line are in start.mjs):
 * notebook tooling, then either a Jupyter server on notebooks/ or, headless,
 * one notebook executed to HTML beside it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describeProblems } from './lib/notebook-problems';
import { executeNotebook } from './lib/notebook';
import { repoPaths, type RepoPaths } from './lib/paths';
import { createProgress, type Progress } from './lib/progress';
import { prepareNotebookTooling, type NotebookTooling } from './lib/tooling';

export interface StartOptions {
  headless: boolean;
  port: number;
  ip: string;
  'no-browser': boolean;
  /** Notebook for --headless. Defaults to notebooks/quickstart.ipynb. */
  notebook?: string;
  firstStep: number;
  totalSteps: number;
}

/** Returns the process exit code. */
export async function main(options: StartOptions): Promise<number> {
  const paths = repoPaths();
  const progress = createProgress(options.totalSteps, options.firstStep);
  let tooling: NotebookTooling;
  try {
    tooling = await prepareNotebookTooling(paths, { installMissing: true, progress });
  } catch (error) {
    console.error(`\nnpm start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return options.headless
    ? runHeadless(paths, tooling, progress, options.notebook ?? resolve(paths.notebooks, 'quickstart.ipynb'))
    : serveNotebooks(paths, tooling, progress, options);
}

async function runHeadless(paths: RepoPaths, tooling: NotebookTooling, progress: Progress, notebook: string): Promise<number> {
  // npm runs scripts from the package root; a path the user typed is relative to where they typed it.
  const source = resolve(process.env.INIT_CWD ?? process.cwd(), notebook);
  progress.step(`execute ${relative(paths.root, source)}`);
  if (!existsSync(source)) {
    console.error(`npm start: no notebook at ${source}: give the path of an .ipynb file.`);
    return 2;
  }
  const result = await executeNotebook(source, {
    ...tooling,
    outDir: paths.executedNotebooks,
    htmlDir: resolve(source, '..'),
  });
  if (result.failure) {
    console.error(`npm start: ${result.failure}`);
    return 1;
  }
  const seconds = (result.ms / 1000).toFixed(1);
  if (result.problems.length > 0) {
    progress.note(`ran in ${seconds} s, and failed:`);
    console.error(`\n${describeProblems(relative(paths.root, source), result.problems)}\n`);
    console.log(`${result.html}`);
    return 1;
  }
  progress.ok(`ran in ${seconds} s`);
  console.log(`\n${result.html}`);
  return 0;
}

const SERVER_URL = /(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|[\w.-]+):\d+\/[^\s]*\?token=\w+)/;

function serveNotebooks(paths: RepoPaths, tooling: NotebookTooling, progress: Progress, options: StartOptions): Promise<number> {
  progress.step('Jupyter on notebooks/');
  const args = [
    '-m', 'notebook', `--notebook-dir=${paths.notebooks}`, `--ip=${options.ip}`, `--port=${options.port}`,
    ...(options['no-browser'] ? ['--no-browser'] : []),
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  const server = spawn(tooling.python, args, { cwd: paths.notebooks, env: tooling.env, stdio: ['inherit', 'inherit', 'pipe'] });
  let announced = false;
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    process.stderr.write(chunk);
    const url = SERVER_URL.exec(chunk)?.[1];
    if (url && !announced) {
      announced = true;
      console.log(`\n  tfjs-doctor notebooks: ${url}\n  open quickstart.ipynb (kernel: TypeScript). Stop with Ctrl-C.\n`);
    }
  });
  // Ctrl-C reaches Jupyter through the terminal's process group (it asks to
  // confirm); we wait for it to exit. Other stop signals are passed on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => server.kill(signal));
  return new Promise((resolveExit) => {
    server.on('error', (error) => {
      console.error(`npm start: could not start Jupyter: ${error.message}`);
      resolveExit(1);
    });
    server.on('close', (code) => resolveExit(code ?? 0));
  });
}
