/**
 * The dashboard under hostile requests, as any web page (a no-cors fetch to
 * localhost) or local process can send them: malformed targets and headers,
 * oversized heads and messages, slow clients, many connections, wrong tokens
 * and origins. Every one gets a 4xx (or is closed), the process stays alive,
 * training goes on, and a good request is still served afterwards.
 * Everything targets 127.0.0.1 and is bounded in count and time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { DashboardServer } from '../src/live/server';
import { RunHistory } from '../src/live/history';
import { DASHBOARD_REPLIES } from '../src/messages/errors';

interface Reply { status: number; text: string; closed: boolean }

/** Sends raw bytes and collects what comes back until the server closes the connection (or `ms` pass). */
function raw(port: number, bytes: string | Buffer, ms = 3000): Promise<Reply> {
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text, closed });
    };
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => finish(false), ms);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

function wsKey(): string {
  return randomBytes(16).toString('base64');
}

/** The bad HTTP requests: [what, bytes, allowed statuses]. `T` is the right token, `H` the right Host. */
function badRequests(port: number, token: string): [string, string | Buffer, number[]][] {
  const H = `Host: 127.0.0.1:${port}\r\n`;
  const get = (target: string, headers = H) => `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;
  return [
    ['GET // (not a URL path)', get('//'), [400]],
    ['GET //evil.example/ (protocol-relative)', get(`//evil.example/?token=${token}`), [400]],
    ['absolute-form target', get(`http://evil.example/?token=${token}`), [400]],
    ['asterisk target', get('*'), [400]],
    ['empty path with the token', get(`?token=${token}`), [400]],
    ['percent garbage', get('/%ZZ%?token=%G0'), [403]],
    ['NUL in the target', get('/\u0000?token=x'), [400]],
    ['a space inside the target', get('/a b?token=x'), [400]],
    ['not HTTP at all', 'HELLO THERE\r\n\r\n', [400]],
    ['binary garbage', randomBytes(512), [400]],
    ['missing Host', `GET /?token=${token} HTTP/1.1\r\nConnection: close\r\n\r\n`, [400]],
    ['foreign Host (DNS rebinding)', get(`/?token=${token}`, `Host: evil.example:${port}\r\n`), [403]],
    ['Host with credentials', get(`/?token=${token}`, `Host: 127.0.0.1:${port}@evil.example\r\n`), [403]],
    ['header without a colon', get('/', `${H}NoColonHere\r\n`), [400]],
    ['header with a control character', get('/', `${H}X-Bad: a\u0001b\r\n`), [400]],
    ['oversized header', get('/', `${H}X-Big: ${'a'.repeat(20_000)}\r\n`), [431]],
    ['thousands of headers', get('/', H + Array.from({ length: 2000 }, (_, i) => `X-${i}: 1\r\n`).join('')), [431]],
    ['oversized target', get(`/${'a'.repeat(40_000)}?token=${token}`), [431, 414]],
    ['no token', get('/'), [403]],
    ['wrong token', get(`/?token=${'0'.repeat(32)}`), [403]],
    ['token of another length', get(`/?token=${token}0`), [403]],
    ['the token twice, first wrong', get(`/?token=bad&token=${token}`), [403]],
    ['POST with the token', `POST /?token=${token} HTTP/1.1\r\n${H}Content-Length: 5\r\nConnection: close\r\n\r\nhello`, [403]],
    ['bad Content-Length', `GET /?token=${token} HTTP/1.1\r\n${H}Content-Length: abc\r\nConnection: close\r\n\r\n`, [400]],
    ['Content-Length and Transfer-Encoding (smuggling)', `GET /?token=${token} HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`, [400]],
    ['path traversal', get(`/../../../../etc/passwd?token=${token}`), [404]],
    ['encoded path traversal', get(`/%2e%2e/%2e%2e/etc/passwd?token=${token}`), [404]],
    ['__proto__ as a path', get(`/__proto__?token=${token}`), [404]],
    ['constructor as a path', get(`/constructor?token=${token}`), [404]],
    ['HTTP/9.9', `GET /?token=${token} HTTP/9.9\r\n${H}\r\n`, [400, 505]],
    ['upgrade to //', `GET // HTTP/1.1\r\n${H}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`, [403]],
    ['upgrade without the token', `GET /ws HTTP/1.1\r\n${H}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`, [403]],
    ['upgrade from another origin', `GET /ws?token=${token} HTTP/1.1\r\n${H}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n`, [403]],
    ['upgrade without an origin', `GET /ws?token=${token} HTTP/1.1\r\n${H}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n`, [403]],
    ['upgrade without a key', `GET /ws?token=${token} HTTP/1.1\r\n${H}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`, [400]],
    ['upgrade with a bad version', `GET /ws?token=${token} HTTP/1.1\r\n${H}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 99\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`, [400, 426]],
    ['upgrade to another protocol', `GET /ws?token=${token} HTTP/1.1\r\n${H}Upgrade: h2c\r\nConnection: Upgrade\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`, [400]],
  ];
}

