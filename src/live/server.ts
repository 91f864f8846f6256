/**
 * The live dashboard server: an HTTP page and a WebSocket stream on the
 * loopback interface, fed with the events of a run (watch(model, { serve }))
 * or of a log file (`tfjs-doctor serve --log`).
 *
 * Security: binds 127.0.0.1 by default; every request and the WebSocket
 * upgrade need the random token of the URL; the Host header must name this
 * server (DNS rebinding) and a WebSocket's Origin must be the page's own.
 * Client messages are capped in size and ignored when malformed. Training
 * never waits for a browser: each client has a bounded queue (oldest dropped)
 * that drains only while the socket's buffer is low.
 *
 * Hostile requests (any web page can send some to localhost): every request,
 * however malformed, gets a 4xx and never an exception in the training
 * process; headers are capped in size and time (slow clients are cut off),
 * connections and pages are capped in number.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { compileToVega } from '../render/vega';
import type { LiveEvent } from './events';
import type { RunHistory } from './history';
import type { Sink } from './monitor';
import { panelLayout } from './panel';
import { panelSpec } from './panel-spec';
import { eventRows, snapshotRows, type Rows } from './panel-rows';
import { runStatus } from './status';
import { realScheduler, type Scheduler } from './notebook';
import { DASHBOARD_REPLIES, RUNTIME_ERRORS } from '../messages/errors';

export interface DashboardOptions {
  /** Defaults to '127.0.0.1'. */
  host?: string;
  /** Defaults to 0: a free port. */
  port?: number;
  /** Access token; defaults to 32 random hex digits. */
  token?: string;
  /** Largest message accepted from a browser, in bytes. Defaults to 4096. */
  maxPayload?: number;
  /** Messages queued per client before the oldest are dropped. Defaults to 500. */
  maxQueue?: number;
  /** Socket buffer (bytes) above which a client's messages wait in its queue. Defaults to 1 MiB. */
  highWaterBytes?: number;
  /** Rows are gathered and sent at most this often, in ms. Defaults to 200. */
  flushMs?: number;
  /**
   * After this many streamed rows, pages get the (bounded, downsampled) history
   * again instead of more rows, so a page left open for hours stays small.
   * Defaults to 20000.
   */
  resyncRows?: number;
  /** Open TCP connections at most (pages, assets, sockets); more are closed at once. Defaults to 64. */
  maxConnections?: number;
  /** Dashboard pages (WebSockets) at most; more get 503. Defaults to 16. */
  maxClients?: number;
  /** Largest request head (request line and headers), in bytes; larger gets 431. Defaults to 8192. */
  maxHeaderBytes?: number;
  /** Time a client has to send its request head, in ms; slower ones get 408. Defaults to 10000. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, in ms. Defaults to 20000. */
  requestTimeoutMs?: number;
  /** An HTTP connection idle this long (no bytes either way) is closed, in ms. Defaults to 30000. */
  idleTimeoutMs?: number;
  /** How often the header and request timeouts are checked, in ms. Defaults to 1000. */
  timeoutCheckMs?: number;
  scheduler?: Scheduler;
}

export const DASHBOARD_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  maxPayload: 4096,
  maxQueue: 500,
  highWaterBytes: 1 << 20,
  flushMs: 200,
  resyncRows: 20_000,
  maxConnections: 64,
  maxClients: 16,
  maxHeaderBytes: 8192,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  idleTimeoutMs: 30_000,
  timeoutCheckMs: 1000,
} as const;

/** What the page receives. */
export type ServerMessage =
  | { type: 'spec'; vega: unknown; rows: Rows; status: ReturnType<typeof runStatus> }
  | { type: 'rows'; rows: Rows; status: ReturnType<typeof runStatus> };

const ASSETS: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => widgetPath('dashboard.html'), type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: () => widgetPath('dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/lib/vega.min.js': { file: () => join(dirname(require.resolve('vega')), 'vega.min.js'), type: 'text/javascript; charset=utf-8' },
  '/lib/vega-embed.min.js': { file: () => join(dirname(require.resolve('vega-embed')), 'vega-embed.min.js'), type: 'text/javascript; charset=utf-8' },
};

