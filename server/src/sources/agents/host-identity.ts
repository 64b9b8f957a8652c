// Resolves which host a report belongs to: machine identity, clone forking, rename healing, the token
// each host is bound to (and how many one token may enrol), and removal blocks.
import { createHash } from 'node:crypto';
import type { HostReport } from '@pulse/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { hostIdentities } from '../../db/schema/index.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import { type AgentLimits, assertUnderTokenCap } from './agent-limits.ts';
import type { RemovalBlocks } from './removal-blocks.ts';
import { assertMayClaim, type BindingInput, mayClaim, type TokenLookup } from './token-binding.ts';

interface IdentityRow {
  hostId: string;
  hostname: string;
  tokenId: string | null;
  machineId: string | null;
  agentId: string;
  firstSeen: number;
  lastSeen: number;
}

export interface Resolution {
  hostId: string;
  /** Set when the report shares its machine identity with another live host of another hostname. */
  forkedFrom?: string;
}

export interface ResolveInput {
  report: HostReport;
  /** Undefined only for in-process callers, which are trusted and bind nothing new. */
  token: TokenRecord | undefined;
  now: number;
  /** Whether the host with this id reported within its offline window. */
  isOnline: (hostId: string) => boolean;
}

/** Ids are used in URLs and logs: keep them to a safe alphabet. */
export function sanitizeId(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._:-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 128);
}

export function baseHostId(report: HostReport): string {
  const candidates = [report.host.machineId, report.host.id, report.agent.id, report.host.hostname];
  for (const c of candidates) {
    const id = c ? sanitizeId(c) : '';
    if (id) return id;
  }
  const seed = JSON.stringify([report.host.hostname, report.agent.id]);
  return `agent-${createHash('sha1').update(seed).digest('hex').slice(0, 12)}`;
}

function forkId(base: string, tokenId: string | undefined, hostname: string): string {
  const digest = createHash('sha1')
    .update(`${tokenId ?? ''}|${hostname}|${base}`)
    .digest('hex');
  return `${base}-${digest.slice(0, 8)}`;
}

export interface IdentityOptions {
  tokens: TokenLookup;
  limits: AgentLimits;
}

export class HostIdentityRegistry {
  private readonly identities = new Map<string, IdentityRow>();
  /** Host ids per bound token, so the per-token cap is a lookup rather than a scan per report. */
  private readonly byToken = new Map<string, Set<string>>();
  private readonly db: Db;
  private readonly blocks: RemovalBlocks;
  private readonly opts: IdentityOptions;

  private constructor(db: Db, blocks: RemovalBlocks, opts: IdentityOptions) {
    this.db = db;
    this.blocks = blocks;
    this.opts = opts;
  }

  static async load(db: Db, blocks: RemovalBlocks, opts: IdentityOptions): Promise<HostIdentityRegistry> {
    const reg = new HostIdentityRegistry(db, blocks, opts);
    for (const row of await db.select().from(hostIdentities)) reg.remember(row);
    return reg;
  }

  /** Fork ids are hashed once per (token, hostname, base) rather than on every report. */
  private readonly forkIds = new Map<string, string>();

  private forkIdOf(base: string, tokenId: string | undefined, hostname: string): string {
    const key = `${tokenId ?? ''}|${hostname}|${base}`;
    let id = this.forkIds.get(key);
    if (id === undefined) {
      id = forkId(base, tokenId, hostname);
      this.forkIds.set(key, id);
    }
    return id;
  }

  async resolve(input: ResolveInput): Promise<Resolution> {
    const { report, token, now } = input;
    const hostname = report.host.hostname.trim();
    const base = baseHostId(report);
    const fork = this.forkIdOf(base, token?.id, hostname);

    let resolution: Resolution;
    if (this.identities.has(fork)) {
      resolution = { hostId: fork, forkedFrom: base };
    } else {
      const existing = this.identities.get(base);
      if (
        !existing ||
        existing.hostname === hostname ||
        (!input.isOnline(base) && this.claimable(existing, token, now))
      ) {
        // New host, the same host (its token is checked below), or its own rename after it stopped reporting.
        resolution = { hostId: base };
      } else {
        // Same machine identity, another hostname, and the original is live or another token's: a clone.
        resolution = { hostId: fork, forkedFrom: base };
      }
    }
    await this.blocks.check('host', resolution.hostId, token?.createdAt, now);
    // From here to the binding in memory nothing awaits, so concurrent first reports of one token cannot
    // all pass the cap; a refused report binds nothing.
    const current = this.identities.get(resolution.hostId);
    if (token) {
      assertMayClaim(this.binding(resolution.hostId, current, token, now));
      if (current?.tokenId !== token.id) {
        assertUnderTokenCap({
          token,
          count: this.byToken.get(token.id)?.size ?? 0,
          limit: this.opts.limits.maxHostsPerToken,
          nouns: 'hosts',
          id: resolution.hostId,
        });
      }
    }
    await this.bind(resolution.hostId, report, hostname, token?.id, now);
    return resolution;
  }

  private binding(id: string, row: IdentityRow | undefined, token: TokenRecord, now: number): BindingInput {
    return { kind: 'host', id, boundTokenId: row?.tokenId, token, tokens: this.opts.tokens, now };
  }

  private claimable(row: IdentityRow, token: TokenRecord | undefined, now: number): boolean {
    return !token || mayClaim(this.binding(row.hostId, row, token, now));
  }

  private remember(row: IdentityRow): void {
    this.forgetRow(row.hostId);
    this.identities.set(row.hostId, row);
    if (row.tokenId === null) return;
    let ids = this.byToken.get(row.tokenId);
    if (!ids) {
      ids = new Set();
      this.byToken.set(row.tokenId, ids);
    }
    ids.add(row.hostId);
  }

  private forgetRow(hostId: string): void {
    const row = this.identities.get(hostId);
    if (!row) return;
    this.identities.delete(hostId);
    if (row.tokenId === null) return;
    const ids = this.byToken.get(row.tokenId);
    ids?.delete(hostId);
    if (ids?.size === 0) this.byToken.delete(row.tokenId);
  }

  private async bind(
    hostId: string,
    report: HostReport,
    hostname: string,
    tokenId: string | undefined,
    now: number,
  ): Promise<void> {
    const current = this.identities.get(hostId);
    const machineId = report.host.machineId ?? report.host.id ?? null;
    // A trusted in-process caller (no token) leaves the binding as it is.
    const boundTo = tokenId ?? current?.tokenId ?? null;
    if (current && current.hostname === hostname && current.tokenId === boundTo) return;
    const row: IdentityRow = {
      hostId,
      hostname,
      tokenId: boundTo,
      machineId,
      agentId: report.agent.id,
      firstSeen: current?.firstSeen ?? now,
      lastSeen: now,
    };
    this.remember(row);
    try {
      await this.db
        .insert(hostIdentities)
        .values(row)
        .onConflictDoUpdate({ target: hostIdentities.hostId, set: row });
    } catch (err) {
      if (current) this.remember(current);
      else this.forgetRow(hostId);
      throw err;
    }
  }

  /** Forgets the host's identity and blocks it from reporting again for 24 h. */
  async remove(hostId: string, hostname: string, now: number): Promise<void> {
    await this.db.delete(hostIdentities).where(eq(hostIdentities.hostId, hostId));
    this.forgetRow(hostId);
    await this.blocks.add('host', hostId, hostname, now);
  }

  knows(hostId: string): boolean {
    return this.identities.has(hostId);
  }
}
