// POST /api/security/tokens: a token mints only scopes it holds, and scope names are checked against the known list.
import { CreateTokenResponse, HEADERS, type Scope } from '@pulse/shared';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLog } from '../../../testing/capture-log.ts';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { openDb } from '../../db/client.ts';
import { apiTokens } from '../../db/schema/index.ts';
import { TokenStore } from '../../security/tokens.ts';

const PATH = '/api/security/tokens';

/** Names that exist on every object through Object.prototype, so a plain lookup table "knows" them. */
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
];

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

function mint(minter: string, body: Record<string, unknown>): Promise<Response> {
  return Promise.resolve(
    h.app.request(PATH, {
      method: 'POST',
      headers: { [HEADERS.apiToken]: minter, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

async function tokenNames(): Promise<string[]> {
  return h.deps.tokens.list().map((t) => t.name);
}

describe('minting scopes the minter does not hold', () => {
  it("refuses '*' to a settings:write token, whether asked for or implied by omitting scopes", async () => {
    const writer = await h.token(['settings:write'], 'writer');
    const asked = await expectError(
      await mint(writer, { name: 'root', scopes: ['*'] }),
      403,
      'insufficient_scope',
    );
    expect(asked.error).toContain("'*'");
    expect(asked.error).toContain('writer');
    expect(asked.details?.missingScopes).toBe('*');

    const implied = await expectError(await mint(writer, { name: 'root' }), 403, 'insufficient_scope');
    expect(implied.error).toMatch(/Omitting 'scopes' asks for full access/);
    expect(await tokenNames()).toEqual(['writer']);
  });

  it('names every scope the minter lacks and creates nothing', async () => {
    const writer = await h.token(['settings:write', 'monitoring:read'], 'writer');
    const res = await mint(writer, {
      name: 'wide',
      scopes: ['monitoring:read', 'agent:exec', 'docker:manage', 'agent:exec'],
    });
    const body = await expectError(res, 403, 'insufficient_scope');
    expect(body.details?.missingScopes).toBe('agent:exec,docker:manage');
    expect(body.error).toContain("'agent:exec', 'docker:manage'");
    expect(body.error).not.toContain("'monitoring:read'");
    expect(await tokenNames()).toEqual(['writer']);
  });

  it('lets a token hand on a subset of its own scopes, legacy aliases included', async () => {
    const writer = await h.token(['settings:write', 'agent:report', 'monitoring:read'], 'writer');
    for (const scopes of [['monitoring:read'], ['settings:write', 'agent:report'], ['host-agent:report']]) {
      const res = await mint(writer, { name: scopes.join('+'), scopes });
      expect(res.status, scopes.join(',')).toBe(201);
      const { record } = CreateTokenResponse.parse(await res.json());
      expect(
        record.scopes.every((s) => ['settings:write', 'agent:report', 'monitoring:read'].includes(s)),
      ).toBe(true);
    }
  });

  it("lets a '*' token mint anything, '*' included", async () => {
    const admin = await h.token(['*'], 'admin');
    const res = await mint(admin, { name: 'second-admin' });
    expect(res.status).toBe(201);
    expect(CreateTokenResponse.parse(await res.json()).record.scopes).toEqual(['*']);
  });

  it('checks the body before the grant, so a malformed request is a 400 whoever sends it', async () => {
    const writer = await h.token(['settings:write'], 'writer');
    await expectError(await mint(writer, { name: '', scopes: ['*'] }), 400, 'validation_failed');
  });
});

describe('scope names', () => {
  it.each(PROTOTYPE_NAMES)('refuses %s with 400 naming it', async (name) => {
    const admin = await h.token(['*'], 'admin');
    const body = await expectError(
      await mint(admin, { name: 'odd', scopes: ['monitoring:read', name] }),
      400,
      'validation_failed',
    );
    expect(body.details?.['scopes.1']).toBe(`unknown scope '${name}'`);
    expect(await tokenNames()).toEqual(['admin']);
  });

  it('loads stored Object.prototype names as unknown scopes that grant nothing', async () => {
    const { token } = await h.deps.tokens.create({ name: 'stored', scopes: ['monitoring:read'] });
    const second = await openDb(h.dataDir);
    try {
      // The row is rewritten the way an older version or a hand edit could have left it.
      await second.db
        .update(apiTokens)
        .set({ scopes: ['constructor', '__proto__', 'toString'] })
        .where(eq(apiTokens.name, 'stored'));
      const { log, lines } = captureLog();
      const reloaded = await TokenStore.load(second.db, second.sql, [], new FakeClock(), log);
      const verified = reloaded.verify(token);
      if (!verified.ok) throw new Error('the stored token no longer verifies');
      expect(verified.token.scopes).toEqual<Scope[]>([]);
      const warning = lines.find((l) => l.msg.includes('scopes this version does not know'));
      expect(warning?.unknown).toEqual(['constructor', '__proto__', 'toString']);
    } finally {
      second.close();
    }
  });
});
