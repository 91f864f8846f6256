/**
 * The standalone report as a person sees it in Chromium: opened from disk with
 * the network blocked, with and without JavaScript.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Browser, Page } from 'playwright-core';
import { reportToHTML } from '../src/render';
import { reportSections } from '../src/render/sections';
import { HOSTILE, sickReport } from './render-fixture';
import { SCREENSHOTS, chartStates, hoverTooltip, launchChromium, offlineContext, screenshot, waitForCharts } from './render-browser';

const CHARTS = reportSections(sickReport.measurements).length;

describe('reportToHTML(data) opened from disk in Chromium', () => {
  let browser: Browser;
  let file: string;

  before(async () => {
    const tensors = tf.memory().numTensors;
    const html = await reportToHTML(sickReport);
    assert.equal(tf.memory().numTensors, tensors);
    mkdirSync(SCREENSHOTS, { recursive: true });
    file = join(SCREENSHOTS, 'report.html');
    writeFileSync(file, html);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  it('renders every chart interactively, its static picture hidden, without any network request', async () => {
    const { context, blocked } = await offlineContext(browser, { javaScriptEnabled: true });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`file://${file}`);
      await waitForCharts(page, CHARTS);
      const charts = await chartStates(page);
      await screenshot(page, 'report-interactive');
      assert.equal(charts.length, CHARTS);
      assert.equal(CHARTS, 8, 'every chart kind of the fixture');
      for (const chart of charts) {
        assert.ok(chart.interactiveMarks > 0 && chart.staticMarks > 0, `${chart.id} has marks`);
        assert.deepEqual([chart.interactiveVisible, chart.staticVisible], [true, false], chart.id);
      }
      assert.deepEqual(blocked, []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  it('shows a tooltip on hover, with hostile class names as text', async () => {
    const { context } = await offlineContext(browser, { javaScriptEnabled: true });
    const dialogs: string[] = [];
    try {
      const page: Page = await context.newPage();
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`file://${file}`);
      await waitForCharts(page, CHARTS);
      // Measured values, not the chart's wording: the layer, its kernel's shape and update ratio.
      const gradient = await hoverTooltip(page, '[data-section="gradients"]', ['dense_2', '128×64']);
      assert.ok(['dense_2', '128×64', '1.1e-3'].every((value) => gradient.text.includes(value)), gradient.text);
      const confusion = await hoverTooltip(page, '[data-section="confusion"]', [`true class: ${HOSTILE}`, 'samples: 92']);
      await screenshot(page, 'report-tooltip');
      assert.ok(confusion.text.includes(HOSTILE), confusion.text);
      assert.equal(confusion.html.includes('<img'), false);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.ok((await page.locator('table.tfd-findings').innerText()).includes(HOSTILE));
      assert.deepEqual(dialogs, []);
    } finally {
      await context.close();
    }
  });

  it('upgrades a re-displayed output (scripts run the classic Notebook way) after the runtime carrier left the page, releases the removed view, evaluates the runtime once', async () => {
    const { context } = await offlineContext(browser, { javaScriptEnabled: true });
    try {
      const page = await context.newPage();
      await page.goto(`file://${file}`);
      await waitForCharts(page, CHARTS);
      // A cell runs again in the classic Notebook: the old output goes, the new one is inserted
      // and jQuery runs its scripts as temporary elements in <head> (currentScript is not in the chart).
      await page.evaluate(() => {
        const old = document.querySelector('[data-section="loss"] div.tfjs-doctor-chart');
        if (!old || !old.parentElement) throw new Error('no loss chart');
        const html = old.outerHTML.replace(/data-tfd-state="[a-z]+"/, 'data-tfd-state="static"').split(old.id).join('tfd-rerun');
        const holder = old.parentElement;
        old.remove();
        // The output that carried the runtime was cleared (its cell re-executed): the loaded runtime serves on.
        document.querySelectorAll('script[type="application/x-tfjs-doctor-runtime"]').forEach((carrier) => carrier.remove());
        holder.innerHTML = html;
        holder.querySelector('.tfd-interactive')?.remove();
        const staticView = holder.querySelector<HTMLElement>('.tfd-static');
        if (staticView) staticView.style.display = '';
        for (const inert of Array.from(holder.querySelectorAll('script:not([type])'))) {
          const evaluated = document.createElement('script');
          evaluated.text = inert.textContent ?? '';
          document.head.appendChild(evaluated).remove();
        }
      });
      await waitForCharts(page, CHARTS);
      const embed = await page.evaluate(() => {
        const api = (window as unknown as { __tfjsDoctorEmbed1: { views: { chart: Element }[]; evaluations: number; flush(): void } }).__tfjsDoctorEmbed1;
        api.flush(); // releases views of charts that left the page
        return { views: api.views.map((v) => v.chart.id), evaluations: api.evaluations };
      });
      assert.equal(embed.evaluations, 1);
      assert.equal(embed.views.length, CHARTS);
      assert.ok(embed.views.includes('tfd-rerun'));
      const rerun = (await chartStates(page)).find((c) => c.id === 'tfd-rerun');
      assert.ok(rerun && rerun.interactiveVisible && rerun.interactiveMarks > 0);
    } finally {
      await context.close();
    }
  });

  it('shows every chart as its static picture with JavaScript disabled', async () => {
    const { context, blocked } = await offlineContext(browser, { javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`file://${file}`);
      const charts = await chartStates(page);
      await screenshot(page, 'report-no-js');
      assert.equal(charts.length, CHARTS);
      for (const chart of charts) {
        assert.equal(chart.state, 'static');
        assert.ok(chart.staticVisible && chart.staticMarks > 0, `${chart.id} shows its picture`);
      }
      assert.ok(await page.locator('.tfd-verdict').isVisible());
      assert.equal(await page.locator('style').count(), 1, 'only the page-level style of the standalone file');
      assert.deepEqual(blocked, []);
    } finally {
      await context.close();
    }
  });
});