async function assertServes(url: string): Promise<void> {
  const page = await fetch(url);
  assert.equal(page.status, 200, 'a good request is still served');
  await page.text();
}

test('the dashboard of a training process answers every malformed or hostile request with a 4xx, and training goes on', async () => {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'served-training.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const epochs = () => (stdout.match(/^EPOCH \d+$/gm) ?? []).length;
  try {
    const deadline = Date.now() + 60_000;
    while (!/^URL /m.test(stdout) || epochs() < 1) {
      assert.equal(exited, null, `the training process ended: ${stderr}`);
      assert.ok(Date.now() < deadline, `no dashboard URL within 60 s: ${stdout} ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /^URL (\S+)$/m.exec(stdout)?.[1] as string;
    const { port, searchParams } = new URL(url);
    const token = searchParams.get('token') as string;
    const cases = badRequests(Number(port), token);
    const outcomes: string[] = [];
    for (const [what, bytes, allowed] of cases) {
      const reply = await raw(Number(port), bytes);
      if (!allowed.includes(reply.status)) outcomes.push(`${what}: got ${reply.status || 'no answer'} (${reply.text.slice(0, 60)}), expected ${allowed.join('/')}`);
      assert.equal(exited, null, `the training process died on "${what}": ${stderr}`);
    }
    assert.deepEqual(outcomes, [], 'every bad request gets the expected 4xx');
    const before = epochs();
    await assertServes(url);
    // Training went on during and after the fuzzing.
    const until = Date.now() + 20_000;
    while (epochs() < before + 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.ok(epochs() >= before + 2, `training stalled at epoch ${epochs()}`);
    assert.equal(exited, null);
    assert.equal(stderr.includes('Error'), false, stderr);
    console.log(`dashboard fuzz: ${cases.length} of ${cases.length} bad requests refused with a 4xx; process alive; ${epochs()} epochs trained`);
  } finally {
    child.kill('SIGKILL');
  }
});

async function started(options: Parameters<typeof DashboardServer.start>[0] = {}) {
  const server = await DashboardServer.start(options, new RunHistory());
  return { server, port: Number(new URL(server.origin).port), token: new URL(server.url).searchParams.get('token') as string };
}

test('DashboardServer cuts off a client that sends its request head too slowly (408) and one that sends nothing', async () => {
  const { server, port } = await started({ headersTimeoutMs: 300, requestTimeoutMs: 300, timeoutCheckMs: 100, idleTimeoutMs: 600 });
  try {
    const startedAt = Date.now();
    const slow = await new Promise<Reply>((resolve) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      // One header byte every 100 ms: the head never completes in time.
      const drip = setInterval(() => socket.writable && socket.write('X'), 100);
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, closed: true });
      });
      socket.on('error', () => undefined);
    });
    assert.equal(slow.status, 408);
    assert.ok(Date.now() - startedAt < 3000, 'cut off within the timeout and one check interval');
    const silent = await raw(port, Buffer.alloc(0), 4000);
    assert.equal(silent.closed, true, 'a connection that says nothing is closed');
    await assertServes(server.url);
  } finally {
    await server.close();
  }
});

test('DashboardServer caps open connections and WebSocket pages, then serves again once they are gone', async () => {
  const { server, port, token } = await started({ maxConnections: 20, maxClients: 3 });
  const sockets: Socket[] = [];
  try {
    await Promise.all(Array.from({ length: 100 }, () => new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve());
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      sockets.push(socket);
    })));
    await new Promise((r) => setTimeout(r, 200));
    const open = await new Promise<number>((resolve) => server.connectionCount((count) => resolve(count)));
    assert.ok(open <= 20, `${open} connections held open (cap 20)`);
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => setTimeout(r, 100));
    await assertServes(server.url);

    const ws = `${server.origin.replace('http', 'ws')}/ws?token=${token}`;
    const pages = await Promise.all(Array.from({ length: 5 }, () => new Promise<{ socket: WebSocket; status: number }>((resolve) => {
      const socket = new WebSocket(ws, { origin: server.origin });
      socket.once('open', () => resolve({ socket, status: 101 }));
      socket.once('unexpected-response', (_req, res) => resolve({ socket, status: res.statusCode ?? 0 }));
      socket.once('error', () => resolve({ socket, status: 0 }));
    })));
    assert.deepEqual(pages.map((p) => p.status).sort(), [101, 101, 101, 503, 503]);
    assert.equal(server.clientCount, 3);
    pages.forEach((p) => p.socket.terminate());
    await new Promise((r) => setTimeout(r, 100));
    const again = new WebSocket(ws, { origin: server.origin });
    await new Promise<void>((resolve, reject) => {
      again.once('open', () => resolve());
      again.once('error', reject);
    });
    again.close();
  } finally {
    sockets.forEach((s) => s.destroy());
    await server.close();
  }
});

test('DashboardServer survives broken WebSocket frames and resets, and keeps serving', async () => {
  const { server, port, token } = await started();
  try {
    const handshake = `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${wsKey()}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${server.origin}\r\n\r\n`;
    // An unmasked frame with a reserved opcode, then garbage: ws closes this client only.
    const broken = await raw(port, Buffer.concat([Buffer.from(handshake), Buffer.from([0x83, 0x05, 1, 2, 3, 4, 5]), randomBytes(64)]));
    assert.equal(broken.status, 101);
    assert.equal(broken.closed, true);
    // A frame that claims 2^62 bytes: refused by maxPayload.
    const huge = await raw(port, Buffer.concat([Buffer.from(handshake), Buffer.from([0x81, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])]));
    assert.equal(huge.closed, true);
    // Reset right after the handshake, twenty times.
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(handshake);
          socket.resetAndDestroy();
          resolve();
        });
        socket.on('error', () => resolve());
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    await assertServes(server.url);
    const text = await (await fetch(`${server.origin}/`)).text();
    assert.equal(text, DASHBOARD_REPLIES.forbidden);
  } finally {
    await server.close();
  }
});

test('DashboardServer keeps a page connected long past the header, request and idle timeouts', async () => {
  const { server, token } = await started({ headersTimeoutMs: 200, requestTimeoutMs: 200, idleTimeoutMs: 300, timeoutCheckMs: 100 });
  try {
    const page = new WebSocket(`${server.origin.replace('http', 'ws')}/ws?token=${token}`, { origin: server.origin });
    await new Promise<void>((resolve, reject) => {
      page.once('open', () => resolve());
      page.once('error', reject);
    });
    let closed = false;
    page.on('close', () => (closed = true));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(closed, false, 'the page was cut off by an HTTP timeout');
    assert.equal(server.clientCount, 1);
    page.close();
  } finally {
    await server.close();
  }
});
