// The store is one connection, and admin writes through the real routes run on prepared statements that
// are reused: their number is set by the routes, not by how often they are called.
import { existsSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, PATHS } from '@pulse/shared';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerReportFor } from '../../testing/container-reports.ts';
import { FakeClock } from '../../testing/harness.ts';
import { postReport, reportFor } from '../../testing/reports.ts';
import { createApp } from '../app.ts';
import { composeDeps } from '../compose.ts';
import type { AppEnv } from '../http/context.ts';
import { detectVersion } from '../version.ts';
import { type OpenDb, openDb } from './client.ts';
import { resourceMetadata } from './schema/index.ts';

const TOKEN = 'ab'.repeat(24);

let dataDir: string;
let opened: OpenDb;
let app: Hono<AppEnv>;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pulse-one-conn-'));
  opened = await openDb(dataDir);
  const clock = new FakeClock();
  const deps = await composeDeps({
    db: opened.db,
    sql: opened.sql,
    dataDir,
    envTokens: [TOKEN],
    log: createLogger('silent'),
    clock,
    version: detectVersion({}),
  });
  app = createApp(deps);
  const at = new Date(clock.now()).toISOString();
  expect((await postReport(app, TOKEN, reportFor({ hostname: 'nas', timestamp: at }))).status).toBe(200);
  const docker = dockerReportFor({ hostname: 'dock', timestamp: at });
  expect((await postReport(app, TOKEN, docker, { path: PATHS.dockerReport })).status).toBe(200);
});
afterEach(() => {
  opened.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await app.request(path, {
    method,
    headers: { 'X-API-Token': TOKEN, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300 && res.status !== 404) throw new Error(`${method} ${path}: ${await res.text()}`);
  return res;
}

/** One of each admin write the routes offer on metadata, tokens, agent settings, host links, nodes. */
async function adminRound(i: number, ids: { host: string; docker: string; node: string }): Promise<void> {
  await call('PUT', `/api/hosts/metadata/h-${i % 7}`, { description: `round ${i}`, tags: [`t${i}`] });
  await call('PUT', `/api/docker/metadata/c-${i % 5}`, { customUrl: `https://c.lan/${i}` });
  await call('DELETE', `/api/hosts/metadata/h-${(i + 3) % 7}`);
  const created = (await (await call('POST', '/api/security/tokens', { name: `t${i}` })).json()) as {
    record: { id: string };
  };
  await call('DELETE', `/api/security/tokens/${created.record.id}`);
  await call('PUT', `/api/agents/docker/hosts/${ids.docker}/display-name`, { displayName: `dock ${i}` });
  await call('PUT', `/api/agents/docker/hosts/${ids.docker}/pending-uninstall`, {
    pendingUninstall: i % 2 === 0,
  });
  await call('POST', '/api/agents/host/unlink', { hostId: ids.host });
  await call('PUT', `/api/config/nodes/${ids.node}`, { monitorVMs: i % 2 === 0, guestURL: `https://g/${i}` });
}

describe('the store connection', () => {
  it.skipIf(!existsSync('/proc/self/fd'))('opens the database file once', () => {
    const file = realpathSync(join(dataDir, 'pulse.db'));
    const handles = readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false; // closed between listing and reading
      }
    });
    expect(handles).toHaveLength(1);
  });

  it('runs admin writes on reused statements, as many as the routes, not the calls', async () => {
    const state = (await (await call('GET', '/api/state')).json()) as {
      hosts: { id: string }[];
      dockerHosts: { id: string }[];
    };
    const node = (await (
      await call('POST', '/api/config/nodes', {
        type: 'pve',
        name: 'lab',
        host: 'https://127.0.0.1:1',
        user: 'root@pam',
        password: 'unused',
        disabled: true,
      })
    ).json()) as { id: string };
    const ids = { host: state.hosts[0]?.id ?? '', docker: state.dockerHosts[0]?.id ?? '', node: node.id };
    const before = opened.sql.statements;
    // Enough rounds that every route has written once (a DELETE only writes what an earlier PUT made).
    for (let i = 0; i < 10; i++) await adminRound(i, ids);
    const warmed = opened.sql.statements;
    // The writes went through this connection's statement cache ...
    expect(warmed).toBeGreaterThan(before);
    for (let i = 10; i < 300; i++) await adminRound(i, ids);
    // ... and 290 more rounds of them prepared nothing new.
    expect(opened.sql.statements).toBe(warmed);
    const stored = await opened.db.select().from(resourceMetadata);
    expect(stored.find((r) => r.kind === 'host' && r.id === 'h-5')?.description).toBe('round 299');
  });
});
