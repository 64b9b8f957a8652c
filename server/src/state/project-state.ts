// GET /api/state and the resource list: read-only projections of the live state.
import type { HostMetadata, Resource, StateResponse } from '@pulse/shared';
import { type DockerMetadata, dockerResources } from './docker-resources.ts';
import { hostToResource } from './host-resource.ts';
import { kubernetesResources } from './kubernetes-resources.ts';
import type { LiveState } from './live-state.ts';

export interface ResourceMetadata extends DockerMetadata {
  agentHosts: Record<string, HostMetadata>;
}

export function allResources(state: LiveState, meta: ResourceMetadata): Resource[] {
  const hosts = state.hosts
    .list()
    .map((h) => ({ host: h, resource: hostToResource(h, meta.agentHosts[h.id]) }));
  const byMachine = new Map(hosts.filter((x) => x.host.machineId).map((x) => [x.host.machineId, x.resource]));
  const out = hosts.map((x) => x.resource);
  for (const d of state.dockerHosts.list()) {
    if (d.hidden) continue;
    const { host, children } = dockerResources(d, meta, d.machineId ? byMachine.get(d.machineId) : undefined);
    if (host) out.push(host);
    out.push(...children);
  }
  for (const c of state.kubernetesClusters.list()) {
    if (!c.hidden) out.push(...kubernetesResources(c));
  }
  return out;
}

export interface StateContext {
  state: LiveState;
  metadata: ResourceMetadata;
  removed: Pick<StateResponse, 'removedHostAgents' | 'removedDockerHosts' | 'removedKubernetesClusters'>;
  now: number;
  startedAt: number;
  version: string;
}

const byName = <T extends { displayName: string }>(a: T, b: T) => a.displayName.localeCompare(b.displayName);

export function projectState(ctx: StateContext): StateResponse {
  const { state } = ctx;
  const hosts = state.hosts.list().sort(byName);
  const dockerHosts = state.dockerHosts.list().sort(byName);
  const kubernetesClusters = state.kubernetesClusters.list().sort(byName);
  const resources = allResources(state, ctx.metadata);
  return {
    nodes: [],
    vms: [],
    containers: [],
    dockerHosts,
    removedDockerHosts: ctx.removed.removedDockerHosts,
    kubernetesClusters,
    removedKubernetesClusters: ctx.removed.removedKubernetesClusters,
    hosts,
    removedHostAgents: ctx.removed.removedHostAgents,
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
      dockerHosts: dockerHosts.length,
      kubernetesClusters: kubernetesClusters.length,
      resources: resources.length,
    },
    activeAlerts: [],
    recentlyResolved: [],
    lastUpdate: new Date(state.lastUpdate).toISOString(),
    temperatureMonitoringEnabled: true,
    resources,
  };
}
