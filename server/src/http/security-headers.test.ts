// Every answer carries the browser safety headers: successes, the router's 404/405, auth failures and 500s.
import { HEADERS } from '@pulse/shared';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../../testing/expect-error.ts';
import { type Harness, makeHarness } from '../../testing/harness.ts';
import type { AppEnv } from './context.ts';
import { errorHandler } from './error-handler.ts';
import { requestId } from './request-id.ts';
import { API_CSP, securityHeaders } from './security-headers.ts';

function expectSafetyHeaders(res: Response, where: string): void {
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), where).toBe('DENY');
  expect(res.headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(res.headers.get('content-security-policy'), where).toBe(API_CSP);
  expect(res.headers.get('cache-control'), where).toBe('no-store');
}

describe('the app', () => {
  let h: Harness;
  let admin: string;
  beforeAll(async () => {
    h = await makeHarness();
    admin = await h.token(['*'], 'admin');
  });
  afterAll(() => h.close());

  it('sets them on a success, on the answer that carries a new token, and on every kind of error', async () => {
    const health = await h.app.request('/api/health');
    expect(health.status).toBe(200);
    expectSafetyHeaders(health, 'health');

    const created = await h.app.request('/api/security/tokens', {
      method: 'POST',
      headers: { [HEADERS.apiToken]: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fresh', scopes: ['monitoring:read'] }),
    });
    expect(created.status).toBe(201);
    expectSafetyHeaders(created, 'token creation');

    const cases: Array<[string, Promise<Response> | Response, number, string]> = [
      ['no token', h.app.request('/api/state'), 401, 'unauthorized'],
      [
        'bad token',
        h.app.request('/api/state', { headers: { [HEADERS.apiToken]: 'x'.repeat(64) } }),
        401,
        'invalid_token',
      ],
      ['no route', h.app.request('/api/nothing-here'), 404, 'not_found'],
      ['outside /api', h.app.request('/index.html'), 404, 'not_found'],
      ['wrong method', h.app.request('/api/health', { method: 'DELETE' }), 405, 'method_not_allowed'],
      [
        'bad body',
        h.app.request('/api/security/tokens', {
          method: 'POST',
          headers: { [HEADERS.apiToken]: admin, 'content-type': 'application/json' },
          body: '{',
        }),
        400,
        'invalid_json',
      ],
    ];
    for (const [label, pending, status, code] of cases) {
      const res = await pending;
      expectSafetyHeaders(res, label);
      await expectError(res, status, code);
    }
  });
});

describe('securityHeaders()', () => {
  function app(): Hono<AppEnv> {
    const a = new Hono<AppEnv>();
    a.use('*', securityHeaders());
    a.use('*', requestId());
    a.get('/boom', () => {
      throw new Error('a bug');
    });
    a.get('/raw', () => new Response('plain', { headers: { 'content-type': 'text/plain' } }));
    a.get('/cached', (c) => {
      c.header('Cache-Control', 'public, max-age=60');
      return c.text('public data');
    });
    a.onError(errorHandler({ debug() {}, info() {}, warn() {}, error() {} }, () => 0));
    return a;
  }

  it('sets them on a 500 from the error handler', async () => {
    const res = await app().request('/boom');
    expectSafetyHeaders(res, '500');
    await expectError(res, 500, 'internal_error');
  });

  it('sets them on a Response a handler built itself', async () => {
    const res = await app().request('/raw');
    expect(await res.text()).toBe('plain');
    expectSafetyHeaders(res, 'raw Response');
  });

  it("keeps a handler's own Cache-Control", async () => {
    const res = await app().request('/cached');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
