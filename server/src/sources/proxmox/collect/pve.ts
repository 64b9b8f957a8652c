// One Proxmox VE poll: membership, nodes, guests and storage every time; the rest when the caller asks.
import type {
  ProxmoxGuest,
  ProxmoxNode,
  ProxmoxStorage,
  PveBackupTask,
  PveCephCluster,
  PveGuestSnapshot,
  PvePhysicalDisk,
  PveReplicationJob,
  PveStorageBackup,
} from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { guestId, instanceScope } from './ids.ts';
import {
  collectBackupTasks,
  collectSnapshots,
  collectStorageBackups,
  lastBackupByVmid,
} from './pve-backups.ts';
import { collectCeph } from './pve-ceph.ts';
import { type ClusterEndpoint, isNodeOnline, parseClusterStatus, parseNodeList } from './pve-cluster.ts';
import { collectPhysicalDisks } from './pve-disks.ts';
import { applyDetails, carryGuestDetails, containerDetails, vmDetails } from './pve-guest-agent.ts';
import { buildGuest, countersOf, listGuests } from './pve-guests.ts';
import { collectNodes } from './pve-nodes.ts';
import { collectReplication } from './pve-replication.ts';
import { buildStorage, keepUnread, listStorage, type StorageEntry, type StorageList } from './pve-storage.ts';
import { collectUpdates, type NodeUpdates } from './pve-updates.ts';
import type { CounterSnapshot } from './rates.ts';
import { type CollectError, mapLimit } from './run.ts';

export interface PveCollectContext {
  /** The configured connection's name; the id scope of a standalone node. */
  instanceName: string;
  /** Unix ms of this poll; rates are measured against `previous.counters.at`. */
  now: number;
  previous?: PveSnapshot;
  monitor: {
    vms: boolean;
    containers: boolean;
    storage: boolean;
    backups: boolean;
    physicalDisks: boolean;
    ceph: boolean;
  };
  /** Which slower sections run this time; the scheduler decides their cadence. */
  include: { backups: boolean; physicalDisks: boolean; updates: boolean; guestAgent: boolean };
  /** The configured host URL, reported as a standalone node's `host`. */
  host?: string;
  guestURL?: string;
  /** Parallel calls for per-node and per-guest requests (default 4). */
  concurrency?: number;
}

export interface PveSnapshot {
  collectedAt: number;
  /** Cluster name for a cluster, the instance name otherwise: the prefix of every id. */
  scope: string;
  cluster: { isCluster: boolean; name?: string; endpoints: ClusterEndpoint[] };
  nodes: ProxmoxNode[];
  vms: ProxmoxGuest[];
  containers: ProxmoxGuest[];
  storage: ProxmoxStorage[];
  /** Absent when the cluster runs no Ceph or `monitor.ceph` is off. */
  ceph?: PveCephCluster;
  /** The optional sections are absent when not collected this time (keep the last ones). */
  physicalDisks?: PvePhysicalDisk[];
  backupTasks?: PveBackupTask[];
  storageBackups?: PveStorageBackup[];
  guestSnapshots?: PveGuestSnapshot[];
  replicationJobs?: PveReplicationJob[];
  /** Cumulative guest counters for the next poll's rates. */
  counters: CounterSnapshot;
  /** Sub-calls that failed without failing the poll. */
  errors: CollectError[];
}

const DEFAULT_CONCURRENCY = 4;

interface BackupSections {
  backupTasks: PveBackupTask[];
  storageBackups: PveStorageBackup[];
  guestSnapshots: PveGuestSnapshot[];
  replicationJobs: PveReplicationJob[];
}

/**
 * Throws when membership (/cluster/status), the node list (/nodes) or the guest list cannot be
 * read; every other failing call is recorded in `errors` and its section left empty or absent.
 */
