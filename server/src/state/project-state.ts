// GET /api/state and the resource list: read-only projections of the live state.
import type { HostMetadata, Resource, StateResponse } from '@pulse/shared';
import { hostToResource } from './host-resource.ts';
import type { LiveState } from './live-state.ts';

export function allResources(state: LiveState, metadata: Record<string, HostMetadata>): Resource[] {
  return state.hosts.list().map((h) => hostToResource(h, metadata[h.id]));
}

export interface StateContext {
  state: LiveState;
  metadata: Record<string, HostMetadata>;
  removedHosts: StateResponse['removedHostAgents'];
  now: number;
  startedAt: number;
  version: string;
}

export function projectState(ctx: StateContext): StateResponse {
  const hosts = ctx.state.hosts.list().sort((a, b) => a.displayName.localeCompare(b.displayName));
  const resources = allResources(ctx.state, ctx.metadata);
  return {
    nodes: [],
    vms: [],
    containers: [],
    dockerHosts: [],
    removedDockerHosts: [],
    kubernetesClusters: [],
    removedKubernetesClusters: [],
    hosts,
    removedHostAgents: ctx.removedHosts,
    storage: [],
    cephClusters: [],
    physicalDisks: [],
    pbs: [],
    pmg: [],
    pbsBackups: [],
    pmgBackups: [],
    backups: { pve: [], pbs: [], pmg: [] },
    pveBackups: { backupTasks: [], storageBackups: [], guestSnapshots: [] },
    replicationJobs: [],
    metrics: [],
    performance: { apiCallDuration: {}, totalApiCalls: 0, failedApiCalls: 0 },
    connectionHealth: {},
    stats: {
      startTime: new Date(ctx.startedAt).toISOString(),
      uptime: Math.floor((ctx.now - ctx.startedAt) / 1000),
      version: ctx.version,
      hosts: hosts.length,
      resources: resources.length,
    },
    activeAlerts: [],
    recentlyResolved: [],
    lastUpdate: new Date(ctx.state.lastUpdate).toISOString(),
    temperatureMonitoringEnabled: true,
    resources,
  };
}
