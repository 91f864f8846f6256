import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { DashboardServer } from '../src/live/server';
import { RunHistory } from '../src/live/history';
import type { LiveEvent } from '../src/live/events';

const START: LiveEvent = {
  type: 'start',
  run: { runId: 'r1', startStep: 0, modelName: 'm', layers: ['dense1', 'out'], lossName: 'categoricalCrossentropy', chanceLoss: Math.log(10), chanceReason: 'ln 10', totalSteps: 100, epochs: 1, startedAt: 0 },
};

async function started(options: Parameters<typeof DashboardServer.start>[0] = {}) {
  const history = new RunHistory();
  const server = await DashboardServer.start(options, history);
  const publish = (event: LiveEvent) => {
    history.apply(event);
    server.publish(event, history);
  };
  return { server, history, publish, port: new URL(server.origin).port, token: new URL(server.url).searchParams.get('token') as string };
}

function batch(step: number, extra: Record<string, number> = {}): LiveEvent {
  return { type: 'batch', step, epoch: 0, batch: step - 1, t: step, values: { loss: 2 / step, ...extra } };
}

/** Opens a WebSocket and collects parsed messages; resolves once open (or rejects with the HTTP status). */
function client(url: string, origin: string) {
  const messages: { type: string; rows?: Record<string, unknown[]> }[] = [];
  const socket = new WebSocket(url, { origin });
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
  const until = async (predicate: () => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for messages; got ${messages.map((m) => m.type).join(',')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { socket, messages, opened, until };
}

test('DashboardServer serves the page only with the token and the right Host', async () => {
  const { server, port, token } = await started();
  try {
    const page = await fetch(server.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`lib/vega\\.min\\.js\\?token=${token}`));
    assert.equal((await fetch(`${server.origin}/`)).status, 403);
    assert.equal((await fetch(`${server.origin}/?token=${'0'.repeat(32)}`)).status, 403);
    assert.equal((await fetch(`${server.origin}/lib/vega.min.js`)).status, 403);
    assert.equal((await fetch(`${server.origin}/lib/vega.min.js?token=${token}`)).status, 200);
    // DNS rebinding: a foreign Host header is refused even with the token.
    const rebound = await rawRequest(Number(port), `GET /?token=${token} HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`);
    assert.match(rebound, /^HTTP\/1\.1 403/);
    assert.equal(server.refused.http, 4);
  } finally {
    await server.close();
  }
});

test('DashboardServer refuses WebSocket connections without the token or from another origin', async () => {
  const { server, token } = await started();
  try {
    const ws = `${server.origin.replace('http', 'ws')}/ws`;
    await assert.rejects(client(ws, server.origin).opened, /HTTP 403/);
    await assert.rejects(client(`${ws}?token=wrong`, server.origin).opened, /HTTP 403/);
    await assert.rejects(client(`${ws}?token=${token}`, 'http://evil.example').opened, /HTTP 403/);
    const ok = client(`${ws}?token=${token}`, server.origin);
    await ok.opened;
    await ok.until(() => ok.messages.length > 0);
    assert.equal(ok.messages[0].type, 'spec');
    assert.equal(server.refused.upgrade, 3);
    ok.socket.close();
  } finally {
    await server.close();
  }
});

test('DashboardServer streams rows to connected pages and hands the history to a page that reconnects', async () => {
  const { server, publish, token } = await started();
  try {
    const url = `${server.origin.replace('http', 'ws')}/ws?token=${token}`;
    publish(START);
    for (let step = 1; step <= 5; step++) publish(batch(step));
    server.sendPending();
    const first = client(url, server.origin);
    await first.opened;
    await first.until(() => first.messages.some((m) => m.type === 'spec'));
    const spec = first.messages.find((m) => m.type === 'spec');
    assert.equal(spec?.rows?.batches.length, 5);
    for (let step = 6; step <= 9; step++) publish(batch(step));
    server.sendPending();
    await first.until(() => first.messages.some((m) => m.type === 'rows'));
    const streamed = first.messages.filter((m) => m.type === 'rows').flatMap((m) => m.rows?.batches ?? []);
    assert.equal(streamed.length, 4);
    first.socket.close();
    const again = client(url, server.origin);
    await again.opened;
    await again.until(() => again.messages.some((m) => m.type === 'spec'));
    assert.equal(again.messages.find((m) => m.type === 'spec')?.rows?.batches.length, 9, 'a reconnect gets every row so far');
    again.socket.close();
  } finally {
    await server.close();
  }
});

test('DashboardServer sends the bounded history again instead of more rows once a page holds resyncRows streamed rows', async () => {
  const { server, publish, token } = await started({ resyncRows: 50 });
  try {
    publish(START);
    publish(batch(1, { acc: 0.5 }));
    server.sendPending();
    const page = client(`${server.origin.replace('http', 'ws')}/ws?token=${token}`, server.origin);
    await page.opened;
    await page.until(() => page.messages.length === 1);
    for (let step = 2; step <= 41; step++) {
      publish(batch(step, { acc: 0.5 }));
      if (step % 10 === 1) {
        server.sendPending();
        // As in a real fit, other work runs between flushes.
        await new Promise((r) => setImmediate(r));
      }
    }
    // Flushes at steps 11, 21, 31, 41 of 20 rows each: the third passes 50, so the page gets the history instead.
    await page.until(() => page.messages.length === 5);
    assert.deepEqual(page.messages.map((m) => m.type), ['spec', 'rows', 'rows', 'spec', 'rows']);
    assert.equal(page.messages[3].rows?.batches.length, 62, 'every row so far (2 metrics x 31 steps)');
    assert.equal(page.messages[4].rows?.batches.length, 20);
    page.socket.close();
  } finally {
    await server.close();
  }
});

test('DashboardServer drops malformed and oversized client messages without stopping the stream', async () => {
  const { server, publish, token } = await started({ maxPayload: 1024 });
  try {
    publish(START);
    const url = `${server.origin.replace('http', 'ws')}/ws?token=${token}`;
    const polite = client(url, server.origin);
    const rude = client(url, server.origin);
    await Promise.all([polite.opened, rude.opened]);
    rude.socket.send('not json {');
    rude.socket.send(Buffer.from([1, 2, 3]));
    const closed = new Promise<number>((resolve) => rude.socket.once('close', (code) => resolve(code)));
    rude.socket.send('x'.repeat(10_000));
    assert.equal(await closed, 1009, 'the oversized sender is disconnected (message too big)');
    publish(batch(1));
    server.sendPending();
    await polite.until(() => polite.messages.some((m) => m.type === 'rows'));
    assert.equal(server.refused.messages >= 2, true);
    assert.equal(server.clientCount, 1);
    polite.socket.close();
  } finally {
    await server.close();
  }
});

test('DashboardServer.publish never waits for a page that stops reading: its queue stays bounded, oldest dropped', async () => {
  const { server, publish, port, token } = await started({ maxQueue: 20, highWaterBytes: 64 * 1024 });
  const stalled = await stalledClient(Number(port), token, server.origin);
  try {
    publish(START);
    await waitFor(() => server.clientCount === 1);
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`metric_${i}`, i]));
    const started = performance.now();
    let slowest = 0;
    for (let step = 1; step <= 1500; step++) {
      const t = performance.now();
      publish(batch(step, wide));
      server.sendPending();
      slowest = Math.max(slowest, performance.now() - t);
    }
    const total = performance.now() - started;
    assert.ok(server.droppedMessages > 0, 'messages were dropped for the stalled page');
    assert.ok(Math.max(...server.queueLengths) <= 20);
    assert.ok(slowest < 250, `slowest publish ${slowest.toFixed(1)} ms`);
    assert.ok(total < 20_000, `1500 publishes took ${total.toFixed(0)} ms`);
  } finally {
    stalled.destroy();
    await server.close();
  }
});

function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** A WebSocket client that completes the handshake and then never reads again. */
function stalledClient(port: number, token: string, origin: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
      );
    });
    socket.once('data', (chunk: Buffer) => {
      if (!chunk.toString().startsWith('HTTP/1.1 101')) reject(new Error(chunk.toString()));
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => undefined);
  });
}

async function waitFor(predicate: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
