// GET /api/state: the seeds' collections (empty until their source exists) plus unified resources.
import { z } from 'zod';
import { DockerHostState } from './docker-state.ts';
import { HostState, RemovedHost } from './host-state.ts';
import { KubernetesClusterState } from './kubernetes-state.ts';
import { PbsBackup, PbsInstance } from './pbs-state.ts';
import { PmgInstance } from './pmg-state.ts';
import {
  ProxmoxGuest,
  ProxmoxNode,
  ProxmoxStorage,
  PveBackupTask,
  PveCephCluster,
  PveGuestSnapshot,
  PvePhysicalDisk,
  PveReplicationJob,
  PveStorageBackup,
} from './proxmox-state.ts';
import { Resource } from './resource.ts';

/** Collections whose sources arrive in later work; typed loosely until then, but never null. */
const pending = z.array(z.unknown());

export const StateStats = z.object({
  startTime: z.string(),
  uptime: z.number(),
  version: z.string(),
  hosts: z.number(),
  dockerHosts: z.number(),
  kubernetesClusters: z.number(),
  resources: z.number(),
});

export const StateResponse = z.object({
  nodes: z.array(ProxmoxNode),
  vms: z.array(ProxmoxGuest),
  containers: z.array(ProxmoxGuest),
  dockerHosts: z.array(DockerHostState),
  removedDockerHosts: z.array(RemovedHost),
  kubernetesClusters: z.array(KubernetesClusterState),
  removedKubernetesClusters: z.array(RemovedHost),
  hosts: z.array(HostState),
  removedHostAgents: z.array(RemovedHost),
  storage: z.array(ProxmoxStorage),
  cephClusters: z.array(PveCephCluster),
  physicalDisks: z.array(PvePhysicalDisk),
  pbs: z.array(PbsInstance),
  pmg: z.array(PmgInstance),
  pbsBackups: z.array(PbsBackup),
  pmgBackups: pending,
  backups: z.object({ pve: z.array(PveStorageBackup), pbs: z.array(PbsBackup), pmg: pending }),
  pveBackups: z.object({
    backupTasks: z.array(PveBackupTask),
    storageBackups: z.array(PveStorageBackup),
    guestSnapshots: z.array(PveGuestSnapshot),
  }),
  replicationJobs: z.array(PveReplicationJob),
  metrics: pending,
  performance: z.object({
    apiCallDuration: z.record(z.string(), z.number()),
    lastPollDuration: z.number(),
    pollingStartTime: z.string(),
    totalApiCalls: z.number(),
    failedApiCalls: z.number(),
  }),
  connectionHealth: z.record(z.string(), z.boolean()),
  stats: StateStats,
  activeAlerts: pending,
  recentlyResolved: pending,
  lastUpdate: z.string(),
  temperatureMonitoringEnabled: z.boolean(),
  resources: z.array(Resource),
});
export type StateResponse = z.infer<typeof StateResponse>;
