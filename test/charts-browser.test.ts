/**
 * Charts in a real browser (Chromium, offline, vega + vega-lite + vega-embed
 * from node_modules): the controls work, hostile strings stay text in
 * tooltips, and nothing logs an error. Set CHARTS_ARTIFACTS=1 to also save
 * screenshots to artifacts/charts/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  confusionMatrixChart, findingsTableChart, lossChart, predictionsChart, sampleGridChart, type ChartSpec,
} from '../src/charts';
import * as fx from './fixtures/measurements';

const ROOT = join(__dirname, '..', '..');
const SCRIPTS = ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js'];
const ARTIFACTS = process.env.CHARTS_ARTIFACTS ? join(ROOT, 'artifacts', 'charts') : undefined;

let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  page.on('console', (message) => {
    const text = message.text();
    // Specs declare v5 on purpose (what JupyterLab and VS Code render); only v6 is installed here.
    if (/^WARN The input spec uses Vega-Lite v5, but the current version of Vega-Lite is v6/.test(text)) return;
    if (message.type() === 'error' || message.type() === 'warning') problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // Offline: any request leaving the page is a defect (charts must not fetch anything).
  await page.route('**/*', (route) => {
    problems.push(`network request: ${route.request().url().slice(0, 80)}`);
    return route.abort();
  });
});

after(async () => {
  await browser?.close();
});

/** Embeds a spec into a fresh page with the given vega-embed, as a notebook front end would. */
async function embed(spec: ChartSpec, name: string): Promise<void> {
  problems.length = 0;
  await page.setContent('<!doctype html><html><body style="margin:8px;font-family:sans-serif"><div id="chart"></div></body></html>');
  for (const script of SCRIPTS) await page.addScriptTag({ path: join(ROOT, 'node_modules', script) });
  await page.evaluate(async (json) => {
    const w = window as unknown as { vegaEmbed: (el: string, spec: unknown, options: object) => Promise<{ view: unknown }>; view: unknown };
    const result = await w.vegaEmbed('#chart', JSON.parse(json), { renderer: 'svg', actions: false });
    w.view = result.view;
  }, JSON.stringify(spec));
  if (ARTIFACTS) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#chart').screenshot({ path: join(ARTIFACTS, `browser-${name}.png`) });
  }
}

/** Waits for vega to re-render after a control changed. */
async function settle(): Promise<void> {
  await page.evaluate(async () => {
    await (window as unknown as { view: { runAsync(): Promise<unknown> } }).view.runAsync();
  });
}

function browserTest(name: string, body: () => Promise<void>): void {
  test(name, async () => {
    const before = tf.memory().numTensors;
    await body();
    assert.deepEqual(problems, []);
    assert.equal(tf.memory().numTensors, before);
  });
}

browserTest('sampleGridChart(images) in a browser: the "Order by" select puts the highest-loss sample first', async () => {
  await embed(sampleGridChart(fx.samplesImage), 'samples');
  assert.equal(await page.locator('#chart svg image').count(), 24);
  const firstCaption = () =>
    page.evaluate(() => {
      const captions = Array.from(document.querySelectorAll('#chart svg text')).filter((t) => (t.textContent ?? '').includes('→'));
      const top = captions.map((t) => ({ t, box: t.getBoundingClientRect() })).sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left)[0];
      return top.t.textContent;
    });
  assert.equal(await firstCaption(), `${fx.samplesImage.rows[0].label} → ${fx.samplesImage.rows[0].prediction}`);
  await page.locator('.vega-bindings select').selectOption('loss');
  await settle();
  const worst = [...fx.samplesImage.rows].sort((a, b) => (b.loss ?? 0) - (a.loss ?? 0))[0];
  assert.equal(await firstCaption(), `${worst.label} → ${worst.prediction}`);
});

browserTest('predictionsChart(images) in a browser: ticking "Wrong predictions only" keeps the wrong rows', async () => {
  await embed(predictionsChart(fx.predictionsImage), 'predictions');
  assert.equal(await page.locator('#chart svg image').count(), 16);
  await page.locator('.vega-bindings input[type=checkbox]').check();
  await settle();
  const wrong = fx.predictionsImage.rows.filter((r) => r.correct === false).length;
  assert.equal(await page.locator('#chart svg image').count(), wrong);
});

browserTest('findingsTableChart(findings) in a browser: "errors only" leaves the one error', async () => {
  await embed(findingsTableChart(fx.findingsMixed), 'findings');
  const dots = () => page.locator('#chart svg [aria-roledescription="point"]').count();
  assert.equal(await dots(), 4);
  await page.locator('.vega-bindings select').selectOption('error');
  await settle();
  assert.equal(await dots(), 1);
});

browserTest('confusionMatrixChart(hostile class names) in a browser: the tooltip shows the name as text, never as an element', async () => {
  await embed(confusionMatrixChart(fx.confusionHostile), 'confusion-hostile');
  const cell = page.locator('#chart svg [aria-roledescription="rect mark"][aria-label*="onerror"]').first();
  await cell.hover({ force: true });
  const tooltip = page.locator('#vg-tooltip-element');
  await tooltip.waitFor({ state: 'visible', timeout: 5000 });
  assert.ok((await tooltip.textContent())?.includes(fx.HOSTILE), 'the name is shown');
  assert.equal(await tooltip.locator('img').count(), 0, 'no element was created from the name');
  assert.equal(await page.locator('img').count(), 0);
});

browserTest('lossChart({loss, curves}) in a browser: clicking a legend entry fades the other series', async () => {
  await embed(lossChart({ loss: fx.lossHealthy, curves: fx.curvesProbes }), 'loss');
  const opacities = () =>
    page.evaluate(() => Array.from(document.querySelectorAll('#chart svg [aria-roledescription="line mark"]')).map((l) => Number(l.getAttribute('opacity') ?? 1)));
  assert.deepEqual(await opacities(), [1, 1]);
  await page.locator('#chart svg .role-legend-symbol path').first().click({ force: true });
  await settle();
  assert.deepEqual((await opacities()).sort(), [0.15, 1]);
});
