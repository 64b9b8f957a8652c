// Removed agents may not report again for 24 h, unless re-enrolment is allowed or a newer token is used.
import type { RemovedHost } from '@pulse/shared';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { removedAgents } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';

export const REENROLL_BLOCK_MS = 24 * 60 * 60 * 1000;

export type AgentKind = 'host' | 'docker' | 'kubernetes';

interface Block {
  name: string;
  removedAt: number;
}

/** Where the API manages one agent of each kind, for messages that tell a user what to call. */
export const AGENT_PATH: Record<AgentKind, (id: string) => string> = {
  host: (id) => `/api/agents/host/${id}`,
  docker: (id) => `/api/agents/docker/hosts/${id}`,
  kubernetes: (id) => `/api/agents/kubernetes/clusters/${id}`,
};

export const AGENT_NOUN: Record<AgentKind, string> = {
  host: 'Host',
  docker: 'Docker host',
  kubernetes: 'Kubernetes cluster',
};

export class RemovalBlocks {
  private readonly blocks = new Map<string, Block>();
  private readonly db: Db;

  private constructor(db: Db) {
    this.db = db;
  }

  static async load(db: Db): Promise<RemovalBlocks> {
    const r = new RemovalBlocks(db);
    for (const row of await db.select().from(removedAgents)) r.blocks.set(`${row.kind}/${row.id}`, row);
    return r;
  }

  /** Throws reenroll_blocked while the block holds; lifts it once expired or for a token minted after it. */
  async check(kind: AgentKind, id: string, tokenCreatedAt: number | undefined, now: number): Promise<void> {
    const block = this.blocks.get(`${kind}/${id}`);
    if (!block) return;
    const expired = now - block.removedAt >= REENROLL_BLOCK_MS;
    const freshToken = tokenCreatedAt !== undefined && tokenCreatedAt > block.removedAt;
    if (expired || freshToken) {
      await this.allow(kind, id);
      return;
    }
    const until = new Date(block.removedAt + REENROLL_BLOCK_MS).toISOString();
    throw new ApiError(
      'reenroll_blocked',
      `${AGENT_NOUN[kind]} '${id}' was removed at ${new Date(block.removedAt).toISOString()}; its reports are refused until ${until}. Allow it with POST ${AGENT_PATH[kind](id)}/allow-reenroll or report with a token created after the removal`,
      { id, blockedUntil: until },
    );
  }

  async add(kind: AgentKind, id: string, name: string, now: number): Promise<void> {
    const row = { kind, id, name, removedAt: now };
    await this.db
      .insert(removedAgents)
      .values(row)
      .onConflictDoUpdate({ target: [removedAgents.kind, removedAgents.id], set: row });
    this.blocks.set(`${kind}/${id}`, row);
  }

  async allow(kind: AgentKind, id: string): Promise<boolean> {
    if (!this.blocks.delete(`${kind}/${id}`)) return false;
    await this.db.delete(removedAgents).where(and(eq(removedAgents.kind, kind), eq(removedAgents.id, id)));
    return true;
  }

  list(kind: AgentKind, now: number): RemovedHost[] {
    const out: RemovedHost[] = [];
    for (const [key, b] of this.blocks) {
      const [k, ...rest] = key.split('/');
      if (k !== kind || now - b.removedAt >= REENROLL_BLOCK_MS) continue;
      out.push({ id: rest.join('/'), hostname: b.name, removedAt: new Date(b.removedAt).toISOString() });
    }
    return out;
  }
}
