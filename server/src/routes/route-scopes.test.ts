// The route × scope matrix: every route of the table, walked with no token, a wrong token, the wrong scopes and the right ones.
import {
  CreateTokenResponse,
  ErrorEnvelope,
  HEADERS,
  SCOPE_ALIASES,
  SCOPES,
  type Scope,
} from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../testing/harness.ts';
import { apiRoutes } from './index.ts';
import type { Method } from './route.ts';

interface RouteUnderTest {
  method: Method;
  path: string;
  /** The path with every `:param` segment replaced by a dummy value. */
  url: string;
  scope: Scope | 'public';
}
type ProtectedRoute = RouteUnderTest & { scope: Scope };

function concrete(path: string): string {
  return path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? 'dummy-param' : seg))
    .join('/');
}

/** Read from a real app's deps, so a route added to the table is walked without editing this file. */
async function routeTable(): Promise<RouteUnderTest[]> {
  const h = await makeHarness();
  try {
    return apiRoutes(h.deps).map((spec) => ({
      method: spec.method,
      path: spec.path,
      url: concrete(spec.path),
      scope: spec.scope,
    }));
  } finally {
    h.close();
  }
}

const ROUTES = await routeTable();
const PROTECTED = ROUTES.filter((r): r is ProtectedRoute => r.scope !== 'public');
const PUBLIC = ROUTES.filter((r) => r.scope === 'public');

function aliasesOf(scope: Scope): string[] {
  return Object.entries(SCOPE_ALIASES)
    .filter(([, canonical]) => canonical === scope)
    .map(([alias]) => alias);
}

function allScopesExcept(scope: Scope): Scope[] {
  return SCOPES.filter((s) => s !== '*' && s !== scope);
}

function call(h: Harness, r: RouteUnderTest, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(h.app.request(r.url, { method: r.method, headers }));
}

/** Passing authentication must reach the route's own handler, not the router's fallbacks. */
async function expectHandled(res: Response): Promise<void> {
  expect(res.status).not.toBe(401);
  expect(res.status).not.toBe(403);
  expect(res.status).not.toBe(405);
  if (res.status === 404) {
    const body = ErrorEnvelope.parse(await res.json());
    expect(body.error).not.toMatch(/^No route for/);
  }
}

describe('route table', () => {
  it('has public and protected routes, and every protected scope is a known canonical scope', () => {
    expect(PUBLIC.length).toBeGreaterThan(0);
    expect(PROTECTED.length).toBeGreaterThan(0);
    for (const r of PROTECTED) {
      expect(SCOPES).toContain(r.scope);
      expect(r.scope).not.toBe('*');
    }
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe.each(PROTECTED)('$method $path needs $scope', (r) => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
    // Once any token exists, a missing token is 'unauthorized' rather than 'setup_required'.
    await h.token(['*'], 'admin');
  });
  afterEach(() => h.close());

  it('refuses a request without a token: 401 unauthorized in the error envelope', async () => {
    const body = await expectError(await call(h, r), 401, 'unauthorized');
    expect(body.error).toMatch(/X-API-Token/);
  });

  it('refuses a wrong token: 401 invalid_token', async () => {
    await expectError(await call(h, r, { [HEADERS.apiToken]: 'f'.repeat(64) }), 401, 'invalid_token');
    await expectError(await call(h, r, { authorization: 'Bearer not-a-token' }), 401, 'invalid_token');
  });

  it('refuses a token with every other scope: 403 insufficient_scope naming the scope', async () => {
    const raw = await h.token(allScopesExcept(r.scope), 'almost-everything');
    const body = await expectError(await call(h, r, { [HEADERS.apiToken]: raw }), 403, 'insufficient_scope');
    expect(body.error).toContain(`'${r.scope}'`);
    expect(body.error).toContain('almost-everything');
    expect(body.details?.requiredScope).toBe(r.scope);
  });

  it('admits a token holding exactly the needed scope', async () => {
    const raw = await h.token([r.scope], 'exact');
    await expectHandled(await call(h, r, { [HEADERS.apiToken]: raw }));
  });

  it.each(aliasesOf(r.scope))('admits a token minted with the legacy alias %s', async (alias) => {
    const admin = await h.token(['*'], 'minter');
    const res = await h.app.request('/api/security/tokens', {
      method: 'POST',
      headers: { [HEADERS.apiToken]: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'legacy', scopes: [alias] }),
    });
    expect(res.status).toBe(201);
    const created = CreateTokenResponse.parse(await res.json());
    expect(created.record.scopes).toEqual([r.scope]);
    await expectHandled(await call(h, r, { [HEADERS.apiToken]: created.token }));
  });

  it("admits a '*' token", async () => {
    const raw = await h.token(['*'], 'full');
    await expectHandled(await call(h, r, { [HEADERS.apiToken]: raw }));
  });
});

