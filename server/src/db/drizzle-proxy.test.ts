// Drizzle over the statement client: column types map both ways, `get` finds nothing as undefined, and a
// batch is one transaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OpenDb, openDb } from './client.ts';
import { agentSettings, apiTokens } from './schema/index.ts';

let dataDir: string;
let store: OpenDb;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pulse-proxy-'));
  store = await openDb(dataDir);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const token = (id: string, hash: string) => ({
  id,
  name: id,
  hash,
  prefix: 'abcdef',
  suffix: '1234',
  scopes: ['monitoring:read'],
  createdAt: 1,
});

describe('drizzle over the statement client', () => {
  it('writes and reads booleans, JSON and nulls as their column types say', async () => {
    const { db } = store;
    await db.insert(agentSettings).values({ kind: 'docker', id: 'd1', hidden: true, updatedAt: 5 });
    await db.insert(apiTokens).values(token('t1', 'h1'));
    expect(await db.select().from(agentSettings)).toEqual([
      {
        kind: 'docker',
        id: 'd1',
        hidden: true,
        pendingUninstall: false,
        displayName: null,
        tokenId: null,
        updatedAt: 5,
      },
    ]);
    const [stored] = await db.select().from(apiTokens);
    expect(stored?.scopes).toEqual(['monitoring:read']);
    expect(stored?.lastUsedAt).toBeNull();
  });

  it('answers get() with undefined when no row matches', async () => {
    const where = and(eq(agentSettings.kind, 'docker'), eq(agentSettings.id, 'none'));
    expect(await store.db.select().from(agentSettings).where(where).get()).toBeUndefined();
  });

  it('rolls a batch back whole when one of its statements fails', async () => {
    const { db } = store;
    await expect(
      db.batch([
        db.insert(apiTokens).values(token('a', 'same')),
        db.insert(apiTokens).values(token('b', 'same')),
      ]),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.select().from(apiTokens)).toEqual([]);
    expect(store.sql.inTransaction).toBe(false);
  });
});