/** widgets/<name> from dist/src/live (compiled) or src/live (sources). */
function widgetPath(name: string): string {
  const candidates = [join(__dirname, '..', '..', '..', 'widgets', name), join(__dirname, '..', '..', 'widgets', name)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found !== undefined) return found;
  throw new Error(RUNTIME_ERRORS.missingFile(name, candidates));
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One browser: a bounded queue drained while its socket buffer is low. */
class Client {
  private readonly queue: string[] = [];
  private timer: unknown = null;
  dropped = 0;

  constructor(
    readonly socket: WebSocket,
    private readonly maxQueue: number,
    private readonly highWater: number,
    private readonly scheduler: Scheduler,
  ) {}

  send(message: string): void {
    this.queue.push(message);
    if (this.queue.length > this.maxQueue) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.pump();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Replaces anything queued (a full spec supersedes older rows). */
  reset(message: string): void {
    this.dropped += this.queue.length;
    this.queue.length = 0;
    this.send(message);
  }

  close(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private pump(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    while (this.queue.length > 0 && this.socket.bufferedAmount < this.highWater) {
      this.socket.send(this.queue.shift() as string);
    }
    if (this.queue.length > 0 && this.timer === null) {
      this.timer = this.scheduler.setTimeout(() => {
        this.timer = null;
        this.pump();
      }, 50);
    }
  }
}

export class DashboardServer implements Sink {
  readonly url: string;
  readonly origin: string;
  /** Requests and upgrades refused (bad token, host or origin), and malformed client messages. */
  readonly refused = { http: 0, upgrade: 0, messages: 0, malformed: 0 };
  private readonly clients = new Set<Client>();
  private pending: Rows = {};
  private flushTimer: unknown = null;
  private history: RunHistory | null = null;
  private layoutKey = '';
  private specMessage: Promise<string> | null = null;
  private lastLayerStep = 0;
  private rowsSinceSpec = 0;
  private upgrading = 0;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly token: string,
    private readonly options: Required<Omit<DashboardOptions, 'token'>>,
    port: number,
  ) {
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    this.origin = `http://${host}:${port}`;
    this.url = `${this.origin}/?token=${token}`;
  }

  static async start(options: DashboardOptions = {}, history: RunHistory | null = null): Promise<DashboardServer> {
    const resolved = {
      host: options.host ?? DASHBOARD_DEFAULTS.host,
      port: options.port ?? DASHBOARD_DEFAULTS.port,
      maxPayload: options.maxPayload ?? DASHBOARD_DEFAULTS.maxPayload,
      maxQueue: options.maxQueue ?? DASHBOARD_DEFAULTS.maxQueue,
      highWaterBytes: options.highWaterBytes ?? DASHBOARD_DEFAULTS.highWaterBytes,
      flushMs: options.flushMs ?? DASHBOARD_DEFAULTS.flushMs,
      resyncRows: options.resyncRows ?? DASHBOARD_DEFAULTS.resyncRows,
      maxConnections: options.maxConnections ?? DASHBOARD_DEFAULTS.maxConnections,
      maxClients: options.maxClients ?? DASHBOARD_DEFAULTS.maxClients,
      maxHeaderBytes: options.maxHeaderBytes ?? DASHBOARD_DEFAULTS.maxHeaderBytes,
      headersTimeoutMs: options.headersTimeoutMs ?? DASHBOARD_DEFAULTS.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? DASHBOARD_DEFAULTS.requestTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? DASHBOARD_DEFAULTS.idleTimeoutMs,
      timeoutCheckMs: options.timeoutCheckMs ?? DASHBOARD_DEFAULTS.timeoutCheckMs,
      scheduler: options.scheduler ?? realScheduler,
    };
    const token = options.token ?? randomBytes(16).toString('hex');
    const http = createServer({
      maxHeaderSize: resolved.maxHeaderBytes,
      headersTimeout: resolved.headersTimeoutMs,
      requestTimeout: Math.max(resolved.requestTimeoutMs, resolved.headersTimeoutMs),
      connectionsCheckingInterval: resolved.timeoutCheckMs,
    });
    http.maxConnections = resolved.maxConnections;
    http.keepAliveTimeout = Math.min(5000, resolved.idleTimeoutMs);
    // Idle sockets (a client that connects and says nothing) are closed; upgraded WebSockets clear this timeout.
    http.setTimeout(resolved.idleTimeoutMs, (socket) => socket.destroy());
    const wss = new WebSocketServer({ noServer: true, maxPayload: resolved.maxPayload });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(resolved.port, resolved.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const port = (http.address() as AddressInfo).port;
    const server = new DashboardServer(http, wss, token, resolved, port);
    server.history = history;
    http.on('request', (request, response) => server.safely(() => server.onRequest(request, response), () => refuse(response, 400, DASHBOARD_REPLIES.badRequest)));
    http.on('upgrade', (request, socket, head) => {
      // A client that resets the connection must not raise an unhandled 'error'.
      socket.on('error', () => socket.destroy());
      server.safely(() => server.onUpgrade(request, socket, head), () => endSocket(socket, 400, 'Bad Request'));
    });
    http.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      // Malformed request lines and headers, oversized heads, timeouts: answered by status, never thrown.
      server.refused.malformed += 1;
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      if (socket.writable) endSocket(socket, status, status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request');
      else socket.destroy();
    });
    return server;
  }

  /** Runs a request handler; anything it throws is counted and answered by `fail`, never rethrown into the process. */
  private safely(handle: () => void, fail: () => void): void {
    try {
      handle();
    } catch {
      this.refused.malformed += 1;
      try {
        fail();
      } catch {
        // The socket is already gone.
      }
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Open TCP connections (tests of the connection cap). */
  connectionCount(callback: (count: number) => void): void {
    this.http.getConnections((_error, count) => callback(count));
  }

  /** Messages dropped for slow clients so far. */
  get droppedMessages(): number {
    let dropped = 0;
    for (const client of this.clients) dropped += client.dropped;
    return dropped;
  }

  /** Queued messages per client (tests of the bounded queue). */
  get queueLengths(): number[] {
    return [...this.clients].map((client) => client.queued);
  }

  publish(event: LiveEvent, history: RunHistory): void {
    this.history = history;
    const run = history.runInfo;
    if (event.type === 'start') this.lastLayerStep = 0;
    const rows = eventRows(event, this.lastLayerStep, run);
    if (event.type === 'layers') this.lastLayerStep = event.step;
    for (const [name, list] of Object.entries(rows)) {
      const key = name as keyof Rows;
      (this.pending[key] ??= []).push(...(list ?? []));
    }
    if (event.type === 'end' || event.type === 'finding' || event.type === 'start') this.sendPending();
    else if (this.flushTimer === null) this.flushTimer = this.options.scheduler.setTimeout(() => this.sendPending(), this.options.flushMs);
  }

  /** Sends gathered rows now (or a whole new spec when the panel layout changed). */
  sendPending(): void {
    if (this.flushTimer !== null) this.options.scheduler.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.history) return;
    const snapshot = this.history.snapshot({ lite: true });
    const status = runStatus(snapshot);
    const key = JSON.stringify(panelLayout(snapshot, { ...status, line: '', state: 'running' }));
    if (key !== this.layoutKey) {
      this.layoutKey = key;
      this.pending = {};
      this.specMessage = null;
      void this.broadcastSpec();
      return;
    }
    this.rowsSinceSpec += Object.values(this.pending).reduce((sum, rows) => sum + (rows?.length ?? 0), 0);
    if (this.rowsSinceSpec > this.options.resyncRows) {
      this.pending = {};
      void this.broadcastSpec();
      return;
    }
    if (Object.keys(this.pending).length === 0 && this.clients.size === 0) return;
    const message = JSON.stringify({ type: 'rows', rows: this.pending, status } satisfies ServerMessage);
    this.pending = {};
    for (const client of this.clients) client.send(message);
  }

  async close(): Promise<void> {
    if (this.flushTimer !== null) this.options.scheduler.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const client of this.clients) {
      client.close();
      client.socket.terminate();
    }
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /**
   * The current spec with every row so far, as one message (compiled once per
   * layout). `replacesPending`: the rows gathered so far are in this message,
   * so they are dropped from the next rows message in the same synchronous step.
   */
  private async currentSpecMessage(replacesPending = false): Promise<string> {
    const history = this.history;
    this.specMessage ??= (async () => {
      const snapshot = history?.snapshot({ lite: true });
      // No subtitle: the page shows progress above the chart, live, and the spec is compiled once per layout.
      const layout = snapshot ? { ...panelLayout(snapshot), subtitle: [] } : { title: 'Waiting for a run', subtitle: [], metrics: [], gradientNorms: false, updateRatios: false };
      return JSON.stringify(await compileToVega(panelSpec(layout)));
    })();
    const vega = await this.specMessage;
    // Rows are taken now, after the await: nothing sent as rows before this point is missing from them.
    if (replacesPending) this.pending = {};
    const snapshot = this.history?.snapshot();
    const rows = snapshot ? snapshotRows(snapshot) : {};
    const status = snapshot ? runStatus(snapshot) : null;
    return `{"type":"spec","vega":${vega},"rows":${JSON.stringify(rows)},"status":${JSON.stringify(status)}}`;
  }

  private async broadcastSpec(): Promise<void> {
    this.rowsSinceSpec = 0;
    const message = await this.currentSpecMessage(true);
    for (const client of this.clients) client.reset(message);
  }

  private allowedHost(request: IncomingMessage): boolean {
    const host = request.headers.host;
    const port = new URL(this.origin).port;
    return host === new URL(this.origin).host || host === `localhost:${port}`;
  }

  /** The path and token of a request target; null when the target is not a path (`//`, `http://x`, `*`, ...). */
  private tokenOf(request: IncomingMessage): { path: string; token: string | null } | null {
    const target = request.url ?? '';
    if (!target.startsWith('/') || target.startsWith('//')) return null;
    try {
      const url = new URL(target, this.origin);
      return { path: url.pathname, token: url.searchParams.get('token') };
    } catch {
      return null;
    }
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const target = this.tokenOf(request);
    if (target === null) {
      this.refused.malformed += 1;
      refuse(response, 400, DASHBOARD_REPLIES.badRequest);
      return;
    }
    const { path, token } = target;
    const asset = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined;
    if (request.method !== 'GET' || !this.allowedHost(request) || !sameToken(token, this.token)) {
      this.refused.http += 1;
      refuse(response, 403, DASHBOARD_REPLIES.forbidden);
      return;
    }
    if (!asset) {
      refuse(response, 404, DASHBOARD_REPLIES.notFound);
      return;
    }
    let body = readFileSync(asset.file(), 'utf8');
    // The token is hex: safe to place in the page's asset URLs.
    if (path === '/') body = body.replace(/__TOKEN__/g, this.token);
    response.writeHead(200, {
      'content-type': asset.type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws:; img-src 'self' data:",
    });
    response.end(body);
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = this.tokenOf(request);
    const origin = request.headers.origin;
    const localOrigins = [this.origin, `http://localhost:${new URL(this.origin).port}`];
    if (target === null || target.path !== '/ws' || !this.allowedHost(request) || !sameToken(target.token, this.token) ||
        origin === undefined || !localOrigins.includes(origin)) {
      this.refused.upgrade += 1;
      endSocket(socket, 403, 'Forbidden');
      return;
    }
    if (this.clients.size + this.upgrading >= this.options.maxClients) {
      this.refused.upgrade += 1;
      endSocket(socket, 503, 'Service Unavailable');
      return;
    }
    this.upgrading += 1;
    // ws answers a malformed handshake (bad key or version) with a 400 itself.
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws));
    this.upgrading -= 1;
  }

  private onConnection(ws: WebSocket): void {
    const client = new Client(ws, this.options.maxQueue, this.options.highWaterBytes, this.options.scheduler);
    this.clients.add(client);
    ws.on('message', (data, isBinary) => {
      // The page sends nothing meaningful yet; anything malformed is counted and ignored.
      if (isBinary || !isHello(data.toString())) this.refused.messages += 1;
    });
    ws.on('error', () => {
      // Oversized messages and broken sockets end this client only.
      this.refused.messages += 1;
    });
    ws.on('close', () => {
      client.close();
      this.clients.delete(client);
    });
    void this.currentSpecMessage().then((message) => client.send(message));
  }
}

function refuse(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(text);
}

function endSocket(socket: Duplex, status: number, reason: string): void {
  // Destroyed once written: a client that never closes its side keeps nothing open.
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

function isHello(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'hello';
  } catch {
    return false;
  }
}
