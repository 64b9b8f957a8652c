// Remembers the agent-fed part of the live state (hosts, Docker hosts, Kubernetes clusters) across restarts:
// loaded as offline on start, written from a dirty set in batches on a tick and at shutdown. Owns
// agent_inventory.
import type { Logger } from '@pulse/shared';
import { DockerHostState, HostState, KubernetesClusterState } from '@pulse/shared';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import { agentInventory } from '../../db/schema/index.ts';
import type { CollectionName, LiveState, StateChange } from '../../state/live-state.ts';
import type { AgentKind } from './removal-blocks.ts';
import type { StreamPosition } from './report-order.ts';

/** Where host reports had got to; the host ingest keeps it, the inventory saves and restores it. */
export interface HostCursors {
  positionOf(hostId: string): StreamPosition | undefined;
  restoreCursor(hostId: string, reportedAt: number, position: StreamPosition | undefined): void;
}

export interface InventoryDeps {
  db: Db;
  state: LiveState;
  hostCursors: HostCursors;
  clock: Clock;
  log: Logger;
}

/** What every stored item has, whichever collection it is from. */
interface InventoryItem {
  id: string;
  lastSeen: string;
  reportedAt: string;
  tokenId?: string;
}

type Row = typeof agentInventory.$inferSelect;

const KIND_OF: Partial<Record<CollectionName, AgentKind>> = {
  hosts: 'host',
  dockerHosts: 'docker',
  kubernetesClusters: 'kubernetes',
};

/**
 * A row already on disk is rewritten at most this often while its agent keeps reporting: every report
 * changes the item, and rewriting a Docker host's containers on every tick would cost gigabytes a day.
 * A clean stop writes everything; a crash shows an agent (offline) as it was up to this long ago, with
 * the matching stream position, so nothing older than what is shown is applied after it.
 */
export const ROW_REWRITE_MS = 15 * 60_000;

/** The largest number of rows (or ids) one statement carries: 1,152 parameters with 9 columns. */
const MAX_ROWS_PER_STATEMENT = 128;

