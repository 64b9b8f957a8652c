// GET/POST/DELETE /api/security/tokens: the raw token shown once, only its hash stored, and the setup-token flow.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTokenResponse, HEADERS, TokenListResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { drizzleOn } from '../../db/drizzle-proxy.ts';
import { apiTokens } from '../../db/schema/index.ts';
import { StatementClient } from '../../db/statement-client.ts';

const PATH = '/api/security/tokens';

function sha3(raw: string): string {
  return createHash('sha3-256').update(raw, 'utf8').digest('hex');
}

async function tokenRows(dataDir: string) {
  const client = new StatementClient(join(dataDir, 'pulse.db'));
  try {
    return await drizzleOn(client).select().from(apiTokens);
  } finally {
    client.close();
  }
}

function post(h: Harness, body: unknown, headers: Record<string, string>): Promise<Response> {
  return Promise.resolve(
    h.app.request(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

function get(h: Harness, path: string, token: string): Promise<Response> {
  return Promise.resolve(h.app.request(path, { headers: { [HEADERS.apiToken]: token } }));
}

function del(h: Harness, id: string, token: string): Promise<Response> {
  return Promise.resolve(
    h.app.request(`${PATH}/${id}`, { method: 'DELETE', headers: { [HEADERS.apiToken]: token } }),
  );
}

async function listTokens(h: Harness, token: string) {
  const res = await get(h, PATH, token);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, list: TokenListResponse.parse(JSON.parse(text)) };
}

describe('POST /api/security/tokens', () => {
  let h: Harness;
  let admin: string;
  beforeEach(async () => {
    h = await makeHarness();
    admin = await h.token(['*'], 'admin');
  });
  afterEach(() => h.close());

  it('returns 201 with the raw token once and stores only its SHA3-256 hash', async () => {
    const res = await post(
      h,
      { name: 'ansible', scopes: ['monitoring:read'] },
      { [HEADERS.apiToken]: admin },
    );
    expect(res.status).toBe(201);
    const { token, record } = CreateTokenResponse.parse(await res.json());
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(record).toMatchObject({
      name: 'ansible',
      scopes: ['monitoring:read'],
      prefix: token.slice(0, 6),
      suffix: token.slice(-4),
      source: 'api',
      lastUsedAt: null,
      expiresAt: null,
    });

    const row = (await tokenRows(h.dataDir)).find((r) => r.id === record.id);
    expect(row).toMatchObject({
      name: 'ansible',
      hash: sha3(token),
      prefix: token.slice(0, 6),
      suffix: token.slice(-4),
      scopes: ['monitoring:read'],
    });
    expect(JSON.stringify(await tokenRows(h.dataDir))).not.toContain(token);
    for (const file of ['pulse.db', 'pulse.db-wal']) {
      const path = join(h.dataDir, file);
      if (existsSync(path)) expect(readFileSync(path).includes(token)).toBe(false);
    }

    expect((await get(h, '/api/state', token)).status).toBe(200);
  });

  it('lists tokens without the raw token or its hash anywhere in the body', async () => {
    const { token, record } = CreateTokenResponse.parse(
      await (await post(h, { name: 'listed' }, { [HEADERS.apiToken]: admin })).json(),
    );
    const { text, list } = await listTokens(h, admin);
    expect(list.tokens.map((t) => t.name)).toEqual(['admin', 'listed']);
    expect(list.tokens.find((t) => t.id === record.id)).toEqual(record);
    for (const secret of [token, admin, sha3(token), sha3(admin)]) expect(text).not.toContain(secret);
  });

  it("grants ['*'] when scopes are omitted", async () => {
    const res = await post(h, { name: 'full' }, { [HEADERS.apiToken]: admin });
    expect(res.status).toBe(201);
    const { record } = CreateTokenResponse.parse(await res.json());
    expect(record.scopes).toEqual(['*']);
    expect((await tokenRows(h.dataDir)).find((r) => r.id === record.id)?.scopes).toEqual(['*']);
  });

  it("stores the legacy alias 'host-agent:report' as the canonical 'agent:report'", async () => {
    const res = await post(
      h,
      { name: 'old-agent', scopes: ['host-agent:report'] },
      { [HEADERS.apiToken]: admin },
    );
    expect(res.status).toBe(201);
    const { record } = CreateTokenResponse.parse(await res.json());
    expect(record.scopes).toEqual(['agent:report']);
    expect((await tokenRows(h.dataDir)).find((r) => r.id === record.id)?.scopes).toEqual(['agent:report']);
  });

  it('sets expiresAt from expiresInDays', async () => {
    const res = await post(h, { name: 'temp', expiresInDays: 30 }, { [HEADERS.apiToken]: admin });
    expect(res.status).toBe(201);
    const { record } = CreateTokenResponse.parse(await res.json());
    expect(record.expiresAt).toBe(new Date(Date.parse(record.createdAt) + 30 * 86_400_000).toISOString());
  });

  it('refuses an unknown scope with 400 naming scopes.0 and the bad value', async () => {
    const res = await post(h, { name: 'x', scopes: ['root:everything'] }, { [HEADERS.apiToken]: admin });
    const body = await expectError(res, 400, 'validation_failed');
    expect(body.error).toContain('scopes.0');
    expect(body.error).toContain('root:everything');
    expect(body.details?.['scopes.0']).toContain('root:everything');
    expect(await tokenRows(h.dataDir)).toHaveLength(1);
  });

  it('refuses an empty or blank name with 400 naming name', async () => {
    for (const name of ['', '   ']) {
      const body = await expectError(
        await post(h, { name }, { [HEADERS.apiToken]: admin }),
        400,
        'validation_failed',
      );
      expect(body.error).toContain('name');
      expect(body.details).toHaveProperty('name');
    }
    expect(await tokenRows(h.dataDir)).toHaveLength(1);
  });

  it('refuses an unknown field with 400 naming it', async () => {
    const res = await post(h, { name: 'x', isAdmin: true }, { [HEADERS.apiToken]: admin });
    const body = await expectError(res, 400, 'validation_failed');
    expect(body.error).toContain('isAdmin');
  });

  it('refuses invalid JSON with 400 invalid_json', async () => {
    const body = await expectError(
      await post(h, '{"name":', { [HEADERS.apiToken]: admin }),
      400,
      'invalid_json',
    );
    expect(body.error).toMatch(/not valid JSON/);
  });
});

describe('DELETE /api/security/tokens/:id', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(() => h.close());

  it('answers 204, the token stops authenticating, its row is gone and a second DELETE is 404', async () => {
    const admin = await h.token(['*'], 'admin');
    const { token, record } = await h.deps.tokens.create({ name: 'doomed', scopes: ['monitoring:read'] });
    expect((await get(h, '/api/state', token)).status).toBe(200);

    const res = await del(h, record.id, admin);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await tokenRows(h.dataDir)).map((r) => r.id)).not.toContain(record.id);

    await expectError(await get(h, '/api/state', token), 401, 'invalid_token');
    const again = await expectError(await del(h, record.id, admin), 404, 'not_found');
    expect(again.error).toContain(record.id);
  });
});

