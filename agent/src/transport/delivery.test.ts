import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createLogger } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PulseClient } from './client.ts';
import { Delivery } from './delivery.ts';
import { ReportBuffer } from './report-buffer.ts';

interface Received {
  n: number;
  headers: IncomingMessage['headers'];
}

/** A real HTTP server on loopback whose answer the test sets. */
let server: Server;
let status = 200;
let received: Received[];
let url: string;
const lines: string[] = [];

beforeEach(async () => {
  status = 200;
  received = [];
  lines.length = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()) as { n: number };
      if (status === 200) received.push({ n: body.n, headers: req.headers });
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 302 ? { location: '/elsewhere' } : {}),
      });
      res.end(
        JSON.stringify(status === 200 ? { success: true, agentId: 'a' } : { error: `status ${status}` }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function setup(now = { t: 0 }) {
  const client = new PulseClient({
    baseUrl: url,
    token: 'secret-token',
    userAgent: 'pulse-agent/test',
    insecure: false,
    cacert: undefined,
  });
  const buffer = new ReportBuffer<{ n: number }>(5);
  const delivery = new Delivery({
    client,
    path: '/api/agents/agent/report',
    buffer,
    log: createLogger('debug', (l) => lines.push(l)),
    intervalMs: 1000,
    now: () => now.t,
    random: () => 0.5,
  });
  return { client, buffer, delivery, now };
}

describe('Delivery', () => {
  it('sends gzip JSON with both auth headers and the agent user agent', async () => {
    const { delivery, client } = setup();
    expect(await delivery.submit({ n: 1 })).toBe('sent');
    expect(received[0]?.headers).toMatchObject({
      authorization: 'Bearer secret-token',
      'x-api-token': 'secret-token',
      'content-encoding': 'gzip',
      'user-agent': 'pulse-agent/test',
    });
    await client.close();
  });

  it('buffers through an outage and delivers everything in order, once', async () => {
    const { delivery, buffer, now, client } = setup();
    await delivery.submit({ n: 1 });
    status = 503;
    for (let n = 2; n <= 4; n++) {
      now.t += 1000;
      expect(await delivery.submit({ n })).toBe('buffered');
    }
    expect(buffer.size).toBe(3);
    status = 200;
    now.t += 10_000;
    expect(await delivery.submit({ n: 5 })).toBe('sent');
    expect(received.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(buffer.size).toBe(0);
    await client.close();
  });

  it('backs off instead of retrying every cycle while the server keeps failing', async () => {
    const { delivery, now, client } = setup();
    status = 500;
    let attempts = 0;
    server.on('request', () => attempts++);
    for (let i = 0; i < 20; i++) {
      await delivery.submit({ n: i });
      now.t += 1000;
    }
    // One try per cycle would be 20; doubling waits leave far fewer.
    expect(attempts).toBeLessThan(10);
    expect(attempts).toBeGreaterThan(2);
    await client.close();
  });

  it('drops the oldest report when the buffer is full', async () => {
    const { delivery, buffer, now, client } = setup();
    status = 503;
    for (let n = 1; n <= 8; n++) {
      await delivery.submit({ n });
      now.t += 60_000;
    }
    expect(buffer.size).toBe(5);
    expect(buffer.dropped).toBe(3);
    expect(buffer.peek()).toEqual({ n: 4 });
    await client.close();
  });

  it('does not buffer on 401/403, purges the buffer and logs one actionable line per 5 minutes', async () => {
    const { delivery, buffer, now, client } = setup();
    status = 503;
    await delivery.submit({ n: 1 });
    status = 401;
    now.t += 1000;
    expect(await delivery.submit({ n: 2 })).toBe('dropped');
    expect(buffer.size).toBe(0);
    for (let i = 0; i < 5; i++) {
      now.t += 1000;
      expect(await delivery.submit({ n: 3 + i })).toBe('dropped');
    }
    const authLines = lines.filter((l) => l.includes('server refused the report'));
    expect(authLines).toHaveLength(1);
    expect(authLines[0]).toContain('re-run the install command');
    now.t += 5 * 60_000;
    await delivery.submit({ n: 9 });
    expect(lines.filter((l) => l.includes('server refused the report'))).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('secret-token');
    await client.close();
  });

  it('refuses redirects and keeps the report', async () => {
    const { delivery, buffer, client } = setup();
    status = 302;
    expect(await delivery.submit({ n: 1 })).toBe('buffered');
    expect(buffer.size).toBe(1);
    expect(delivery.stats.lastError).toMatch(/redirect refused/);
    await client.close();
  });

  it('drops a report the server rejects as invalid instead of blocking the queue', async () => {
    const { delivery, buffer, client } = setup();
    status = 400;
    expect(await delivery.submit({ n: 1 })).toBe('dropped');
    expect(buffer.size).toBe(0);
    await client.close();
  });

  it('treats an unreachable server as retryable', async () => {
    const { buffer, client } = setup();
    await new Promise<void>((r) => server.close(() => r()));
    const dead = new Delivery({
      client,
      path: '/x',
      buffer,
      log: createLogger('silent'),
      intervalMs: 1000,
    });
    expect(await dead.submit({ n: 1 })).toBe('buffered');
    expect(dead.stats.lastError).toMatch(/ECONNREFUSED/);
    server = createServer().listen(0);
    await client.close();
  });
});
