// Slow clients on real loopback sockets: a slow but steady body gets through, a stalled one is cut off
// at the request timeout, and connections past the per-address cap are closed as they are accepted.
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLog } from '../../testing/capture-log.ts';
import { type RawClient, rawClient, type ServedApp, serveApp, until } from '../../testing/serve-app.ts';
import { readBody } from './body.ts';
import type { AppEnv } from './context.ts';
import { errorHandler } from './error-handler.ts';
import { requestLog } from './request-log.ts';
import {
  applySocketLimits,
  type ConnectionCap,
  DEFAULT_SOCKET_LIMITS,
  type SocketLimits,
  socketServerOptions,
} from './socket-limits.ts';

/** The production limits scaled down; the margins stay wide so a loaded machine cannot flip a result. */
const SHORT: SocketLimits = {
  headersTimeoutMs: 2_000,
  requestTimeoutMs: 3_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  checkIntervalMs: 100,
  maxConnectionsPerIp: 3,
};

const BODY_BYTES = 2_000;

function uploadApp(log = captureLog().log): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requestLog(log));
  app.post('/upload', async (c) => {
    const body = await readBody(c.req, { maxWireBytes: 1 << 20, maxDecodedBytes: 1 << 20 });
    return c.json({ bytes: body.byteLength });
  });
  app.get('/ping', (c) => c.text('pong'));
  app.onError(errorHandler(log, () => Date.now()));
  return app;
}

const servers: ServedApp[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function start(
  limits: SocketLimits,
  log = captureLog().log,
): Promise<{ served: ServedApp; cap: ConnectionCap }> {
  const served = await serveApp(uploadApp(log), { ...socketServerOptions(limits) });
  servers.push(served);
  return { served, cap: applySocketLimits(served.server, limits, log) };
}

async function client(port: number): Promise<RawClient> {
  const c = await rawClient(port);
  clients.push(c);
  return c;
}

function uploadHead(bytes: number): string {
  return `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes}\r\n\r\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request timeout', () => {
  it('lets a body sent slowly but steadily, well within the timeout, complete', async () => {
    const { served } = await start(SHORT);
    const c = await client(served.port);
    c.socket.write(uploadHead(BODY_BYTES));
    // 10 chunks 60 ms apart: about 0.6 s of a 3 s allowance.
    for (let i = 0; i < 10; i++) {
      c.socket.write('x'.repeat(BODY_BYTES / 10));
      await sleep(60);
    }
    await until(() => c.received().includes('"bytes":2000'));
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('cuts off a client that stalls mid-body once the request timeout has passed', async () => {
    const captured = captureLog();
    const { served } = await start(SHORT, captured.log);
    const c = await client(served.port);
    c.socket.write(`${uploadHead(BODY_BYTES)}${'x'.repeat(BODY_BYTES / 4)}`);
    await until(c.closed);
    expect(c.received()).not.toMatch(/^HTTP\/1\.1 200 /);
    // The handler saw the cut as an aborted upload: one request line, nothing at error level.
    await until(() => captured.lines.some((l) => l.msg === 'request'));
    expect(captured.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(captured.lines.find((l) => l.msg === 'request')).toMatchObject({ error_code: 'request_aborted' });
  });

  it('never cuts off a client that is still on time', async () => {
    // Even a stalled client keeps its socket until the timeout: checked against a long timeout.
    const { served } = await start({ ...SHORT, headersTimeoutMs: 20_000, requestTimeoutMs: 30_000 });
    const c = await client(served.port);
    c.socket.write(`${uploadHead(BODY_BYTES)}${'x'.repeat(BODY_BYTES / 4)}`);
    await sleep(1_000);
    expect(c.closed()).toBe(false);
    c.socket.write('x'.repeat((BODY_BYTES * 3) / 4));
    await until(() => c.received().includes('"bytes":2000'));
  });
});

describe("answers Node's parser gives itself", () => {
  const safety = /X-Content-Type-Options: nosniff[\s\S]*Cache-Control: no-store/;

  it('refuses a request line that is not HTTP with a 400 in the error envelope, with the safety headers', async () => {
    const { served } = await start(SHORT);
    const c = await client(served.port);
    c.socket.write('NOT A REQUEST\r\n\r\n');
    await until(c.closed);
    const text = c.received();
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toMatch(safety);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'bad_request', status_code: 400 });
    expect(body.request_id).toEqual(expect.any(String));
  });

  it('answers headers past the size limit with 431', async () => {
    const { served } = await start(SHORT);
    const c = await client(served.port);
    c.socket.write(`GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`);
    await until(c.closed);
    expect(c.received()).toMatch(/^HTTP\/1\.1 431 /);
    expect(c.received()).toMatch(safety);
    expect(c.received()).toContain('"code":"headers_too_large"');
  });

  it('answers a request whose headers never end with 408 once the headers timeout has passed', async () => {
    const { served } = await start(SHORT);
    const c = await client(served.port);
    c.socket.write('GET /ping HTTP/1.1\r\nHost: x\r\n');
    await until(c.closed);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(c.received()).toMatch(safety);
    expect(c.received()).toContain('"code":"request_timeout"');
  });
});

describe('per-address connection cap', () => {
  it('closes the connection past the cap at accept time and keeps the first ones serving', async () => {
    const captured = captureLog();
    const { served, cap } = await start(SHORT, captured.log);
    const first: RawClient[] = [];
    for (let i = 0; i < SHORT.maxConnectionsPerIp; i++) first.push(await client(served.port));
    await until(() => cap.count('127.0.0.1') === SHORT.maxConnectionsPerIp);

    const extra = await client(served.port);
    await until(extra.closed);
    expect(extra.received()).toBe('');
    expect(captured.lines.filter((l) => l.msg.startsWith('connection refused'))).toHaveLength(1);

    for (const c of first) {
      expect(c.closed()).toBe(false);
      c.socket.write('GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    }
    for (const c of first) await until(() => c.received().includes('pong'));

    // A slot frees up when one of them leaves.
    first[0]?.socket.destroy();
    await until(() => cap.count('127.0.0.1') === SHORT.maxConnectionsPerIp - 1);
    const late = await client(served.port);
    late.socket.write('GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => late.received().includes('pong'));
  });

  it('counts nothing when the cap is 0', async () => {
    const { served, cap } = await start({ ...SHORT, maxConnectionsPerIp: 0 });
    const many = await Promise.all(Array.from({ length: 5 }, () => client(served.port)));
    for (const c of many) c.socket.write('GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    for (const c of many) await until(() => c.received().includes('pong'));
    expect(cap.count('127.0.0.1')).toBe(0);
  });
});

describe('defaults', () => {
  it('give a 2 MiB body at 256 kbit/s its time, with room to spare', () => {
    const seconds = (2 * 1024 * 1024 * 8) / 256_000;
    expect(DEFAULT_SOCKET_LIMITS.requestTimeoutMs).toBeGreaterThan(seconds * 1000 * 1.5);
    expect(DEFAULT_SOCKET_LIMITS.headersTimeoutMs).toBeLessThan(DEFAULT_SOCKET_LIMITS.requestTimeoutMs);
    expect(DEFAULT_SOCKET_LIMITS.keepAliveTimeoutMs).toBeGreaterThan(60_000);
  });

  it('refuse a headers timeout longer than the request timeout', async () => {
    const served = await serveApp(uploadApp());
    servers.push(served);
    expect(() =>
      applySocketLimits(served.server, { ...SHORT, headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }),
    ).toThrow(/headers timeout/);
  });
});