export async function collectPve(api: ProxmoxApi, ctx: PveCollectContext): Promise<PveSnapshot> {
  const errors: CollectError[] = [];
  const concurrency = ctx.concurrency ?? DEFAULT_CONCURRENCY;
  const [statusData, nodesData] = await Promise.all([api.get('/cluster/status'), api.get('/nodes')]);
  const cluster = parseClusterStatus(statusData);
  const scope = instanceScope(ctx.instanceName, cluster.name);
  const list = parseNodeList(nodesData);
  const onlineNodes = list.filter((n) => isNodeOnline(n, cluster)).map((n) => n.node);
  const base = { scope, instanceName: ctx.instanceName, now: ctx.now };
  const wantBackups = ctx.monitor.backups && ctx.include.backups;

  const [nodes, guestEntries, storageList, ceph, physicalDisks, updates] = await Promise.all([
    collectNodes(
      api,
      {
        ...base,
        host: ctx.host ?? '',
        ...(ctx.guestURL === undefined ? {} : { guestURL: ctx.guestURL }),
        cluster,
        previous: ctx.previous?.nodes ?? [],
        concurrency,
        errors,
      },
      list,
    ),
    listGuests(api, { onlineNodes, vms: ctx.monitor.vms, containers: ctx.monitor.containers, errors }),
    ctx.monitor.storage || wantBackups
      ? listStorage(api, onlineNodes, concurrency, errors)
      : Promise.resolve<StorageList>({ entries: [], unread: [] }),
    ctx.monitor.ceph
      ? collectCeph(api, {
          ...base,
          poolNode: onlineNodes[0],
          previous: ctx.previous?.ceph,
          errors,
        })
      : Promise.resolve(undefined),
    ctx.monitor.physicalDisks && ctx.include.physicalDisks
      ? collectPhysicalDisks(api, base, onlineNodes, concurrency, errors)
      : Promise.resolve(undefined),
    ctx.include.updates ? collectUpdates(api, onlineNodes, concurrency, errors) : Promise.resolve(undefined),
  ]);

  const before = new Map(
    [...(ctx.previous?.vms ?? []), ...(ctx.previous?.containers ?? [])].map((g) => [g.id, g]),
  );
  let guests = guestEntries.map((e) =>
    carryGuestDetails(
      buildGuest(e, { ...base, counters: ctx.previous?.counters }),
      before.get(guestId(scope, e.vmid)),
      ctx.include.guestAgent,
    ),
  );
  if (ctx.include.guestAgent) guests = await refreshDetails(api, guests, onlineNodes, concurrency, errors);

  let sections: BackupSections | undefined;
  if (wantBackups) {
    sections = await collectBackupSections(
      api,
      { ...base, concurrency, errors },
      storageList.entries,
      guests,
      onlineNodes,
    );
    const last = lastBackupByVmid(sections.storageBackups, sections.backupTasks);
    guests = guests.map((g) => withLastBackup(g, last.get(g.vmid) ?? before.get(g.id)?.lastBackup));
  } else {
    guests = guests.map((g) => withLastBackup(g, before.get(g.id)?.lastBackup));
  }

  const snapshot: PveSnapshot = {
    collectedAt: ctx.now,
    scope,
    cluster: cluster.isCluster
      ? { isCluster: true, name: cluster.name ?? '', endpoints: cluster.endpoints }
      : { isCluster: false, endpoints: cluster.endpoints },
    nodes: updates ? applyUpdates(nodes, updates, ctx.now) : nodes,
    vms: guests.filter((g) => g.type === 'qemu'),
    containers: guests.filter((g) => g.type === 'lxc'),
    storage: ctx.monitor.storage
      ? keepUnread(buildStorage(base, storageList.entries), storageList.unread, ctx.previous?.storage)
      : [],
    counters: countersOf(guestEntries, scope, ctx.now),
    errors,
    ...sections,
  };
  if (ceph) snapshot.ceph = ceph;
  if (physicalDisks) snapshot.physicalDisks = physicalDisks;
  return snapshot;
}

function withLastBackup(guest: ProxmoxGuest, lastBackup: number | undefined): ProxmoxGuest {
  return lastBackup === undefined ? guest : { ...guest, lastBackup };
}

async function refreshDetails(
  api: ProxmoxApi,
  guests: ProxmoxGuest[],
  onlineNodes: readonly string[],
  concurrency: number,
  errors: CollectError[],
): Promise<ProxmoxGuest[]> {
  return mapLimit(guests, concurrency, async (g) => {
    if (g.status !== 'running' || g.template || !onlineNodes.includes(g.node)) return g;
    const details =
      g.type === 'qemu'
        ? await vmDetails(api, g.node, g.vmid, errors)
        : await containerDetails(api, g.node, g.vmid, errors);
    return applyDetails(g, details);
  });
}

async function collectBackupSections(
  api: ProxmoxApi,
  ctx: Parameters<typeof collectBackupTasks>[1],
  storage: readonly StorageEntry[],
  guests: readonly ProxmoxGuest[],
  onlineNodes: readonly string[],
): Promise<BackupSections> {
  const snapshotTargets = guests
    .filter((g) => !g.template && onlineNodes.includes(g.node))
    .map((g) => ({ node: g.node, type: g.type, vmid: g.vmid }));
  const byVmid = new Map(guests.map((g) => [g.vmid, { node: g.node, name: g.name, type: g.type }]));
  const [storageBackups, backupTasks, guestSnapshots, replicationJobs] = await Promise.all([
    collectStorageBackups(api, ctx, storage),
    collectBackupTasks(api, ctx, onlineNodes),
    collectSnapshots(api, ctx, snapshotTargets),
    collectReplication(api, { ...ctx, guests: byVmid, onlineNodes }),
  ]);
  return { storageBackups, backupTasks, guestSnapshots, replicationJobs };
}

function applyUpdates(nodes: ProxmoxNode[], updates: readonly NodeUpdates[], now: number): ProxmoxNode[] {
  return nodes.map((n) => {
    const found = updates.find((u) => u.node === n.name);
    return found ? { ...n, pendingUpdates: found.pending, pendingUpdatesCheckedAt: now } : n;
  });
}
