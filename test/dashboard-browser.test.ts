import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ready } from '../src/backend';
import { watch } from '../src/live';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
};

/** Rows the page's view holds in its batch dataset (what the loss line draws). */
function drawnBatches(page: Page): Promise<number> {
  return page.evaluate(() => {
    const state = (window as unknown as { tfjsDoctorDashboard?: { view: { data(name: string): unknown[] } | null } }).tfjsDoctorDashboard;
    return state?.view ? state.view.data('batches').length : 0;
  });
}

async function waitFor(predicate: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('watch(model, { serve }) dashboard in Chromium: connects, grows while fit runs, restores history on reload, refuses bad token and origin', async () => {
  await ready();
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.randomNormal([640, 4], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.randomUniform([640], 0, 2, 'int32', 4), 2).cast('float32');
  const numTensors = tf.memory().numTensors;
  const watcher = watch(model, { serve: true, display: false });
  let browser: Browser | undefined;
  const foreign = createServer((_request, response) => response.end('<!doctype html><title>elsewhere</title>'));
  try {
    await watcher.ready;
    const url = watcher.url as string;
    browser = await chromium.launch(CHROMIUM);
    const page = await browser.newPage();
    await page.goto(url);

    // Slow the fit down to ~100 steps/s so the page can watch it grow, and hold it after its
    // second step until the page has drawn one: on a loaded machine the page could otherwise
    // connect only after the fit ended, and see the whole run arrive at once.
    let steps = 0;
    const pace = new tf.CustomCallback({
      onBatchEnd: async () => {
        steps += 1;
        if (steps === 2) await waitFor(async () => (await drawnBatches(page)) > 0, 60_000);
        await new Promise((r) => setTimeout(r, 8));
      },
    });
    const fit = model.fit(x, y, { epochs: 3, batchSize: 16, callbacks: [pace, watcher], verbose: 0 });
    await waitFor(async () => (await drawnBatches(page)) > 0);
    const early = await drawnBatches(page);
    await waitFor(async () => (await drawnBatches(page)) > early + 20);
    const later = await drawnBatches(page);
    assert.ok(later > early, `the loss line grew from ${early} to ${later} rows while fitting`);

    await page.reload();
    await waitFor(async () => (await drawnBatches(page)) >= later);
    await fit;
    const total = watcher.history().step;
    await waitFor(async () => (await drawnBatches(page)) >= total * 2, 5000);
    assert.equal(await page.textContent('#state'), 'completed');

    // Without the token: refused.
    const noToken = await page.goto(url.replace(/\?token=.*/, ''));
    assert.equal(noToken?.status(), 403);

    // A page from another origin cannot open the stream, even with the token.
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const foreignPage = await browser.newPage();
    await foreignPage.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    const wsUrl = url.replace('http://', 'ws://').replace('/?token=', '/ws?token=');
    const outcome = await foreignPage.evaluate(
      (target) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(target);
          socket.onopen = () => resolve('open');
          socket.onerror = () => resolve('refused');
          setTimeout(() => resolve('timeout'), 3000);
        }),
      wsUrl,
    );
    assert.equal(outcome, 'refused');
  } finally {
    await browser?.close();
    foreign.close();
    await watcher.close();
  }
  assert.equal(tf.memory().numTensors, numTensors);
  tf.dispose([x, y]);
  model.dispose();
});
