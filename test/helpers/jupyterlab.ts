/**
 * A real JupyterLab 4 server from the project's venv, for tests: 127.0.0.1,
 * a free port, a random token, its own settings, workspaces and runtime
 * folders (the user's are never read or written) and notebook signatures
 * kept in memory only, so a restarted server opens every notebook untrusted,
 * as a colleague's JupyterLab would. News, update checks and the extension
 * manager's PyPI look-ups are off: the server makes no outside request.
 * window.jupyterapp is exposed so tests can read what each output rendered.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopTree, track } from '../../scripts/lib/process-tree';
import type { NotebookTooling } from '../../scripts/lib/tooling';

export interface LabServer {
  /** http://127.0.0.1:<port> */
  base: string;
  token: string;
  /** The URL that opens `notebook` (a path under the server's root) with the token. */
  notebookUrl(notebook: string): string;
  /** What the server printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts JupyterLab on `root` and resolves once its API answers (rejects with its log after `startupMs`). */
export async function startJupyterLab(tooling: NotebookTooling, root: string, state: string, startupMs = 90_000): Promise<LabServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const dirs = Object.fromEntries(['config', 'data', 'runtime', 'settings', 'workspaces'].map((name) => [name, join(state, name)]));
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  // No "get notified about official Jupyter news?" toast over the notebook.
  mkdirSync(join(dirs.settings, '@jupyterlab', 'apputils-extension'), { recursive: true });
  writeFileSync(join(dirs.settings, '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false' }));
  const env = {
    ...tooling.env,
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JUPYTERLAB_SETTINGS_DIR: dirs.settings,
    JUPYTERLAB_WORKSPACES_DIR: dirs.workspaces,
  };
  const args = [
    '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${root}`,
    '--NotebookNotary.db_file=:memory:', '--expose-app-in-browser',
    '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.extension_manager=readonly',
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  const child = track(spawn(tooling.python, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }), { group: true });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const base = `http://127.0.0.1:${port}`;
  const server: LabServer = {
    base,
    token,
    notebookUrl: (notebook) => `${base}/lab/tree/${notebook.split('/').map(encodeURIComponent).join('/')}?token=${token}`,
    log: () => output,
    stop: async () => {
      if (child.pid !== undefined && exited === undefined) await stopTree(child.pid, 'SIGTERM', { group: true, graceMs: 15_000 });
    },
  };
  const deadline = Date.now() + startupMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`JupyterLab exited (code ${exited}) before it answered:\n${output}`);
    const ready = await fetch(`${base}/api/status`, { headers: { Authorization: `token ${token}` } }).then((r) => r.ok, () => false);
    if (ready) return server;
    await sleep(250);
  }
  await server.stop();
  throw new Error(`JupyterLab did not answer on ${base} within ${startupMs / 1000} s:\n${output}`);
}

/** What one output of a notebook cell shows, read from JupyterLab's model and DOM. */
export interface OutputView {
  cell: number;
  output: number;
  /** The MIME types the output carries (nbformat data keys). */
  mimes: string[];
  /** The MIME type JupyterLab chose to render. */
  rendered: string | null;
  /** Drawings (svg, canvas, img) in the output with a visible box, as "tag WxH". */
  drawings: string[];
}

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

/**
 * Every output of the current notebook panel, each scrolled into view first
 * (as a reader would scroll to it) so that lazily drawn content is drawn.
 * Needs the server's --expose-app-in-browser (window.jupyterapp).
 */
export async function outputViews(page: Page): Promise<OutputView[]> {
  const counts = await page.evaluate(() => {
    const w = window as unknown as { jupyterapp: LabApp };
    return w.jupyterapp.shell.currentWidget.content.widgets.map((cell) => cell.model.outputs?.length ?? 0);
  });
  const views: OutputView[] = [];
  for (const [cell, outputs] of counts.entries()) {
    for (let output = 0; output < outputs; output++) {
      views.push(await page.evaluate(async ([cellIndex, outputIndex]) => {
        const w = window as unknown as { jupyterapp: LabApp };
        const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const widget = w.jupyterapp.shell.currentWidget.content.widgets[cellIndex];
        const json = widget.model.outputs?.get(outputIndex)?.toJSON() ?? {};
        // JupyterLab attaches cells and their outputs lazily: scroll there and wait for the output.
        widget.node.scrollIntoView({ block: 'start' });
        for (let waited = 0; !widget.outputArea?.widgets[outputIndex] && waited < 10_000; waited += 100) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const node = widget.outputArea?.widgets[outputIndex]?.node;
        node?.scrollIntoView({ block: 'center' });
        await frame();
        const measure = () => Array.from(node?.querySelectorAll('svg, canvas, img') ?? []).flatMap((element) => {
          const box = element.getBoundingClientRect();
          const style = getComputedStyle(element);
          const shown = box.width >= 1 && box.height >= 1 && style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0;
          return shown ? [`${element.tagName.toLowerCase()} ${Math.round(box.width)}x${Math.round(box.height)}`] : [];
        });
        // Renderers attach their content asynchronously (a loaded machine can take seconds): give a
        // chart output up to 5 s to show a drawing before it is judged; text outputs are judged at once.
        const carriesChart = 'application/vnd.vegalite.v5+json' in ((json as { data?: Record<string, unknown> }).data ?? {});
        let drawings = measure();
        for (let waited = 0; carriesChart && drawings.length === 0 && waited < 5000; waited += 100) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          drawings = measure();
        }
        return {
          cell: cellIndex,
          output: outputIndex,
          mimes: Object.keys((json as { data?: Record<string, unknown> }).data ?? {}),
          rendered: node?.querySelector('.jp-OutputArea-output')?.getAttribute('data-mime-type') ?? null,
          drawings,
        };
      }, [cell, output] as const));
    }
  }
  return views;
}

/** A chart is drawn when its output shows at least one drawing of chart size (not an icon). */
export function chartIsDrawn(view: OutputView, minWidth = 50, minHeight = 20): boolean {
  return view.drawings.some((drawing) => {
    const [w, h] = drawing.split(' ')[1].split('x').map(Number);
    return w >= minWidth && h >= minHeight;
  });
}

/** The slice of JupyterLab's API (window.jupyterapp) the tests read. */
export interface LabApp {
  commands: { execute(id: string, args?: unknown): Promise<unknown> };
  shell: {
    currentWidget: {
      context: { isReady: boolean; model: { dirty: boolean } };
      sessionContext: { session?: { kernel?: { status: string } | null } | null };
      content: {
        widgets: {
          node: HTMLElement;
          model: { type: string; trusted: boolean; sharedModel: { getSource(): string }; outputs?: { length: number; get(i: number): { toJSON(): unknown } } };
          outputArea?: { node: HTMLElement; widgets: { node: HTMLElement }[] };
        }[];
      };
    };
  };
}
