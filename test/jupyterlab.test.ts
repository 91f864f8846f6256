/**
 * quickstart.ipynb in a real JupyterLab 4 server (from the project's venv) and
 * Chromium, as a user meets it: open the notebook, Run > Run All Cells with
 * the tslab kernel, and look. Every chart is drawn, the watch() panel changes
 * while `fit` runs, the browser logs no error. Then the server restarts (the
 * kernel with it) and the saved notebook opens untrusted, as a colleague would
 * open it: every chart must still be drawn.
 *
 * "Drawn" is read from the page, not from a markup we produce: each output
 * that carries a Vega-Lite chart must show an <svg>, <canvas> or <img> of
 * chart size once scrolled into view. The notebook runs in a copy under
 * artifacts/jupyterlab/ (JupyterLab saves what it runs; notebooks/ stays as
 * it is). No library call runs in this process, so there are no tensors to count.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoPaths } from '../scripts/lib/paths';
import { prepareNotebookTooling, type NotebookTooling } from '../scripts/lib/tooling';
import { chartIsDrawn, outputViews, startJupyterLab, VEGALITE_MIME, type LabApp, type LabServer, type OutputView } from './helpers/jupyterlab';
import { launchChromium, screenshot } from './render-browser';

const paths = repoPaths();
const WORK = join(paths.root, 'artifacts', 'jupyterlab');
const NOTEBOOK = 'quickstart.ipynb';
const RUN_ALL_MS = 10 * 60_000;
const WATCH_CALL = 'watch(model)';

type LabWindow = Window & { jupyterapp: LabApp; __watchStates?: { running: boolean; state: string }[] };

/** Opens the notebook and waits until JupyterLab shows its cells (and, when asked, its kernel idle). */
async function openNotebook(page: Page, server: LabServer, { kernelIdle }: { kernelIdle: boolean }): Promise<void> {
  await page.goto(server.notebookUrl(NOTEBOOK));
  // Until the file is read, the panel holds one empty placeholder cell.
  await page.waitForFunction(() => {
    const panel = (window as unknown as LabWindow).jupyterapp?.shell.currentWidget;
    return panel?.context?.isReady === true && (panel.content?.widgets?.length ?? 0) > 1;
  }, null, { timeout: 120_000 });
  if (kernelIdle) {
    await page.waitForFunction(() => (window as unknown as LabWindow).jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle', null, { timeout: 180_000 });
  }
}

function describeViews(views: OutputView[]): string {
  return views.map((v) => `cell ${v.cell} output ${v.output}: rendered ${v.rendered}, drawings [${v.drawings.join(', ')}]`).join('\n');
}

describe(`${NOTEBOOK} in JupyterLab 4 with the tslab kernel, in Chromium`, () => {
  let tooling: NotebookTooling;
  let browser: Browser;
  let server: LabServer | undefined;
  let charts = 0;

  before(async () => {
    tooling = await prepareNotebookTooling(paths);
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(join(WORK, 'notebooks'), { recursive: true });
    copyFileSync(join(paths.notebooks, NOTEBOOK), join(WORK, 'notebooks', NOTEBOOK));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Run All Cells: every chart drawn, the watch() panel updating during fit, no console error', { timeout: RUN_ALL_MS + 5 * 60_000 }, async () => {
    server = await startJupyterLab(tooling, join(WORK, 'notebooks'), join(WORK, 'state-1'));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    await openNotebook(page, server, { kernelIdle: true });

    // Record what the watch() cell shows while it runs (queued cells show [*] too:
    // it runs once every code cell above it has its number), every 100 ms, in the page.
    await page.evaluate((call) => {
      const w = window as unknown as LabWindow;
      w.__watchStates = [];
      setInterval(() => {
        try {
          const code = w.jupyterapp.shell.currentWidget.content.widgets.filter((c) => c.model.type === 'code');
          const index = code.findIndex((c) => c.model.sharedModel.getSource().includes(call));
          const area = code[index]?.outputArea?.node;
          if (!area) return;
          const prompt = (cell: HTMLElement) => cell.querySelector('.jp-InputPrompt')?.textContent ?? '';
          const running = prompt(code[index].node).includes('*') && code.slice(0, index).every((c) => /\[\d+\]/.test(prompt(c.node)));
          const drawn = Array.from(area.querySelectorAll('svg *')).map((e) => `${e.getAttribute('d') ?? ''}${e.getAttribute('points') ?? ''}`).join('').length;
          const state = `${area.innerText}#${drawn}`;
          const states = w.__watchStates ?? [];
          const last = states[states.length - 1];
          if (!last || last.state !== state || last.running !== running) states.push({ running, state });
        } catch (error) {
          console.error(`watch recorder: ${String(error)}`);
        }
      }, 100);
    }, WATCH_CALL);

    await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
    await page.waitForFunction(() => {
      const cells = (window as unknown as LabWindow).jupyterapp.shell.currentWidget.content.widgets.filter((c) => c.model.type === 'code');
      return cells.every((c) => /\[\d+\]/.test(c.node.querySelector('.jp-InputPrompt')?.textContent ?? ''));
    }, null, { timeout: RUN_ALL_MS, polling: 1000 });

    const views = await outputViews(page);
    const chartViews = views.filter((v) => v.mimes.includes(VEGALITE_MIME));
    charts = chartViews.length;
    const states = await page.evaluate(() => (window as unknown as LabWindow).__watchStates ?? []);
    if (charts > 0) {
      await page.evaluate((index) => (window as unknown as LabWindow).jupyterapp.shell.currentWidget.content.widgets[index].node.scrollIntoView(), chartViews[0].cell);
    }
    await screenshot(page, 'jupyterlab-quickstart-run');
    // Saved (and so signed as trusted by this server) for the untrusted reopening below.
    await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('docmanager:save'));
    await page.waitForFunction(() => !(window as unknown as LabWindow).jupyterapp.shell.currentWidget.context.model.dirty, null, { timeout: 30_000 });

    assert.deepEqual(views.filter((v) => v.rendered === 'application/vnd.jupyter.stderr'), [], 'no cell wrote to stderr');
    assert.ok(charts >= 5, `the report and the watch panel carry charts (found ${charts})`);
    const undrawn = chartViews.filter((v) => !chartIsDrawn(v));
    assert.deepEqual(undrawn, [], `every chart is drawn:\n${describeViews(undrawn)}`);
    const whileRunning = new Set(states.filter((s) => s.running && s.state.trim() !== '#0').map((s) => s.state));
    assert.ok(
      whileRunning.size >= 2,
      `the watch() panel changed while fit ran (${whileRunning.size} distinct views while running):\n${states.map((s) => `${s.running ? 'running' : 'idle'}: ${s.state.slice(0, 160)}`).join('\n')}\n${errors.join('\n')}`,
    );
    assert.deepEqual(errors, [], 'the browser logged no error');
    await page.close();
  });

  // JupyterLab's sanitizer strips inline <svg>, <style> and scripts from untrusted
  // text/html outputs; each chart's static picture is an <img> data URL, which it keeps.
  it('after a server restart the saved notebook opens untrusted and still shows every chart', { timeout: 5 * 60_000 }, async () => {
    assert.ok(charts > 0, 'the run above saved a notebook with charts');
    await server?.stop();
    server = await startJupyterLab(tooling, join(WORK, 'notebooks'), join(WORK, 'state-2'));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await openNotebook(page, server, { kernelIdle: false });
    const chartViews = (await outputViews(page)).filter((v) => v.mimes.includes(VEGALITE_MIME));
    assert.equal(chartViews.length, charts, 'the saved notebook holds every chart');
    // Cells whose outputs are only text stay trusted; the cells with charts must not be.
    const chartCells = [...new Set(chartViews.map((v) => v.cell))];
    const trusted = await page.evaluate((cells) => cells.filter((i) => (window as unknown as LabWindow).jupyterapp.shell.currentWidget.content.widgets[i].model.trusted), chartCells);
    assert.deepEqual(trusted, [], 'a restarted server trusts none of the cells with charts');
    await page.evaluate((index) => (window as unknown as LabWindow).jupyterapp.shell.currentWidget.content.widgets[index].node.scrollIntoView(), chartViews[0].cell);
    await screenshot(page, 'jupyterlab-quickstart-untrusted');
    const undrawn = chartViews.filter((v) => !chartIsDrawn(v));
    assert.deepEqual(undrawn, [], `every chart is drawn untrusted:\n${describeViews(undrawn)}`);
    await page.close();
  });
});