/**
 * Splits into chunks whose sizes are powers of two (128, then what is left as 64, 32, ... 1): whatever the
 * flush size, upserts and deletes use at most 8 distinct SQL texts each, and every text keeps its prepared
 * statement for good (db/statement-client.ts), where any chunk size up to a limit would keep one per size.
 */
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; ) {
    let size = MAX_ROWS_PER_STATEMENT;
    while (size > items.length - i) size /= 2;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

/** `excluded.<column>` of an upsert; the names are this table's own constants, never input. */
function excluded(column: string): SQL {
  return sql.raw(`excluded.${column}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class AgentInventory {
  /** `kind/id` of items changed or removed since the last flush; what the state holds then is written. */
  private readonly dirty = new Map<string, { kind: AgentKind; id: string }>();
  /** When each stored row was last written (or restored), by `kind/id`. */
  private readonly writtenAt = new Map<string, number>();
  private readonly deps: InventoryDeps;
  private writing: Promise<void> = Promise.resolve();
  private unsubscribe: () => void = () => undefined;

  private constructor(deps: InventoryDeps) {
    this.deps = deps;
  }

  /**
   * Loads the stored agents into the state as offline, then follows its changes. Call it before any
   * consumer subscribes to the state, so that restoring is not taken for fresh reports.
   */
  static async open(deps: InventoryDeps): Promise<AgentInventory> {
    const inventory = new AgentInventory(deps);
    await inventory.restore();
    inventory.unsubscribe = deps.state.onChange((change) => inventory.note(change));
    return inventory;
  }

  /**
   * Writes new agents, removals, and changed agents whose row is older than ROW_REWRITE_MS; `all` (at
   * shutdown) writes every change. One write at a time, so ticks and shutdown never overlap.
   */
  flush(all = false): Promise<void> {
    const run = this.writing.then(() => this.writeDirty(all));
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Stops following the state and writes what is left. */
  close(): Promise<void> {
    this.unsubscribe();
    return this.flush(true);
  }

  get pending(): number {
    return this.dirty.size;
  }

  private note(change: StateChange): void {
    const kind = KIND_OF[change.collection];
    if (!kind) return;
    const id = change.kind === 'removed' ? change.id : change.item.id;
    this.dirty.set(`${kind}/${id}`, { kind, id });
  }

  private itemOf(kind: AgentKind, id: string): InventoryItem | undefined {
    const { state } = this.deps;
    if (kind === 'host') return state.hosts.get(id);
    if (kind === 'docker') return state.dockerHosts.get(id);
    return state.kubernetesClusters.get(id);
  }

  private async writeDirty(all: boolean): Promise<void> {
    if (this.dirty.size === 0) return;
    const now = this.deps.clock.now();
    const batch: Array<[string, { kind: AgentKind; id: string }]> = [];
    const rows: Row[] = [];
    const gone: Record<AgentKind, string[]> = { host: [], docker: [], kubernetes: [] };
    for (const [key, entry] of this.dirty) {
      const item = this.itemOf(entry.kind, entry.id);
      const written = this.writtenAt.get(key);
      // A stored agent that keeps reporting waits for its rewrite time; new and removed ones go now.
      if (item && !all && written !== undefined && now - written < ROW_REWRITE_MS) continue;
      batch.push([key, entry]);
      if (item) rows.push(this.rowOf(entry.kind, item, now));
      else gone[entry.kind].push(entry.id);
    }
    for (const [key] of batch) this.dirty.delete(key);
    if (batch.length === 0) return;
    try {
      await this.write(rows, gone);
      for (const [key, { kind, id }] of batch) {
        if (this.itemOf(kind, id)) this.writtenAt.set(key, now);
        else this.writtenAt.delete(key);
      }
    } catch (err) {
      // Back into the dirty set for the next tick; a change noted meanwhile is already there.
      for (const [key, entry] of batch) if (!this.dirty.has(key)) this.dirty.set(key, entry);
      throw err;
    }
  }

  private rowOf(kind: AgentKind, item: InventoryItem, now: number): Row {
    const position = kind === 'host' ? this.deps.hostCursors.positionOf(item.id) : undefined;
    return {
      kind,
      id: item.id,
      item: JSON.stringify(item),
      tokenId: item.tokenId ?? null,
      lastSeen: Date.parse(item.lastSeen) || now,
      reportedAt: Date.parse(item.reportedAt) || now,
      streamId: position?.stream ?? null,
      streamSeq: position?.seq ?? null,
      updatedAt: now,
    };
  }

  private async write(rows: Row[], gone: Record<AgentKind, string[]>): Promise<void> {
    const { db } = this.deps;
    const upserts = chunks(rows).map((chunk) =>
      db
        .insert(agentInventory)
        .values(chunk)
        .onConflictDoUpdate({
          target: [agentInventory.kind, agentInventory.id],
          set: {
            item: excluded('item'),
            tokenId: excluded('token_id'),
            lastSeen: excluded('last_seen'),
            reportedAt: excluded('reported_at'),
            streamId: excluded('stream_id'),
            streamSeq: excluded('stream_seq'),
            updatedAt: excluded('updated_at'),
          },
        }),
    );
    const deletes = Object.entries(gone).flatMap(([kind, ids]) =>
      chunks(ids).map((chunk) =>
        db
          .delete(agentInventory)
          .where(and(eq(agentInventory.kind, kind), inArray(agentInventory.id, chunk))),
      ),
    );
    // One transaction per flush: a crash leaves the previous flush whole rather than half of this one.
    const [first, ...rest] = [...upserts, ...deletes];
    if (first) await db.batch([first, ...rest]);
  }

  private async restore(): Promise<void> {
    const { db, state, log, clock } = this.deps;
    const now = clock.now();
    const skipped: string[] = [];
    for (const row of await db.select().from(agentInventory)) {
      if (!this.restoreRow(row, now)) skipped.push(`${row.kind}/${row.id}`);
      else this.writtenAt.set(`${row.kind}/${row.id}`, row.updatedAt);
    }
    if (skipped.length > 0) {
      // Written by a version whose shape this one does not read: the agent's next report replaces it.
      log.warn('agent inventory rows not restored', { count: skipped.length, first: skipped.slice(0, 5) });
    }
    log.info('agent inventory restored', {
      hosts: state.hosts.size,
      dockerHosts: state.dockerHosts.size,
      kubernetesClusters: state.kubernetesClusters.size,
    });
  }

  /** Puts one stored agent back as offline; false when the row cannot be read. */
  private restoreRow(row: Row, now: number): boolean {
    const { state, hostCursors } = this.deps;
    const raw = parseJson(row.item);
    if (row.kind === 'host') {
      const parsed = HostState.safeParse(raw);
      if (!parsed.success || parsed.data.id !== row.id) return false;
      state.hosts.upsert({ ...parsed.data, status: 'offline' }, now);
      const position =
        row.streamId !== null && row.streamSeq !== null
          ? { stream: row.streamId, seq: row.streamSeq }
          : undefined;
      hostCursors.restoreCursor(row.id, row.reportedAt, position);
      return true;
    }
    if (row.kind === 'docker') {
      const parsed = DockerHostState.safeParse(raw);
      if (!parsed.success || parsed.data.id !== row.id) return false;
      state.dockerHosts.upsert({ ...parsed.data, status: 'offline' }, now);
      return true;
    }
    if (row.kind === 'kubernetes') {
      const parsed = KubernetesClusterState.safeParse(raw);
      if (!parsed.success || parsed.data.id !== row.id) return false;
      state.kubernetesClusters.upsert({ ...parsed.data, status: 'offline' }, now);
      return true;
    }
    return false;
  }
}
