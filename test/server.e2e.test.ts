// The real server process on a real port: ingest, persistence across restart, limits, clean shutdown.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  CreateTokenResponse,
  ErrorEnvelope,
  HostReportResponse,
  StateResponse,
  TokenListResponse,
} from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from './support/server-process.ts';

const fixture = readFileSync(new URL('./fixtures/host-report-linux.json', import.meta.url), 'utf8');
const envToken = randomBytes(32).toString('hex');

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer({ env: { API_TOKENS: envToken } });
});
afterAll(async () => {
  await server.stop();
  server.cleanup();
});

function api(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set('X-API-Token', init.token ?? envToken);
  return fetch(`${server.url}${path}`, { ...init, headers });
}

describe('server on a real port', () => {
  it('serves health without a token and refuses state without one', async () => {
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const res = await fetch(`${server.url}/api/state`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('takes a gzip host report and shows it in /api/state with the same numbers', async () => {
    const res = await api('/api/agents/host/report', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(fixture),
    });
    expect(res.status).toBe(200);
    const answer = HostReportResponse.parse(await res.json());
    const state = StateResponse.parse(await (await api('/api/state')).json());
    const report = JSON.parse(fixture);
    expect(state.hosts.map((h) => [h.agentId, h.memory?.total, h.cpuCount])).toEqual([
      [answer.agentId, report.metrics.memory.totalBytes, report.host.cpuCount],
    ]);
  });

  it('refuses a 20 MiB body with 413 and keeps serving', async () => {
    // Declare 20 MiB but send only the first 64 KiB: the answer must come from the declared length,
    // before the server reads (or buffers) the body.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/api/agents/host/report`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(20 * 1024 * 1024),
            'X-API-Token': envToken,
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            body += d;
          });
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024, 0x20));
    });
    expect(answer.status).toBe(413);
    expect(ErrorEnvelope.parse(JSON.parse(answer.body))).toMatchObject({
      code: 'report_too_large',
      details: { dimension: 'encoded_http_body', actualBytes: String(20 * 1024 * 1024) },
    });
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('keeps tokens and host identities across a restart and stops cleanly on SIGTERM', async () => {
    const created = await api('/api/security/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'reader', scopes: ['monitoring:read'] }),
    });
    const { token } = CreateTokenResponse.parse(await created.json());
    expect(await server.stop()).toBe(0);
    expect(server.logs.join('\n')).not.toContain(token);
    expect(server.logs.join('\n')).not.toContain(envToken);

    server = await startServer({ dataDir: server.dataDir, env: { API_TOKENS: envToken } });
    const state = await api('/api/state', { token });
    expect(state.status).toBe(200);
    // Hosts come back from disk as offline until their next report.
    const hosts = StateResponse.parse(await state.json()).hosts;
    expect(hosts.map((h) => [h.hostname, h.status])).toEqual([['vm', 'offline']]);
    const listed = TokenListResponse.parse(await (await api('/api/security/tokens')).json());
    expect(listed.tokens.map((t) => t.name)).toContain('reader');
  });
});
