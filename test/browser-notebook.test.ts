/**
 * The display path end to end: test/fixtures/render.ipynb runs in the real
 * tslab kernel (nbconvert --execute), is exported to HTML by nbconvert, and is
 * looked at in Chromium with the network blocked: every chart upgrades to its
 * interactive view and shows tooltips; without JavaScript each is its picture.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { executeNotebook, readNotebook, type NotebookRun } from '../scripts/lib/notebook';
import { repoPaths } from '../scripts/lib/paths';
import { prepareNotebookTooling } from '../scripts/lib/tooling';
import { notebookFailure } from './helpers/notebook';
import { HOSTILE, sickReport } from './render-fixture';
import { chartStates, hoverTooltip, launchChromium, offlineContext, screenshot, waitForCharts } from './render-browser';
import { reportSections } from '../src/render/sections';

const paths = repoPaths();
const SOURCE = join(paths.root, 'test', 'fixtures', 'render.ipynb');
const OUT_DIR = join(paths.root, 'artifacts', 'render-notebook');
const RUNTIME_CARRIER = '<script type="application/x-tfjs-doctor-runtime"';
const VEGALITE = 'application/vnd.vegalite.v5+json';
/** The report's charts plus the one displayWidget() chart of the last cell. */
const CHARTS = reportSections(sickReport.measurements).length + 1;
const REPORT_BUDGET_BYTES = 1.5 * 1024 * 1024;

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
}

describe('render.ipynb executed in tslab and exported by nbconvert', () => {
  let run: NotebookRun;
  let browser: Browser;

  before(async () => {
    const tooling = await prepareNotebookTooling(paths);
    run = await executeNotebook(SOURCE, { ...tooling, outDir: OUT_DIR, cellTimeoutSeconds: 120 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  it('runs without errors and sends one bundle per chart, the runtime once per kernel', () => {
    const failure = notebookFailure(SOURCE, run);
    assert.equal(failure, undefined, failure);
    const cells = readNotebook(run.executed).cells.map((cell) => (cell.outputs ?? []) as Output[]);
    // nbformat may store multi-line strings as lists of lines.
    const html = (output: Output) => {
      const value = output.data?.['text/html'];
      return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
    };
    const carriers = cells.map((outputs) => outputs.filter((o) => html(o).includes(RUNTIME_CARRIER)).length);
    assert.deepEqual(carriers, [0, 1, 0]);
    const charts = cells.flat().filter((o) => o.data?.[VEGALITE] !== undefined);
    assert.equal(charts.length, CHARTS);
    for (const chart of charts) {
      assert.deepEqual(Object.keys(chart.data ?? {}).sort(), [VEGALITE, 'text/html', 'text/plain']);
      assert.match(html(chart), /<img class="tfd-static" src="data:image\/svg\+xml;base64,/);
      assert.equal(/<svg|<style/.test(html(chart)), false, 'no inline SVG, no <style>');
    }
    const reportBytes = Buffer.byteLength(JSON.stringify(cells[1]), 'utf8');
    assert.ok(reportBytes <= REPORT_BUDGET_BYTES, `the report cell holds ${reportBytes} bytes, runtime included`);
  });

  it('shows every chart interactive offline, with tooltips and hostile names as text', async () => {
    const { context } = await offlineContext(browser, { javaScriptEnabled: true });
    const errors: string[] = [];
    const dialogs: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`file://${run.html}`);
      await waitForCharts(page, CHARTS);
      const charts = await chartStates(page);
      for (const chart of charts) {
        assert.ok(chart.interactiveVisible && chart.interactiveMarks > 0, `${chart.id} is interactive`);
      }
      const lastChart = `#${charts[charts.length - 1].id}`;
      const bar = await hoverTooltip(page, lastChart, [HOSTILE]);
      await screenshot(page, 'notebook-tooltip');
      assert.ok(bar.text.includes(HOSTILE), bar.text);
      const gradient = await hoverTooltip(page, '[data-section="gradients"]', ['dense_3', '64×10']);
      assert.ok(['dense_3', '64×10'].every((value) => gradient.text.includes(value)), gradient.text);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      // One cell carries the runtime; it ran once and left the page's globals alone. nbconvert 7 (PyPI)
      // loads require.js from a CDN, which this offline page blocks: no AMD loader, and we define none.
      const globals = await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown> & { __tfjsDoctorEmbed1: { evaluations: number } };
        return { evaluations: w.__tfjsDoctorEmbed1.evaluations, amd: typeof w.define, vega: typeof w.vega, vegaEmbed: typeof w.vegaEmbed };
      });
      assert.deepEqual(globals, { evaluations: 1, amd: 'undefined', vega: 'undefined', vegaEmbed: 'undefined' });
      assert.deepEqual(dialogs, []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('shows every chart as its static picture with JavaScript disabled', async () => {
    const { context } = await offlineContext(browser, { javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`file://${run.html}`);
      const charts = await chartStates(page);
      await screenshot(page, 'notebook-no-js');
      assert.equal(charts.length, CHARTS);
      for (const chart of charts) {
        assert.ok(chart.state === 'static' && chart.staticVisible && chart.staticMarks > 0, `${chart.id} shows its picture`);
      }
    } finally {
      await context.close();
    }
  });
});
