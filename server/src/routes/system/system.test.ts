// Public system routes (/api/health, /api/version) and the envelope every answer shares: 404, 405, request ids.
import { readFileSync } from 'node:fs';
import { HEADERS, HealthResponse, VersionResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function rootPackageVersion(): string {
  const pkg = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')));
  return pkg.version;
}

let h: Harness;
let clock: FakeClock;
beforeEach(async () => {
  clock = new FakeClock();
  h = await makeHarness({ clock });
});
afterEach(() => h.close());

describe('GET /api/health', () => {
  it('reports healthy with the clock time and an uptime that moves with it', async () => {
    const first = await h.app.request('/api/health');
    expect(first.status).toBe(200);
    expect(HealthResponse.parse(await first.json())).toEqual({
      status: 'healthy',
      timestamp: Math.floor(clock.now() / 1000),
      uptime: 0,
    });

    clock.advance(90_500);
    const later = HealthResponse.parse(await (await h.app.request('/api/health')).json());
    expect(later.uptime).toBe(90.5);
    expect(later.timestamp).toBe(Math.floor(clock.now() / 1000));
  });
});

describe('GET /api/version', () => {
  it("reports this build: the root package version and the running Node's version", async () => {
    const res = await h.app.request('/api/version');
    expect(res.status).toBe(200);
    const body = VersionResponse.parse(await res.json());
    expect(body.version).toBe(rootPackageVersion());
    expect(body.nodeVersion).toBe(process.versions.node);
    expect(body.runtime).toBe('node');
    expect(body.build).toBe('development');
    expect(body.isDevelopment).toBe(true);
  });
});

describe('routing errors', () => {
  it('answers an unknown API path with the 404 not_found envelope', async () => {
    const res = await h.app.request('/api/nope');
    const body = await expectError(res, 404, 'not_found');
    expect(body.error).toContain('/api/nope');
  });

  it('answers a known path with the wrong method with 405 and Allow: GET', async () => {
    const res = await h.app.request('/api/health', { method: 'PUT' });
    expect(res.headers.get('Allow')).toBe('GET');
    const body = await expectError(res, 405, 'method_not_allowed');
    expect(body.error).toContain('PUT');
  });
});

describe('X-Request-ID', () => {
  it('is set on every answer: success, 404, 405, 401', async () => {
    await h.token(['*']);
    const answers = await Promise.all([
      h.app.request('/api/health'),
      h.app.request('/api/nope'),
      h.app.request('/api/version', { method: 'DELETE' }),
      h.app.request('/api/state'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 404, 405, 401]);
    const ids = answers.map((r) => r.headers.get(HEADERS.requestId));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes a sane incoming id in the header and in the error envelope', async () => {
    const incoming = 'req-42_abc.DEF';
    const ok = await h.app.request('/api/health', { headers: { [HEADERS.requestId]: incoming } });
    expect(ok.headers.get(HEADERS.requestId)).toBe(incoming);

    const res = await h.app.request('/api/nope', { headers: { [HEADERS.requestId]: incoming } });
    expect(res.headers.get(HEADERS.requestId)).toBe(incoming);
    const body = await expectError(res, 404, 'not_found');
    expect(body.request_id).toBe(incoming);
  });

  it.each([
    ['200 characters', 'a'.repeat(200)],
    ['spaces', 'my request id'],
    ['markup', '<script>alert(1)</script>'],
    ['a quote', 'abc"def'],
  ])('replaces an id with %s by a fresh one', async (_what, incoming) => {
    const res = await h.app.request('/api/nope', { headers: { [HEADERS.requestId]: incoming } });
    const id = res.headers.get(HEADERS.requestId);
    expect(id).toMatch(UUID);
    const body = await expectError(res, 404, 'not_found');
    expect(body.request_id).toBe(id);
  });
});
