// The real server process: private data directory modes fixed up on start, the browser safety headers
// on a real port, and the per-address connection cap set through the environment.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RawClient, rawClient } from '../server/testing/serve-app.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const CAP = 3;
const root = mkdtempSync(join(tmpdir(), 'pulse-hardening-'));
const dataDir = join(root, 'data');
let server: ServerProcess;

beforeAll(async () => {
  // A data directory as an older version (or a copy with a default umask) left it.
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  writeFileSync(join(dataDir, '.bootstrap_token'), `${'cd'.repeat(24)}\n`);
  chmodSync(join(dataDir, '.bootstrap_token'), 0o644);
  server = await startServer({ dataDir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('server hardening on a real process', () => {
  it('keeps the data directory 0700 and every file in it 0600, logging what it tightened', async () => {
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['pulse.db', 'pulse.db-wal', '.bootstrap_token']));
    for (const file of files) {
      expect(`${file} ${(statSync(join(dataDir, file)).mode & 0o777).toString(8)}`).toBe(`${file} 600`);
    }
    expect(server.logs.some((l) => l.includes('took group and other access away'))).toBe(true);
  });

  it('does not show the data directory path in the 401 before setup', async () => {
    const res = await fetch(`${server.url}/api/state`);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).toContain('.bootstrap_token');
    expect(text).not.toContain(root);
  });

  it('sends the safety headers on real answers', async () => {
    for (const path of ['/api/health', '/api/state', '/nope']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });
});

describe('the per-address connection cap', () => {
  // A server of its own: fetch() in the tests above keeps pooled sockets open that would count.
  let capped: ServerProcess;
  beforeAll(async () => {
    capped = await startServer({ env: { PULSE_MAX_CONNECTIONS_PER_IP: String(CAP) } });
  });
  afterAll(async () => {
    await capped?.stop();
    capped?.cleanup();
  });

  it(`closes the connection past PULSE_MAX_CONNECTIONS_PER_IP=${CAP} and keeps the others`, async () => {
    const port = Number(new URL(capped.url).port);
    const kept: RawClient[] = [];
    for (let i = 0; i < CAP; i++) kept.push(await rawClient(port));
    // Each accepted socket proves itself with an answer, so the server has counted all of them.
    for (const c of kept) c.socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await vi.waitFor(() => expect(kept.every((c) => c.received().includes('200 OK'))).toBe(true), {
      timeout: 15_000,
    });
    const extra = await rawClient(port);
    await vi.waitFor(() => expect(extra.closed()).toBe(true), { timeout: 15_000 });
    expect(extra.received()).toBe('');
    expect(kept.some((c) => c.closed())).toBe(false);
    for (const c of kept) c.socket.destroy();
  });
});
