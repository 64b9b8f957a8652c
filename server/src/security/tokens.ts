// API tokens: creation, listing, revocation and verification; owns the api_tokens table.
import { randomUUID } from 'node:crypto';
import type { Logger, Scope, TokenView } from '@pulse/shared';
import { canonicalScope } from '@pulse/shared';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { apiTokens } from '../db/schema/index.ts';
import type { SqlClient } from '../db/statement-client.ts';
import { newRawToken, sha3 } from './hash.ts';

export interface TokenRecord {
  id: string;
  name: string;
  hash: string;
  prefix: string;
  suffix: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  source: 'api' | 'env';
}

/** lastUsedAt is kept in memory on every use and written at most this often per token. */
const LAST_USED_WRITE_MS = 60_000;

function toView(r: TokenRecord): TokenView {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    suffix: r.suffix,
    createdAt: new Date(r.createdAt).toISOString(),
    lastUsedAt: iso(r.lastUsedAt),
    expiresAt: iso(r.expiresAt),
    scopes: [...r.scopes],
    source: r.source,
  };
}

export function tokenHint(r: Pick<TokenRecord, 'prefix' | 'suffix'>): string {
  return `${r.prefix}…${r.suffix}`;
}

export type VerifyResult = { ok: true; token: TokenRecord } | { ok: false; reason: 'unknown' | 'expired' };

export class TokenStore {
  private readonly byHash = new Map<string, TokenRecord>();
  private readonly persistedUse = new Map<string, number>();
  /** Uses due to be written (token id → time), written together by flushUse(). */
  private readonly pendingUse = new Map<string, number>();
  private readonly createdListeners: Array<() => void> = [];

  private readonly db: Db;
  /** Token use is written all day long: through a reused statement (see db/statement-client.ts). */
  private readonly sql: SqlClient;
  private readonly clock: Clock;
  private readonly log: Logger;

  private constructor(db: Db, sql: SqlClient, clock: Clock, log: Logger) {
    this.db = db;
    this.sql = sql;
    this.clock = clock;
    this.log = log;
  }

  static async load(
    db: Db,
    sql: SqlClient,
    envTokens: readonly string[],
    clock: Clock,
    log: Logger,
  ): Promise<TokenStore> {
    const store = new TokenStore(db, sql, clock, log);
    const rows = await db.select().from(apiTokens);
    for (const row of rows) {
      // Only a row stored without any scope means full access; scopes this version does not know grant
      // nothing, so a token minted by a newer version never widens into '*' after a downgrade.
      const scopes = row.scopes.map(canonicalScope).filter((s): s is Scope => s !== undefined);
      if (scopes.length < row.scopes.length) {
        const unknown = row.scopes.filter((s) => canonicalScope(s) === undefined);
        log.warn('api token has scopes this version does not know; they grant nothing', {
          tokenId: row.id,
          unknown,
        });
      }
      store.byHash.set(row.hash, { ...row, scopes: row.scopes.length === 0 ? ['*'] : scopes, source: 'api' });
      if (row.lastUsedAt !== null) store.persistedUse.set(row.id, row.lastUsedAt);
    }
    const started = clock.now();
    envTokens.forEach((raw, i) => {
      const hash = sha3(raw);
      if (store.byHash.has(hash)) return;
      store.byHash.set(hash, {
        id: `env-${hash.slice(0, 12)}`,
        name: `API_TOKENS #${i + 1}`,
        hash,
        prefix: raw.slice(0, 6),
        suffix: raw.slice(-4),
        scopes: ['*'],
        createdAt: started,
        lastUsedAt: null,
        expiresAt: null,
        source: 'env',
      });
    });
    return store;
  }

  count(): number {
    return this.byHash.size;
  }

  list(): TokenView[] {
    return [...this.byHash.values()].sort((a, b) => a.createdAt - b.createdAt).map(toView);
  }

  findById(id: string): TokenRecord | undefined {
    for (const r of this.byHash.values()) if (r.id === id) return r;
    return undefined;
  }

  onCreated(listener: () => void): void {
    this.createdListeners.push(listener);
  }

  async create(input: { name: string; scopes?: Scope[]; expiresInDays?: number }): Promise<{
    token: string;
    record: TokenView;
  }> {
    const raw = newRawToken();
    const now = this.clock.now();
    const record: TokenRecord = {
      id: randomUUID(),
      name: input.name,
      hash: sha3(raw),
      prefix: raw.slice(0, 6),
      suffix: raw.slice(-4),
      scopes: input.scopes && input.scopes.length > 0 ? [...new Set(input.scopes)] : ['*'],
      createdAt: now,
      lastUsedAt: null,
      expiresAt: input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null,
      source: 'api',
    };
    const { source: _source, ...row } = record;
    await this.db.insert(apiTokens).values(row);
    this.byHash.set(record.hash, record);
    this.log.info('api token created', { tokenId: record.id, name: record.name, scopes: record.scopes });
    for (const l of this.createdListeners) l();
    return { token: raw, record: toView(record) };
  }

  /** Removes an API-created token. Returns 'env' for tokens that only the environment can remove. */
  async revoke(id: string): Promise<'revoked' | 'not_found' | 'env'> {
    const record = this.findById(id);
    if (!record) return 'not_found';
    if (record.source === 'env') return 'env';
    await this.db.delete(apiTokens).where(eq(apiTokens.id, id));
    this.byHash.delete(record.hash);
    this.persistedUse.delete(id);
    this.log.info('api token revoked', { tokenId: id, name: record.name });
    return 'revoked';
  }

  /**
   * Writes the uses recorded since the last call in one transaction. A fleet with one token per agent
   * uses a thousand tokens a minute; one commit each cost a WAL page apiece (about 5 MB a minute at
   * 1,000 agents, twice over with the checkpoint), one commit for all of them costs a few pages.
   * Called on the server's 5 s tick and at shutdown; a crash forgets at most those seconds of use.
   */
  async flushUse(): Promise<void> {
    if (this.pendingUse.size === 0) return;
    const due = [...this.pendingUse];
    this.pendingUse.clear();
    try {
      await this.sql.batch(
        due.map(([id, at]) => ({
          sql: 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?',
          args: [at, id],
        })),
        'write',
      );
    } catch (err) {
      // Kept for the next tick, unless a newer use replaced it meanwhile.
      for (const [id, at] of due) if (!this.pendingUse.has(id)) this.pendingUse.set(id, at);
      this.log.warn('could not record token use', { tokens: due.length, err: String(err) });
    }
  }

  /** Looks a raw token up by its hash; a hit also records its use (written by flushUse()). */
  verify(raw: string): VerifyResult {
    const record = this.byHash.get(sha3(raw));
    if (!record) return { ok: false, reason: 'unknown' };
    const now = this.clock.now();
    if (record.expiresAt !== null && record.expiresAt <= now) return { ok: false, reason: 'expired' };
    record.lastUsedAt = now;
    if (record.source === 'api' && now - (this.persistedUse.get(record.id) ?? 0) >= LAST_USED_WRITE_MS) {
      this.persistedUse.set(record.id, now);
      this.pendingUse.set(record.id, now);
    }
    return { ok: true, token: record };
  }
}
