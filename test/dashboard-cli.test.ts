import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import * as tf from '@tensorflow/tfjs';
import { parseCommand, serve, UsageError } from '../src/cli';
import { splitLines, parseLine } from '../src/live/log';
import { watch } from '../src/live';

test('parseCommand(argv) reads serve options and explains every mistake', () => {
  assert.equal(parseCommand([]), 'help');
  assert.equal(parseCommand(['--help']), 'help');
  assert.deepEqual(parseCommand(['serve', '--log', '/tmp/run.jsonl', '--port', '8080']), { log: '/tmp/run.jsonl', port: 8080, host: '127.0.0.1' });
  assert.throws(() => parseCommand(['serve']), UsageError);
  assert.throws(() => parseCommand(['serve', '--log', 'a', '--port', 'x']), /--port must be an integer/);
  assert.throws(() => parseCommand(['watch']), /the one command is "serve"/);
  assert.throws(() => parseCommand(['serve', '--log', 'a', '--tokn', 'b']), /unknown or incomplete option --tokn/);
});

test('splitLines and parseLine keep partial lines for later and skip foreign ones', () => {
  const first = splitLines('', '{"type":"batch","step":1,"epoch":0,"batch":0,"t":0,"values":{}}\n{"type":"ba');
  assert.equal(first.lines.length, 1);
  assert.equal(first.carry, '{"type":"ba');
  const second = splitLines(first.carry, 'tch","step":2,"epoch":0,"batch":1,"t":0,"values":{}}\nnot json\n');
  assert.deepEqual(second.lines.map((line) => parseLine(line)?.type ?? null), ['batch', null]);
  assert.equal(parseLine('{"type":"batch"}'), null, 'a batch without a step is not an event');
});

test('serve({ log }) feeds a dashboard from the log a watch(model, { log }) fit writes, following it as it grows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfd-log-'));
  const log = join(dir, 'run.jsonl');
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax' }));
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([64, 3], 0, 1, 'float32', 5);
  const y = tf.oneHot(tf.zeros([64], 'int32'), 2).cast('float32');
  const numTensors = tf.memory().numTensors;
  const watcher = watch(model, { display: false, log });
  await model.fit(x, y, { epochs: 1, batchSize: 16, callbacks: [watcher], verbose: 0 });
  await watcher.close();
  assert.equal(tf.memory().numTensors, numTensors);
  tf.dispose([x, y]);
  model.dispose();

  const handle = await serve({ log, port: 0, host: '127.0.0.1' });
  const messages: { type: string; rows?: { batches?: unknown[] } }[] = [];
  const origin = new URL(handle.url).origin;
  const socket = new WebSocket(handle.url.replace('http://', 'ws://').replace('/?token=', '/ws?token='), { origin });
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const until = async (predicate: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(messages.map((m) => m.type))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    await until(() => messages.some((m) => m.type === 'spec' && (m.rows?.batches?.length ?? 0) === 4));
    appendFileSync(log, `${JSON.stringify({ type: 'batch', step: 5, epoch: 1, batch: 0, t: Date.now(), values: { loss: 0.5 } })}\n`);
    await until(() => messages.some((m) => m.type === 'rows' && (m.rows?.batches?.length ?? 0) === 1));
  } finally {
    socket.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tfjs-doctor serve (the installed command) prints the dashboard URL and serves the page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfd-cli-'));
  const child = spawn(process.execPath, [join(__dirname, '..', 'src', 'cli.js'), 'serve', '--log', join(dir, 'later.jsonl')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10_000).unref();
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /tfjs-doctor/);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
