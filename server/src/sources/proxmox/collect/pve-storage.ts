// PVE storage: /nodes/{n}/storage per online node, shared storages folded into one cluster-wide entry.
import type { ProxmoxStorage } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { nodeId, storageId } from './ids.ts';
import { asArray, bool, num, percent, type Raw, str } from './read.ts';
import { type CollectError, mapLimit, toCollectError } from './run.ts';

export interface StorageEntry {
  node: string;
  storage: string;
  type: string;
  content: string;
  shared: boolean;
  enabled: boolean;
  active: boolean;
  total: number;
  used: number;
  avail: number;
}

/** PBS datastores are reached over the network from every node: treat them like shared storage. */
export function isSharedStorage(e: Pick<StorageEntry, 'shared' | 'type'>): boolean {
  return e.shared || e.type === 'pbs';
}

function entryFrom(node: string, e: Raw): StorageEntry {
  return {
    node,
    storage: str(e.storage),
    type: str(e.type, str(e.plugintype)),
    content: str(e.content),
    shared: bool(e.shared),
    // Absent `enabled`/`active` means the storage is enabled and reachable.
    enabled: bool(e.enabled, true),
    active: bool(e.active, true),
    total: num(e.total),
    used: num(e.used),
    avail: num(e.avail),
  };
}

export async function listStorage(
  api: ProxmoxApi,
  onlineNodes: readonly string[],
  concurrency: number,
  errors: CollectError[],
): Promise<StorageList> {
  const unread: string[] = [];
  const perNode = await mapLimit(onlineNodes, concurrency, async (node) => {
    const path = `/nodes/${node}/storage`;
    try {
      return asArray(await api.get(path)).map((e) => entryFrom(node, e));
    } catch (err) {
      errors.push(toCollectError(path, err));
      unread.push(node);
      return [];
    }
  });
  return { entries: perNode.flat().filter((e) => e.storage !== ''), unread };
}

/** Every online node's storage entries, and the nodes whose list could not be read this time. */
export interface StorageList {
  entries: StorageEntry[];
  unread: string[];
}

/**
 * A node whose list failed keeps its local storage from the last poll, so one failed call does not drop
 * the entries (and cut their history) for a cycle; shared storage is still seen through the other nodes.
 */
export function keepUnread(
  storage: ProxmoxStorage[],
  unread: readonly string[],
  previous: readonly ProxmoxStorage[] | undefined,
): ProxmoxStorage[] {
  if (unread.length === 0 || !previous) return storage;
  const have = new Set(storage.map((s) => s.id));
  return [...storage, ...previous.filter((s) => !s.shared && unread.includes(s.node) && !have.has(s.id))];
}

function statusOf(e: StorageEntry): string {
  if (!e.enabled) return 'disabled';
  return e.active ? 'available' : 'unavailable';
}

export interface StorageContext {
  scope: string;
  instanceName: string;
  now: number;
}

function toStorage(ctx: StorageContext, e: StorageEntry, shared: boolean, nodes: string[]): ProxmoxStorage {
  const free = e.avail > 0 ? e.avail : Math.max(0, e.total - e.used);
  return {
    id: storageId(ctx.scope, e.storage, shared ? undefined : e.node),
    storage: e.storage,
    name: e.storage,
    node: shared ? 'cluster' : e.node,
    instance: ctx.instanceName,
    nodes,
    nodeIds: nodes.map((n) => nodeId(ctx.scope, n)),
    nodeCount: nodes.length,
    type: e.type,
    status: statusOf(e),
    total: e.total,
    used: e.used,
    free,
    avail: free,
    usage: percent(e.used, e.total),
    content: e.content,
    shared,
    enabled: e.enabled,
    active: e.active,
    lastSeen: ctx.now,
  };
}

/**
 * One entity per local storage and node, and one per shared storage for the whole cluster. The
 * shared entity takes its figures from the node that sees it active with the largest size, since a
 * node that cannot reach the share reports zeros.
 */
export function buildStorage(ctx: StorageContext, entries: readonly StorageEntry[]): ProxmoxStorage[] {
  const out: ProxmoxStorage[] = [];
  const shared = new Map<string, StorageEntry[]>();
  for (const e of entries) {
    if (!isSharedStorage(e)) {
      out.push(toStorage(ctx, e, false, [e.node]));
      continue;
    }
    const group = shared.get(e.storage) ?? [];
    group.push(e);
    shared.set(e.storage, group);
  }
  for (const group of shared.values()) {
    const best = [...group].sort((a, b) => Number(b.active) - Number(a.active) || b.total - a.total)[0];
    if (!best) continue;
    const nodes = [...new Set(group.map((e) => e.node))].sort();
    out.push(toStorage(ctx, { ...best, active: group.some((e) => e.active) }, true, nodes));
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