describe('environment tokens', () => {
  const envToken = 'abc'.repeat(16);
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness({ envTokens: [envToken] });
  });
  afterEach(() => h.close());

  it("are listed with source 'env', authenticate, cannot be deleted (409) and are never written to the database", async () => {
    const { text, list } = await listTokens(h, envToken);
    expect(text).not.toContain(envToken);
    const [record] = list.tokens;
    expect(list.tokens).toHaveLength(1);
    expect(record).toMatchObject({
      source: 'env',
      scopes: ['*'],
      prefix: envToken.slice(0, 6),
      suffix: envToken.slice(-4),
    });
    if (!record) throw new Error('env token missing from the list');

    expect((await get(h, '/api/state', envToken)).status).toBe(200);
    const body = await expectError(await del(h, record.id, envToken), 409, 'conflict');
    expect(body.error).toMatch(/API_TOKENS/);
    expect((await get(h, '/api/state', envToken)).status).toBe(200);
    expect(await tokenRows(h.dataDir)).toEqual([]);
    expect(existsSync(join(h.dataDir, '.bootstrap_token'))).toBe(false);
  });
});

describe('lastUsedAt', () => {
  let h: Harness;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    h = await makeHarness({ clock });
  });
  afterEach(() => h.close());

  it('is null until the token is used, then the time of use in the list and in the row', async () => {
    const { token, record } = await h.deps.tokens.create({ name: 'user', scopes: ['monitoring:read'] });
    const admin = await h.token(['*'], 'admin');
    const before = (await listTokens(h, admin)).list.tokens.find((t) => t.id === record.id);
    expect(before?.lastUsedAt).toBe(null);

    clock.advance(5 * 60_000);
    const usedAt = clock.now();
    expect((await get(h, '/api/state', token)).status).toBe(200);
    clock.advance(1000);

    const listed = (await listTokens(h, admin)).list.tokens.find((t) => t.id === record.id);
    expect(listed?.lastUsedAt).toBe(new Date(usedAt).toISOString());
    // Uses are written together on the server's tick, not one commit per request.
    expect((await tokenRows(h.dataDir)).find((r) => r.id === record.id)?.lastUsedAt).toBeNull();
    await h.deps.tokens.flushUse();
    const row = (await tokenRows(h.dataDir)).find((r) => r.id === record.id);
    expect(row?.lastUsedAt).toBe(usedAt);
  });

  it('writes the uses of many tokens in one transaction, each once a minute at most', async () => {
    const made = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.deps.tokens.create({ name: `agent-${i}`, scopes: ['monitoring:read'] }),
      ),
    );
    const changesBefore = Number(
      (await h.sql.execute('SELECT total_changes() AS n')).rows[0]?.n ?? Number.NaN,
    );
    for (const { token } of made) expect((await get(h, '/api/state', token)).status).toBe(200);
    clock.advance(10_000);
    for (const { token } of made) expect((await get(h, '/api/state', token)).status).toBe(200);
    await h.deps.tokens.flushUse();
    const changesAfter = Number((await h.sql.execute('SELECT total_changes() AS n')).rows[0]?.n);
    // 100 requests, 50 rows written once each: the second use within the minute writes nothing.
    expect(changesAfter - changesBefore).toBe(50);
    const rows = await tokenRows(h.dataDir);
    for (const { record } of made)
      expect(rows.find((r) => r.id === record.id)?.lastUsedAt).toBe(clock.now() - 10_000);
  });
});

