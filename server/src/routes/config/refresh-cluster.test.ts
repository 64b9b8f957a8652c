// POST /api/config/nodes/:id/refresh-cluster against a Proxmox host that does not answer: the fault is
// upstream, so a 502/504 envelope naming the host and the failed step, logged as one warning.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADERS } from '@pulse/shared';
import type { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { type CapturedLog, captureLog } from '../../../testing/capture-log.ts';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock } from '../../../testing/harness.ts';
import { closedPort } from '../../../testing/scripted-servers.ts';
import { createApp } from '../../app.ts';
import { composeDeps } from '../../compose.ts';
import { openDb } from '../../db/client.ts';
import type { AppEnv } from '../../http/context.ts';
import { detectVersion } from '../../version.ts';

interface Rig {
  app: Hono<AppEnv>;
  token: string;
  captured: CapturedLog;
}

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** The app with short Proxmox client timeouts (the harness keeps the production ones) and a captured log. */
async function rig(): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-refresh-'));
  const opened = await openDb(dataDir);
  cleanups.push(() => {
    opened.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const captured = captureLog();
  const deps = await composeDeps({
    db: opened.db,
    sql: opened.sql,
    dataDir,
    envTokens: [],
    log: captureLog().log,
    clock: new FakeClock(),
    version: detectVersion({}),
    proxmoxTuning: { connectTimeoutMs: 300, headersTimeoutMs: 300 },
  });
  const { token } = await deps.tokens.create({ name: 'admin', scopes: ['settings:write', 'settings:read'] });
  return { app: createApp({ ...deps, log: captured.log }), token, captured };
}

async function addAndRefresh(r: Rig, host: string): Promise<Response> {
  const headers = { [HEADERS.apiToken]: r.token, 'content-type': 'application/json' };
  const created = await r.app.request('/api/config/nodes', {
    method: 'POST',
    headers,
    body: JSON.stringify({
      type: 'pve',
      name: 'Lab',
      host,
      user: 'root@pam',
      password: 'not-a-real-one-1234',
    }),
  });
  expect(created.status).toBe(201);
  return r.app.request('/api/config/nodes/pve-lab/refresh-cluster', { method: 'POST', headers });
}

/** Accepts TCP connections and never says a word, so a TLS handshake waits until the client gives up. */
async function silentServer(): Promise<number> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('not listening');
  return address.port;
}

function expectOneWarning(r: Rig, status: number, code: string): void {
  const requests = r.captured.lines.filter(
    (l) => l.msg === 'request' && String(l.path).endsWith('/refresh-cluster'),
  );
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({ level: 'warn', status, error_code: code });
  expect(r.captured.lines.filter((l) => l.level === 'error')).toEqual([]);
  expect(JSON.stringify(r.captured.lines)).not.toMatch(/\n\s+at /);
}

describe('refresh-cluster on a node that does not answer', () => {
  it('answers 502 upstream_error naming host:port and the connect step when the port is closed', async () => {
    const r = await rig();
    const port = await closedPort();
    const body = await expectError(
      await addAndRefresh(r, `https://127.0.0.1:${port}`),
      502,
      'upstream_error',
    );
    expect(body.error).toContain(`127.0.0.1:${port}`);
    expect(body.error).toContain('while connecting');
    expect(body.error).toMatch(/refused/i);
    expect(body.details).toMatchObject({ host: `127.0.0.1:${port}`, step: 'connecting', kind: 'tcp' });
    expect(body.error).not.toContain('not-a-real-one-1234');
    expectOneWarning(r, 502, 'upstream_error');
  });

  it('answers 504 upstream_timeout when the host takes the connection but never answers', async () => {
    const r = await rig();
    const port = await silentServer();
    const body = await expectError(
      await addAndRefresh(r, `https://127.0.0.1:${port}`),
      504,
      'upstream_timeout',
    );
    expect(body.error).toContain(`127.0.0.1:${port}`);
    expect(body.error).toMatch(/timed out/i);
    // The TLS handshake is part of connecting, so that is the step named.
    expect(body.details).toMatchObject({ host: `127.0.0.1:${port}`, step: 'connecting', kind: 'timeout' });
    expectOneWarning(r, 504, 'upstream_timeout');
  });
});
