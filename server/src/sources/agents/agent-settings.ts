// Admin choices per Docker host or cluster (hidden, pending uninstall, display name, bound token),
// cached in memory and written through to agent_settings.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { agentSettings } from '../../db/schema/index.ts';
import type { AgentKind } from './removal-blocks.ts';

export interface AgentSetting {
  hidden: boolean;
  pendingUninstall: boolean;
  displayName: string | null;
  tokenId: string | null;
}

const DEFAULTS: AgentSetting = { hidden: false, pendingUninstall: false, displayName: null, tokenId: null };

export class AgentSettingsStore {
  private readonly rows = new Map<string, AgentSetting>();
  private readonly db: Db;

  private constructor(db: Db) {
    this.db = db;
  }

  static async load(db: Db): Promise<AgentSettingsStore> {
    const store = new AgentSettingsStore(db);
    for (const row of await db.select().from(agentSettings)) store.rows.set(`${row.kind}/${row.id}`, row);
    return store;
  }

  get(kind: AgentKind, id: string): AgentSetting {
    return this.rows.get(`${kind}/${id}`) ?? DEFAULTS;
  }

  /** The other agent of this kind that reports with this token, if any. */
  holderOf(kind: AgentKind, tokenId: string, except: string): string | undefined {
    for (const [key, row] of this.rows) {
      const [k, ...rest] = key.split('/');
      const id = rest.join('/');
      if (k === kind && id !== except && row.tokenId === tokenId) return id;
    }
    return undefined;
  }

  /** How many agents of this kind report with this token (for the cap per token). */
  countBoundTo(kind: AgentKind, tokenId: string): number {
    let n = 0;
    for (const [key, row] of this.rows) if (row.tokenId === tokenId && key.startsWith(`${kind}/`)) n++;
    return n;
  }

  async set(kind: AgentKind, id: string, patch: Partial<AgentSetting>, now: number): Promise<AgentSetting> {
    const current = this.get(kind, id);
    const next = { ...current, ...patch };
    if (
      current.hidden === next.hidden &&
      current.pendingUninstall === next.pendingUninstall &&
      current.displayName === next.displayName &&
      current.tokenId === next.tokenId &&
      this.rows.has(`${kind}/${id}`)
    ) {
      return current;
    }
    const row = { kind, id, ...next, updatedAt: now };
    await this.db
      .insert(agentSettings)
      .values(row)
      .onConflictDoUpdate({ target: [agentSettings.kind, agentSettings.id], set: row });
    this.rows.set(`${kind}/${id}`, next);
    return next;
  }

  async delete(kind: AgentKind, id: string): Promise<void> {
    if (!this.rows.delete(`${kind}/${id}`)) return;
    await this.db.delete(agentSettings).where(and(eq(agentSettings.kind, kind), eq(agentSettings.id, id)));
  }
}