describe('setup token', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(() => h.close());

  function setupToken(): string {
    return readFileSync(join(h.dataDir, '.bootstrap_token'), 'utf8').trim();
  }

  it('is written as 48 hex characters, readable by the owner only', () => {
    const path = join(h.dataDir, '.bootstrap_token');
    expect(setupToken()).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('creates the first token once, then the file is gone and the same setup token is refused', async () => {
    const setup = setupToken();
    const res = await post(h, { name: 'first' }, { [HEADERS.setupToken]: setup });
    expect(res.status).toBe(201);
    const { token, record } = CreateTokenResponse.parse(await res.json());
    expect(record.scopes).toEqual(['*']);
    expect(existsSync(join(h.dataDir, '.bootstrap_token'))).toBe(false);
    expect((await tokenRows(h.dataDir)).map((r) => r.hash)).toEqual([sha3(token)]);

    await expectError(
      await post(h, { name: 'second' }, { [HEADERS.setupToken]: setup }),
      401,
      'unauthorized',
    );
    expect(await tokenRows(h.dataDir)).toHaveLength(1);
    expect((await get(h, PATH, token)).status).toBe(200);
  });

  it('refuses a wrong setup token with 401 invalid_token and creates nothing', async () => {
    const res = await post(h, { name: 'first' }, { [HEADERS.setupToken]: 'a'.repeat(48) });
    const body = await expectError(res, 401, 'invalid_token');
    expect(body.error).toContain('X-Setup-Token');
    expect(await tokenRows(h.dataDir)).toEqual([]);
    expect(setupToken()).toMatch(/^[0-9a-f]{48}$/);
  });

  it('mints exactly one first token when several requests race with the same setup token', async () => {
    const setup = setupToken();
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((name) => post(h, { name }, { [HEADERS.setupToken]: setup })),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    for (const res of answers.filter((r) => r.status === 409)) {
      const body = await expectError(res, 409, 'conflict');
      expect(body.error).toMatch(/setup token/);
    }
    expect(await tokenRows(h.dataDir)).toHaveLength(1);
  });

  it('stays usable after a first attempt that fails validation', async () => {
    const setup = setupToken();
    await expectError(await post(h, { name: '' }, { [HEADERS.setupToken]: setup }), 400, 'validation_failed');
    expect(setupToken()).toBe(setup);
    expect((await post(h, { name: 'first' }, { [HEADERS.setupToken]: setup })).status).toBe(201);
    expect(await tokenRows(h.dataDir)).toHaveLength(1);
  });

  it('is not accepted on routes other than token creation', async () => {
    const res = await h.app.request(PATH, { headers: { [HEADERS.setupToken]: setupToken() } });
    await expectError(res, 401, 'setup_required');
  });
});

describe('persistence', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-tokens-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a token still authenticates, with its scopes, after a restart on the same data dir', async () => {
    const first = await makeHarness({ dataDir });
    const { token, record } = await first.deps.tokens.create({ name: 'kept', scopes: ['monitoring:read'] });
    first.close();

    const second = await makeHarness({ dataDir });
    try {
      expect((await get(second, '/api/state', token)).status).toBe(200);
      await expectError(await get(second, PATH, token), 403, 'insufficient_scope');
      expect(second.deps.tokens.list()).toEqual([{ ...record, lastUsedAt: expect.any(String) }]);
      expect(existsSync(join(dataDir, '.bootstrap_token'))).toBe(false);
    } finally {
      second.close();
    }
  });

  async function insertRow(raw: string, scopes: string[]): Promise<void> {
    const client = new StatementClient(join(dataDir, 'pulse.db'));
    try {
      await drizzleOn(client)
        .insert(apiTokens)
        .values({
          id: `row-${raw.slice(0, 8)}`,
          name: `stored ${scopes.join(',') || 'no scopes'}`,
          hash: sha3(raw),
          prefix: raw.slice(0, 6),
          suffix: raw.slice(-4),
          scopes,
          createdAt: Date.parse('2025-01-01T00:00:00Z'),
        });
    } finally {
      client.close();
    }
  }

  it('loads stored scopes canonically: a legacy alias works, unknown scopes grant nothing, no scopes means full access', async () => {
    (await makeHarness({ dataDir })).close();
    const legacy = '1'.repeat(64);
    const unknownOnly = '2'.repeat(64);
    const unscoped = '3'.repeat(64);
    await insertRow(legacy, ['host-agent:report']);
    await insertRow(unknownOnly, ['future:scope']);
    await insertRow(unscoped, []);

    const h = await makeHarness({ dataDir });
    try {
      const report = (raw: string) =>
        Promise.resolve(
          h.app.request('/api/agents/host/lookup?id=nope', { headers: { [HEADERS.apiToken]: raw } }),
        );
      await expectError(await report(legacy), 404, 'agent_not_found');
      await expectError(await get(h, '/api/state', legacy), 403, 'insufficient_scope');

      // A scope this version does not know must never widen into full access.
      await expectError(await report(unknownOnly), 403, 'insufficient_scope');
      await expectError(await get(h, '/api/state', unknownOnly), 403, 'insufficient_scope');
      await expectError(await get(h, PATH, unknownOnly), 403, 'insufficient_scope');

      expect((await get(h, PATH, unscoped)).status).toBe(200);
    } finally {
      h.close();
    }
  });
});
