import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunHistory } from '../src/live/history';
import { NotebookSink, type Scheduler } from '../src/live/notebook';
import { liveBundle, notebookSpec } from '../src/live/panel';
import { finalBundle } from '../src/live/final';
import type { MimeBundle } from '../src/render/bundle';
import type { LiveEvent } from '../src/live/events';
import * as messages from '../src/live/messages';
import { compileToVega } from '../src/render/vega';

/** A clock and a timer queue that only move when the test says so. */
function fakeTime() {
  let now = 0;
  const timers: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 0;
  const scheduler: Scheduler = {
    setTimeout: (callback, ms) => {
      const timer = { at: now + ms, callback, id: nextId++ };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout: (id) => {
      const index = timers.findIndex((t) => t.id === id);
      if (index >= 0) timers.splice(index, 1);
    },
  };
  return {
    scheduler,
    now: () => now,
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.callback();
      }
    },
    pending: () => timers.length,
  };
}

const LAYERS = ['conv1', 'conv2', 'dense1', 'dense2', 'dense3', 'out'];

function start(totalSteps: number): LiveEvent {
  return {
    type: 'start',
    run: { runId: 'r1', startStep: 0, modelName: 'cnn', layers: LAYERS, lossName: 'categoricalCrossentropy', chanceLoss: Math.log(10), chanceReason: 'ln 10', totalSteps, epochs: 60, startedAt: 0 },
  };
}

test('NotebookSink.publish updates the panel at most once per throttle interval, then once more for the last events', () => {
  const time = fakeTime();
  const shown: MimeBundle[] = [];
  const sink = new NotebookSink({ update: (bundle) => shown.push(bundle) }, { throttleMs: 1000, now: time.now, scheduler: time.scheduler });
  const history = new RunHistory();
  const publish = (event: LiveEvent) => {
    history.apply(event);
    sink.publish(event, history);
  };
  publish(start(500));
  assert.equal(shown.length, 1, 'the first event shows at once');
  for (let step = 1; step <= 250; step++) {
    time.advance(10);
    publish({ type: 'batch', step, epoch: 0, batch: step - 1, t: time.now(), values: { loss: 2 } });
  }
  // 2.5 s of batches: renders at t=0, 1000, 2000 and one trailing timer pending for 3000.
  assert.equal(shown.length, 3);
  assert.equal(time.pending(), 1);
  time.advance(500);
  assert.equal(shown.length, 4, 'the trailing update shows the last batch');
  assert.match(shown[3]['text/plain'], /step 250 of 500/);
  publish({ type: 'end', step: 250, t: time.now(), reason: 'completed' });
  assert.equal(shown.length, 5, 'the end shows at once, throttle or not');
  assert.equal(time.pending(), 0);
});

/** An hour of training at 30 batches/s: 108,000 steps, 60 epochs, per-layer samples every 25 steps. */
function hourOfTraining(): RunHistory {
  const history = new RunHistory();
  const steps = 108_000;
  history.apply(start(steps));
  let seed = 1;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2;
  for (let step = 1; step <= steps; step++) {
    const loss = 2.3 * Math.exp(-step / 20_000) + 0.05 + noise();
    history.apply({ type: 'batch', step, epoch: Math.floor(step / 1800), batch: step % 1800, t: step * 33, values: { loss, acc: 1 - loss / 2.5 } });
    if (step % 25 === 1) {
      history.apply({ type: 'layers', step, rows: LAYERS.map((layer, i) => ({ layer, gradNorm: 0.1 * (i + 1) * Math.exp(-step / 50_000), updateRatio: 1e-3 * (1 + noise()) })) });
    }
    if (step % 1800 === 0) {
      history.apply({ type: 'epoch', step, epoch: step / 1800 - 1, t: step * 33, values: { loss, acc: 1 - loss / 2.5, val_loss: loss * 1.1, val_acc: 1 - loss / 2.2 } });
    }
  }
  history.apply({
    type: 'finding',
    step: 5000,
    finding: messages.divergence({ step: 5000, loss: 3, bestLoss: 1, bestStep: 4000, startLoss: 2.3, learningRate: 0.1 }),
  });
  history.apply({ type: 'end', step: steps, t: steps * 33, reason: 'completed' });
  return history;
}

/** The SVG documents of the static pictures in an output's HTML. */
function pictures(html: string): string[] {
  return [...html.matchAll(/<img class="tfd-static" src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
}

test('liveBundle(snapshot) of an hour of training is the chart as a picture (no script, no style block), under 300 KB, drawing every part of the panel', async () => {
  const snapshot = hourOfTraining().snapshot();
  const bundle = liveBundle(snapshot);
  const bytes = Buffer.byteLength(JSON.stringify(bundle));
  assert.ok(bytes < 300_000, `live bundle ${bytes} bytes`);
  const html = bundle['text/html'] ?? '';
  assert.equal(/<script|<style|<svg/.test(html), false, 'a live update is a picture with inline styles only');
  const [svg] = pictures(html);
  for (const title of ['Training', 'Loss', 'Gradient norm per layer', 'Update / weight per layer']) assert.ok(svg.includes(`>${title}`), title);
  assert.equal((html.replace(/<img [^>]*>/g, '').match(/Training /g) ?? []).length, 0, 'the title is said once, in the chart');
  const spec = notebookSpec(snapshot);
  const datasets = spec.datasets as Record<string, { metric?: string }[]>;
  assert.ok(datasets.batches.filter((r) => r.metric === 'loss').length <= 300);
  assert.equal(datasets.epochs.length, 60 * 4);
  assert.ok(datasets.layers.length > 0 && datasets.layers.length <= 60 * LAYERS.length);
  assert.equal(datasets.marks.length, 1);
  assert.match(bundle['text/html'] ?? '', /loss-diverging/);
  // Vega-Lite accepts the spec (the front ends' renderers will).
  const vega = (await compileToVega(spec)) as { data: { name: string }[] };
  assert.ok(vega.data.some((d) => d.name === 'batches'));
});

test('finalBundle(snapshot) of an hour of training holds the picture and its interactive upgrade, under 300 KB', async () => {
  const snapshot = hourOfTraining().snapshot();
  const bundle = await finalBundle(snapshot);
  const bytes = Buffer.byteLength(JSON.stringify(bundle));
  assert.ok(bytes < 300_000, `final bundle ${bytes} bytes`);
  assert.equal(pictures(bundle['text/html'] ?? '').length, 1);
  assert.match(bundle['text/html'] ?? '', /<script type="application\/x-tfjs-doctor-spec" data-encoding="gzip-base64">/);
  assert.match(bundle['text/plain'], /completed, step 108000 of 108000/);
});
