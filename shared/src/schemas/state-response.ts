// GET /api/state: the seeds' collections (empty until their source exists) plus unified resources.
import { z } from 'zod';
import { DockerHostState } from './docker-state.ts';
import { HostState, RemovedHost } from './host-state.ts';
import { KubernetesClusterState } from './kubernetes-state.ts';
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
  nodes: pending,
  vms: pending,
  containers: pending,
  dockerHosts: z.array(DockerHostState),
  removedDockerHosts: z.array(RemovedHost),
  kubernetesClusters: z.array(KubernetesClusterState),
  removedKubernetesClusters: z.array(RemovedHost),
  hosts: z.array(HostState),
  removedHostAgents: z.array(RemovedHost),
  storage: pending,
  cephClusters: pending,
  physicalDisks: pending,
  pbs: pending,
  pmg: pending,
  pbsBackups: pending,
  pmgBackups: pending,
  backups: z.object({ pve: pending, pbs: pending, pmg: pending }),
  pveBackups: z.object({ backupTasks: pending, storageBackups: pending, guestSnapshots: pending }),
  replicationJobs: pending,
  metrics: pending,
  performance: z.object({
    apiCallDuration: z.record(z.string(), z.number()),
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
