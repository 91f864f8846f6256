/**
 * The executed notebooks (artifacts/notebooks/, run by the real tslab kernel)
 * as their readers see them, in Chromium, offline:
 * - JupyterLab 4's own output area, rendermime and sanitizer (npm packages,
 *   bundled by esbuild): untrusted (every notebook executed elsewhere and
 *   opened later) and trusted;
 * - a static viewer such as GitHub: the sanitized outputs, scripts off;
 * - nbconvert's HTML export, scripts on and off.
 * Every chart must be drawn (a decoded picture of real size, or a vega view
 * with marks), with no console error or warning. Screenshots go to docs/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoPaths } from '../scripts/lib/paths';
import { executedNotebook } from './helpers/notebook';
import { chartStates, launchChromium, offlineContext } from './render-browser';
import { consoleProblems, openInJupyterLab, openStatic, pictureStates, upgradeAll } from './render-jupyterlab';

const NOTEBOOKS = ['quickstart', 'watch-a-run', 'data-and-labels', 'inside-the-network'] as const;
const DOCS = join(repoPaths().root, 'docs');
const VEGALITE = 'application/vnd.vegalite.v5+json';
/**
 * Every executed notebook stays shareable: at most 2 MB (the notebooks show the
 * full report of each broken setup and only the verdict of its clean fix).
 */
const MB = 1024 * 1024;
const NOTEBOOK_BUDGET: Record<(typeof NOTEBOOKS)[number], number> = {
  quickstart: 2 * MB,
  'watch-a-run': 2 * MB,
  'data-and-labels': 2 * MB,
  'inside-the-network': 2 * MB,
};

interface Output {
  data?: Record<string, unknown>;
}

/** Outputs that carry a chart (each has a Vega-Lite part). */
function chartOutputs(path: string): Output[] {
  const notebook = JSON.parse(readFileSync(path, 'utf8')) as { cells: { outputs?: Output[] }[] };
  return notebook.cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data?.[VEGALITE] !== undefined);
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(DOCS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: true });
}

/** One screenshot per widget of the quickstart, cropped to its output, named after its section title. */
async function shootWidgets(page: Page): Promise<void> {
  const outputs = page.locator('.jp-OutputArea-child:has(img.tfd-static)');
  for (let i = 0; i < (await outputs.count()); i++) {
    const output = outputs.nth(i);
    const live = (await output.locator('.tfjs-doctor-live').count()) > 0;
    const title = live ? 'watch panel' : ((await output.locator('h3').first().textContent()) ?? `chart ${i}`);
    await output.scrollIntoViewIfNeeded();
    await output.screenshot({ path: join(DOCS, `widget-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`) });
  }
}

function assertPictures(states: Awaited<ReturnType<typeof pictureStates>>, expected: number, where: string): void {
  assert.equal(states.length, expected, `${where}: one picture per chart`);
  states.forEach((state, i) => assert.ok(state.drawn, `${where}: picture ${i} is drawn (${JSON.stringify(state)})`));
}

describe('executed notebooks in JupyterLab 4 (rendermime + sanitizer), a static viewer and nbconvert HTML', () => {
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  for (const name of NOTEBOOKS) {
    it(`${name}.ipynb: untrusted in JupyterLab and in a static viewer with scripts off, every chart is a visible picture, and the file stays within its budget`, async () => {
      const run = await executedNotebook(name);
      const bytes = statSync(run.executed).size;
      assert.ok(bytes <= NOTEBOOK_BUDGET[name], `${name}.ipynb weighs ${bytes} bytes (budget ${NOTEBOOK_BUDGET[name]})`);
      const charts = chartOutputs(run.executed).length;
      assert.ok(charts > 0, 'the notebook shows charts');
      const lab = await openInJupyterLab(browser, run.executed, false);
      try {
        assert.ok(!lab.mimeTypes.includes(VEGALITE), 'JupyterLab shows the HTML part (it ranks it first)');
        assertPictures(await pictureStates(lab.page), charts, 'untrusted');
        assert.equal(await lab.page.locator('.jp-OutputArea-output style').count(), 0, 'no <style> survives, none is needed');
        if (name === 'quickstart') {
          await shoot(lab.page, 'report-untrusted-jupyterlab');
          await shootWidgets(lab.page);
        }
        const viewer = await openStatic(browser, lab);
        try {
          assertPictures(await pictureStates(viewer.page), charts, 'static viewer');
          if (name === 'quickstart') await shoot(viewer.page, 'report-static-viewer');
          assert.deepEqual(viewer.problems, []);
        } finally {
          await viewer.close();
        }
        assert.deepEqual(lab.problems, []);
      } finally {
        await lab.close();
      }
    });

    it(`${name}.ipynb: trusted in JupyterLab, every chart upgrades to its interactive view, no console error or warning`, async () => {
      const run = await executedNotebook(name);
      const charts = chartOutputs(run.executed).length;
      const lab = await openInJupyterLab(browser, run.executed, true);
      try {
        const states = await upgradeAll(lab.page);
        assert.deepEqual(states, Array(charts).fill('interactive'));
        for (const chart of await chartStates(lab.page)) assert.ok(chart.interactiveVisible && chart.interactiveMarks > 0, `${chart.id} draws marks`);
        if (name === 'quickstart') await shoot(lab.page, 'report-trusted-jupyterlab');
        assert.deepEqual(lab.problems, []);
      } finally {
        await lab.close();
      }
    });

    // Upgrading 48 charts again after the trusted JupyterLab view adds half a minute and no coverage: the large notebooks are checked with scripts off.
    const withScripts = name === 'quickstart' || name === 'watch-a-run';
    it(`${name}.ipynb: nbconvert HTML shows ${withScripts ? 'interactive charts with scripts and ' : ''}pictures without scripts`, async () => {
      const run = await executedNotebook(name);
      const charts = chartOutputs(run.executed).length;
      for (const javaScriptEnabled of withScripts ? [true, false] : [false]) {
        const { context } = await offlineContext(browser, { javaScriptEnabled });
        try {
          const page = await context.newPage();
          const problems = consoleProblems(page);
          await page.goto(`file://${run.html}`);
          if (javaScriptEnabled) assert.deepEqual(await upgradeAll(page), Array(charts).fill('interactive'));
          else assertPictures(await pictureStates(page), charts, 'nbconvert, scripts off');
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      }
    });
  }
});
