// Resolves which host a report belongs to: machine identity, clone forking, rename healing and removal blocks.
import { createHash } from 'node:crypto';
import type { HostReport } from '@pulse/shared';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { hostIdentities } from '../../db/schema/index.ts';
import type { RemovalBlocks } from './removal-blocks.ts';

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
  tokenId: string | undefined;
  tokenCreatedAt: number | undefined;
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

export class HostIdentityRegistry {
  private readonly identities = new Map<string, IdentityRow>();
  private readonly db: Db;
  private readonly blocks: RemovalBlocks;

  private constructor(db: Db, blocks: RemovalBlocks) {
    this.db = db;
    this.blocks = blocks;
  }

  static async load(db: Db, blocks: RemovalBlocks): Promise<HostIdentityRegistry> {
    const reg = new HostIdentityRegistry(db, blocks);
    for (const row of await db.select().from(hostIdentities)) reg.identities.set(row.hostId, row);
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
    const { report, tokenId, now } = input;
    const hostname = report.host.hostname.trim();
    const base = baseHostId(report);
    const fork = this.forkIdOf(base, tokenId, hostname);

    let resolution: Resolution;
    if (this.identities.has(fork)) {
      resolution = { hostId: fork, forkedFrom: base };
    } else {
      const existing = this.identities.get(base);
      if (!existing || existing.hostname === hostname || !input.isOnline(base)) {
        // New host, the same host, or a rename of a host that stopped reporting.
        resolution = { hostId: base };
      } else {
        // Same machine identity, another hostname, and the original is still live: a clone.
        resolution = { hostId: fork, forkedFrom: base };
      }
    }
    await this.blocks.check('host', resolution.hostId, input.tokenCreatedAt, now);
    await this.bind(resolution.hostId, report, hostname, tokenId, now);
    return resolution;
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
    if (current && current.hostname === hostname && current.tokenId === (tokenId ?? null)) return;
    const row: IdentityRow = {
      hostId,
      hostname,
      tokenId: tokenId ?? null,
      machineId,
      agentId: report.agent.id,
      firstSeen: current?.firstSeen ?? now,
      lastSeen: now,
    };
    await this.db
      .insert(hostIdentities)
      .values(row)
      .onConflictDoUpdate({ target: hostIdentities.hostId, set: row });
    this.identities.set(hostId, row);
  }

  /** Forgets the host's identity and blocks it from reporting again for 24 h. */
  async remove(hostId: string, hostname: string, now: number): Promise<void> {
    await this.db.delete(hostIdentities).where(eq(hostIdentities.hostId, hostId));
    this.identities.delete(hostId);
    await this.blocks.add('host', hostId, hostname, now);
  }

  knows(hostId: string): boolean {
    return this.identities.has(hostId);
  }
}
