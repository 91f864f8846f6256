/**
 * A workshop notebook and an investigation, executed by the real tslab kernel
 * (artifacts/notebooks/), opened in a real JupyterLab 4 server in Chromium as
 * a learner opens them: solution cells show collapsed (JupyterLab honours
 * `"jupyter": {"source_hidden": true}`), every chart is drawn, and the
 * screenshots the README shows are taken: docs/workshop-notebook.png (an
 * exercise, its collapsed solution, what follows) and
 * docs/investigation-notebook.png (the diagnosis of the broken setup).
 *
 * No library call runs in this process, so there are no tensors to count.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoPaths } from '../scripts/lib/paths';
import { prepareNotebookTooling } from '../scripts/lib/tooling';
import { chartIsDrawn, outputViews, startJupyterLab, VEGALITE_MIME, type LabServer } from './helpers/jupyterlab';
import { executedNotebook, notebookFailure, notebookNames } from './helpers/notebook';
import { launchChromium } from './render-browser';

const paths = repoPaths();
const WORK = join(paths.root, 'artifacts', 'jupyterlab-teaching');
const DOCS = join(paths.root, 'docs');
const INVESTIGATION = 'investigations/03-lstm-padding';
/** The first workshop notebook, when the workshop exists on this branch. */
const WORKSHOP = notebookNames(paths.notebooks).find((name) => name.startsWith('workshop/'));
const VIEWPORT = { width: 1280, height: 1400 };
const TIMEOUT_MS = 15 * 60_000;

/** The slice of a JupyterLab 4 notebook panel this test reads (window.jupyterapp, --expose-app-in-browser). */
interface TeachingLab {
  commands: { execute(id: string): Promise<unknown> };
  shell: {
    currentWidget: {
      context: { isReady: boolean; path: string };
      content: {
        widgets: {
          node: HTMLElement;
          inputHidden: boolean;
          model: { type: string; getMetadata(key: string): unknown };
        }[];
      };
    };
  };
}
type LabWindow = Window & { jupyterapp: TeachingLab };

async function openExecuted(page: Page, server: LabServer, name: string): Promise<void> {
  // reset: a fresh workspace, so the notebook opened before is not restored beside this one.
  await page.goto(`${server.notebookUrl(`${name}.ipynb`)}&reset`);
  await page.waitForFunction((path) => {
    const panel = (window as unknown as LabWindow).jupyterapp?.shell.currentWidget;
    return panel?.context?.isReady === true && panel.context.path === path && (panel.content?.widgets?.length ?? 0) > 1;
  }, `${name}.ipynb`, { timeout: 120_000 });
  // The notebook alone, without the file browser beside it.
  await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('application:toggle-left-area'));
}

/** Index of the first code cell whose metadata passes `test` (-1 when none). */
function findCell(page: Page, test: 'solution' | 'expects-ids'): Promise<number> {
  return page.evaluate((kind) => {
    const cells = (window as unknown as LabWindow).jupyterapp.shell.currentWidget.content.widgets;
    return cells.findIndex((cell) => {
      if (cell.model.type !== 'code') return false;
      if (kind === 'solution') return (cell.model.getMetadata('tags') as string[] | undefined)?.includes('solution') === true;
      const doctor = cell.model.getMetadata('tfjs_doctor') as { expect?: unknown } | undefined;
      return Array.isArray(doctor?.expect);
    });
  }, test);
}

/** Scrolls cell `index` to the top of the notebook, lets lazily drawn outputs draw, and saves the viewport as docs/<name>.png. */
async function shootFrom(page: Page, index: number, name: string): Promise<void> {
  await page.evaluate((i) => (window as unknown as LabWindow).jupyterapp.shell.currentWidget.content.widgets[i].node.scrollIntoView({ block: 'start' }), index);
  await page.waitForTimeout(1500);
  mkdirSync(DOCS, { recursive: true });
  await page.screenshot({ path: join(DOCS, `${name}.png`) });
}

async function assertChartsDrawn(page: Page, name: string): Promise<void> {
  const charts = (await outputViews(page)).filter((v) => v.mimes.includes(VEGALITE_MIME));
  assert.ok(charts.length > 0, `${name} shows charts`);
  assert.deepEqual(charts.filter((v) => !chartIsDrawn(v)).map((v) => `cell ${v.cell} output ${v.output}: [${v.drawings.join(', ')}]`), [], `${name}: every chart is drawn`);
}

describe('teaching notebooks in JupyterLab 4, in Chromium', () => {
  let browser: Browser;
  let server: LabServer;

  before(async () => {
    rmSync(WORK, { recursive: true, force: true });
    for (const name of [INVESTIGATION, ...(WORKSHOP ? [WORKSHOP] : [])]) {
      const run = await executedNotebook(name);
      const failure = notebookFailure(`${name}.ipynb`, run);
      if (failure !== undefined) throw new Error(failure);
      const copy = join(WORK, 'notebooks', `${name}.ipynb`);
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(run.executed, copy);
    }
    server = await startJupyterLab(await prepareNotebookTooling(paths), join(WORK, 'notebooks'), join(WORK, 'state'));
    browser = await launchChromium();
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it(`${WORKSHOP ?? 'workshop/<first>'}: solution cells show collapsed, every chart is drawn; screenshot docs/workshop-notebook.png`, { timeout: TIMEOUT_MS, skip: WORKSHOP === undefined && 'no notebook in notebooks/workshop/ on this branch' }, async () => {
    const name = WORKSHOP ?? '';
    const page = await browser.newPage({ viewport: VIEWPORT });
    try {
      await openExecuted(page, server, name);
      const solutions = await page.evaluate(() =>
        (window as unknown as LabWindow).jupyterapp.shell.currentWidget.content.widgets
          .filter((cell) => (cell.model.getMetadata('tags') as string[] | undefined)?.includes('solution') === true)
          .map((cell) => ({ hidden: cell.inputHidden, editorShown: (cell.node.querySelector('.jp-InputArea-editor') as HTMLElement | null)?.offsetHeight ?? 0 })),
      );
      assert.ok(solutions.length > 0, `${name} has solution cells`);
      assert.deepEqual(solutions.filter((s) => !s.hidden || s.editorShown > 0), [], 'JupyterLab shows every solution cell with its source collapsed');
      await assertChartsDrawn(page, name);
      const first = await findCell(page, 'solution');
      await shootFrom(page, Math.max(0, first - 1), 'workshop-notebook');
    } finally {
      await page.close();
    }
  });

  it(`${INVESTIGATION}: every chart is drawn; screenshot of the broken setup's diagnosis, docs/investigation-notebook.png`, { timeout: TIMEOUT_MS }, async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    try {
      await openExecuted(page, server, INVESTIGATION);
      await assertChartsDrawn(page, INVESTIGATION);
      const diagnosis = await findCell(page, 'expects-ids');
      assert.ok(diagnosis >= 0, 'the investigation has a cell that expects findings');
      await shootFrom(page, diagnosis, 'investigation-notebook');
    } finally {
      await page.close();
    }
  });
});