describe.each(PUBLIC)('$method $path is public', (r) => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(() => h.close());

  it('answers without a token, before and after the first token exists', async () => {
    expect((await call(h, r)).status).toBe(200);
    await h.token(['*']);
    expect((await call(h, r)).status).toBe(200);
  });
});

describe('authentication edges', () => {
  let h: Harness;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    h = await makeHarness({ clock });
  });
  afterEach(() => h.close());

  it('answers every protected route with 401 setup_required naming the setup token file while no token exists', async () => {
    for (const r of PROTECTED) {
      const body = await expectError(await call(h, r), 401, 'setup_required');
      // The file by name only: anyone can read this answer, and where the data lives is not theirs to know.
      expect(body.error).toContain('.bootstrap_token');
      expect(body.error).not.toContain(h.dataDir);
    }
  });

  it('accepts Authorization: Bearer exactly like X-API-Token', async () => {
    const reader = await h.token(['monitoring:read'], 'reader');
    const stateRoute = {
      method: 'GET',
      path: '/api/state',
      url: '/api/state',
      scope: 'monitoring:read',
    } as const;
    expect((await call(h, stateRoute, { [HEADERS.apiToken]: reader })).status).toBe(200);
    expect((await call(h, stateRoute, { authorization: `Bearer ${reader}` })).status).toBe(200);
    expect((await call(h, stateRoute, { authorization: `bearer   ${reader}` })).status).toBe(200);

    const tokensRoute = {
      method: 'GET',
      path: '/api/security/tokens',
      url: '/api/security/tokens',
      scope: 'settings:read',
    } as const;
    const denied = await expectError(
      await call(h, tokensRoute, { authorization: `Bearer ${reader}` }),
      403,
      'insufficient_scope',
    );
    expect(denied.error).toContain("'settings:read'");
    await expectError(
      await call(h, stateRoute, { authorization: `Bearer ${'0'.repeat(64)}` }),
      401,
      'invalid_token',
    );
  });

  it('refuses a token in the query string with 400 token_in_query even alongside a valid header', async () => {
    const raw = await h.token(['*']);
    for (const url of [
      `/api/state?token=${raw}`,
      `/api/health?token=${raw}`,
      `/api/state?api_token=${raw}`,
    ]) {
      const res = await h.app.request(url, { headers: { [HEADERS.apiToken]: raw } });
      const text = await res.text();
      const body = await expectError(new Response(text, res), 400, 'token_in_query');
      expect(body.error).toMatch(/X-API-Token/);
      expect(text).not.toContain(raw);
    }
  });

  it('refuses an expired token with 401 and says it expired', async () => {
    const { token } = await h.deps.tokens.create({ name: 'short-lived', scopes: ['*'], expiresInDays: 1 });
    expect((await h.app.request('/api/state', { headers: { [HEADERS.apiToken]: token } })).status).toBe(200);
    clock.advance(2 * 86_400_000);
    const res = await h.app.request('/api/state', { headers: { [HEADERS.apiToken]: token } });
    const body = await expectError(res, 401, 'invalid_token');
    expect(body.error).toMatch(/expired/);
  });
});
