/**
 * JupyterLab 4's front end in Chromium, offline: its output area, rendermime
 * registry and sanitizer (from the npm packages, bundled by esbuild into
 * artifacts/jupyterlab/ once per run), rendering an executed notebook's
 * outputs trusted or untrusted as JupyterLab does. Also the page a static
 * viewer such as GitHub shows: the untrusted (sanitized) outputs with
 * scripts off.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoPaths } from '../scripts/lib/paths';
import { offlineContext } from './render-browser';

const ROOT = repoPaths().root;
const OUT = join(ROOT, 'artifacts', 'jupyterlab');
const ENTRY = join(ROOT, 'test', 'render-jupyterlab-entry.mjs');

interface NotebookJSON {
  cells: { outputs?: object[] }[];
}

/** Builds the page (skipped when the bundle is newer than its entry). */
export async function jupyterLabPage(): Promise<string> {
  const bundle = join(OUT, 'bundle.js');
  const page = join(OUT, 'index.html');
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < statSync(ENTRY).mtimeMs) {
    mkdirSync(OUT, { recursive: true });
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [ENTRY],
      bundle: true,
      outfile: bundle,
      format: 'iife',
      platform: 'browser',
      minify: true,
      logLevel: 'error',
      loader: { '.svg': 'text', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.png': 'empty' },
      define: { 'process.env.NODE_ENV': '"production"' },
    });
  }
  writeFileSync(
    page,
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>JupyterLab outputs</title>' +
      '<link rel="stylesheet" href="bundle.css"></head>' +
      '<body class="jp-ThemedContainer" style="margin:16px;background:#fff"><div id="notebook" class="jp-Notebook" style="max-width:1100px"></div>' +
      '<script src="bundle.js"></script></body></html>',
  );
  return page;
}

/** Console errors and warnings of a page, as they come. */
export function consoleProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A blocked request logs this line without its URL; requestfailed below judges it by URL instead.
    if (message.text().startsWith('Failed to load resource')) return;
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  // The pages run offline: nbconvert 7's own template links require.js and MathJax from a CDN, which
  // fails here by design and costs our charts nothing. Anything local that fails to load is ours: a problem.
  page.on('requestfailed', (request) => {
    if (!/^https?:/.test(request.url())) problems.push(`requestfailed: ${request.url()} (${request.failure()?.errorText ?? 'failed'})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

export interface RenderedNotebook {
  page: Page;
  problems: string[];
  /** The mime type JupyterLab picked for each output. */
  mimeTypes: (string | null)[];
  close(): Promise<void>;
}

/**
 * Multi-line strings as the Jupyter server sends them: nbformat stores text as
 * lists of lines, and the server joins them before the front end sees them.
 */
function rejoinLines(output: object): object {
  const join = (value: unknown) => (Array.isArray(value) && value.every((line) => typeof line === 'string') ? value.join('') : value);
  const record = output as { data?: Record<string, unknown>; text?: unknown };
  return {
    ...record,
    ...(record.text === undefined ? {} : { text: join(record.text) }),
    ...(record.data === undefined ? {} : { data: Object.fromEntries(Object.entries(record.data).map(([mime, value]) => [mime, join(value)])) }),
  };
}

/** An executed notebook's outputs in JupyterLab's output areas, one per cell. */
export async function openInJupyterLab(browser: Browser, notebookPath: string, trusted: boolean): Promise<RenderedNotebook> {
  const notebook = JSON.parse(readFileSync(notebookPath, 'utf8')) as NotebookJSON;
  const cells = notebook.cells.map((cell) => (cell.outputs ?? []).map(rejoinLines)).filter((outputs) => outputs.length > 0);
  const { context } = await offlineContext(browser, { javaScriptEnabled: true });
  const page = await context.newPage();
  const problems = consoleProblems(page);
  await page.goto(`file://${await jupyterLabPage()}`);
  const { mimeTypes } = await page.evaluate(
    ([json, isTrusted]) => (window as unknown as { tfdRenderNotebook(c: unknown, t: boolean): Promise<{ mimeTypes: (string | null)[] }> }).tfdRenderNotebook(json, isTrusted),
    [cells, trusted] as const,
  );
  return { page, problems, mimeTypes, close: () => context.close() };
}

/**
 * What a static viewer shows: the sanitized outputs as JupyterLab left them,
 * in a page where scripts do not run (GitHub renders notebooks without them).
 */
export async function openStatic(browser: Browser, untrusted: RenderedNotebook): Promise<RenderedNotebook> {
  const html = await untrusted.page.evaluate(() => document.documentElement.outerHTML.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, ''));
  const path = join(OUT, 'static.html');
  writeFileSync(path, html);
  const { context } = await offlineContext(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  const problems = consoleProblems(page);
  await page.goto(`file://${path}`);
  return { page, problems, mimeTypes: untrusted.mimeTypes, close: () => context.close() };
}

export interface PictureState {
  /** The image decoded and laid out with a real size. */
  drawn: boolean;
  width: number;
  height: number;
  naturalWidth: number;
}

/** Every static chart picture on the page, scrolled into view so lazy decoding happens. */
export async function pictureStates(page: Page): Promise<PictureState[]> {
  const count = await page.locator('img.tfd-static').count();
  for (let i = 0; i < count; i++) await page.locator('img.tfd-static').nth(i).scrollIntoViewIfNeeded();
  return page.$$eval('img.tfd-static', (images) =>
    images.map((image) => {
      const img = image as HTMLImageElement;
      const box = img.getBoundingClientRect();
      return { drawn: img.complete && img.naturalWidth > 0 && box.width > 100 && box.height > 60, width: box.width, height: box.height, naturalWidth: img.naturalWidth };
    }),
  );
}

/**
 * Scrolls every chart into view (the bootstrap upgrades charts near the
 * viewport) and waits until none is still upgrading; returns the states.
 */
export async function upgradeAll(page: Page): Promise<string[]> {
  // Charts that carry an upgrade (live updates of an unfinished run are pictures only).
  const charts = page.locator('div.tfjs-doctor-chart:has(script[type="application/x-tfjs-doctor-spec"])');
  const count = await charts.count();
  for (let i = 0; i < count; i++) {
    await charts.nth(i).scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (index) => {
        const chart = document.querySelectorAll('div.tfjs-doctor-chart:has(script[type="application/x-tfjs-doctor-spec"])')[index];
        const state = chart?.getAttribute('data-tfd-state');
        return state === 'interactive' || (state === 'static' && chart.hasAttribute('data-tfd-error'));
      },
      i,
      { timeout: 20_000 },
    );
  }
  return charts.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-tfd-state') ?? ''));
}
