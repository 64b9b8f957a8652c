// One poll of one configured connection, per product: which sections to read this time, the
// collection itself, and what goes into the state. The monitor schedules these and writes the result.

import type { InstanceLists } from '../../state/proxmox-lists.ts';
import { normalizeBaseUrl } from './client/normalize.ts';
import type { ProxmoxApi, Query } from './client/types.ts';
import { collectPbs } from './collect/pbs.ts';
import { collectPmg } from './collect/pmg.ts';
import { collectPve, type PveSnapshot } from './collect/pve.ts';
import type { ProxmoxInstance } from './instance-store.ts';
import type { PollIntervals } from './poll-intervals.ts';
import type { WatchedItems } from './state-writer.ts';

/** What a connection remembers between its polls. */
export interface PollMemory {
  cycle: number;
  previous?: PveSnapshot;
  lastDisksAt?: number;
  lastUpdatesAt?: number;
  lastGuestDetailsAt?: number;
}

export interface PollResult {
  watched: WatchedItems;
  lists: Partial<InstanceLists>;
  /** PVE only: membership as this poll saw it. */
  cluster?: PveSnapshot['cluster'];
}

/** Counts calls and failures for the `performance` block of /api/state. */
export function counted(api: ProxmoxApi, tally: { calls: number; failed: number }): ProxmoxApi {
  const wrap = async <T>(call: () => Promise<T>): Promise<T> => {
    tally.calls++;
    try {
      return await call();
    } catch (err) {
      tally.failed++;
      throw err;
    }
  };
  return {
    get: <T>(path: string, query?: Query, opts?: { timeoutMs?: number }) =>
      wrap(() => api.get<T>(path, query, opts)),
    post: <T>(path: string, form?: Query) => wrap(() => api.post<T>(path, form)),
  };
}

const due = (last: number | undefined, now: number, every: number) =>
  last === undefined || now - last >= every;

export async function pollPve(
  api: ProxmoxApi,
  instance: ProxmoxInstance,
  memory: PollMemory,
  intervals: PollIntervals,
  now: number,
): Promise<PollResult> {
  const o = instance.options;
  const include = {
    backups: o.monitorBackups !== false && memory.cycle % intervals.backupEveryCycles === 0,
    physicalDisks:
      o.monitorPhysicalDisks !== false &&
      due(memory.lastDisksAt, now, (o.physicalDiskPollingMinutes ?? 5) * 60_000),
    updates: due(memory.lastUpdatesAt, now, intervals.updatesEveryMs),
    // A few calls per guest: refreshed every 2 min, the values in between carried over.
    guestAgent: due(memory.lastGuestDetailsAt, now, intervals.guestDetailsEveryMs),
  };
  const snap = await collectPve(api, {
    instanceName: instance.name,
    now,
    host: normalizeBaseUrl('pve', instance.host),
    ...(instance.guestURL ? { guestURL: instance.guestURL } : {}),
    ...(memory.previous ? { previous: memory.previous } : {}),
    monitor: {
      vms: o.monitorVMs !== false,
      containers: o.monitorContainers !== false,
      storage: o.monitorStorage !== false,
      backups: o.monitorBackups !== false,
      physicalDisks: o.monitorPhysicalDisks !== false,
      ceph: o.disableCeph !== true,
    },
    include,
  });
  memory.cycle++;
  memory.previous = snap;
  if (include.physicalDisks) memory.lastDisksAt = now;
  if (include.updates) memory.lastUpdatesAt = now;
  if (include.guestAgent) memory.lastGuestDetailsAt = now;
  return {
    cluster: snap.cluster,
    watched: {
      nodes: snap.nodes,
      vms: snap.vms,
      containers: snap.containers,
      storage: snap.storage,
      cephClusters: snap.ceph ? [snap.ceph] : [],
      ...(snap.physicalDisks ? { physicalDisks: snap.physicalDisks } : {}),
    },
    lists: {
      ...(snap.backupTasks ? { backupTasks: snap.backupTasks } : {}),
      ...(snap.storageBackups ? { storageBackups: snap.storageBackups } : {}),
      ...(snap.guestSnapshots ? { guestSnapshots: snap.guestSnapshots } : {}),
      ...(snap.replicationJobs ? { replicationJobs: snap.replicationJobs } : {}),
    },
  };
}

export async function pollPbs(api: ProxmoxApi, instance: ProxmoxInstance, now: number): Promise<PollResult> {
  const o = instance.options;
  const snap = await collectPbs(api, {
    instanceName: instance.name,
    now,
    host: normalizeBaseUrl('pbs', instance.host),
    ...(instance.guestURL ? { guestURL: instance.guestURL } : {}),
    monitor: {
      datastores: o.monitorDatastores !== false,
      syncJobs: o.monitorSyncJobs !== false,
      verifyJobs: o.monitorVerifyJobs !== false,
      pruneJobs: o.monitorPruneJobs !== false,
      garbageJobs: o.monitorGarbageJobs !== false,
    },
    include: { backups: o.monitorBackups !== false },
  });
  return { watched: {}, lists: { pbs: [snap.instance], pbsBackups: snap.backups } };
}

export async function pollPmg(api: ProxmoxApi, instance: ProxmoxInstance, now: number): Promise<PollResult> {
  const o = instance.options;
  const snap = await collectPmg(api, {
    instanceName: instance.name,
    now,
    host: normalizeBaseUrl('pmg', instance.host),
    ...(instance.guestURL ? { guestURL: instance.guestURL } : {}),
    monitor: {
      mailStats: o.monitorMailStats !== false,
      queues: o.monitorQueues !== false,
      quarantine: o.monitorQuarantine !== false,
      domainStats: o.monitorDomainStats !== false,
    },
  });
  return { watched: {}, lists: { pmg: [snap.instance] } };
}
