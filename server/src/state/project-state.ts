// GET /api/state and the resource list: read-only projections of the live state.
import type {
  HostMetadata,
  PbsBackup,
  PbsInstance,
  PmgInstance,
  PveStorageBackup,
  Resource,
  StateResponse,
} from '@pulse/shared';
import { type DockerMetadata, dockerResources } from './docker-resources.ts';
import { hostToResource } from './host-resource.ts';
import { kubernetesResources } from './kubernetes-resources.ts';
import type { LiveState } from './live-state.ts';
import { type ExplicitLinks, resolveNodeLinks } from './node-links.ts';
import type { ProxmoxLists } from './proxmox-lists.ts';
import {
  cephToResource,
  diskToResource,
  guestToResource,
  nodeFacet,
  nodeToResource,
  pbsToResource,
  pmgToResource,
  storageToResource,
} from './proxmox-resources.ts';

export interface ResourceMetadata extends DockerMetadata {
  agentHosts: Record<string, HostMetadata>;
  guests?: Record<string, HostMetadata>;
}

const NO_LINKS: ExplicitLinks = { links: new Map(), unlinked: new Set() };

/** The scope part of a guest id (`<scope>:<vmid>`), which also prefixes its node's id. */
const guestScope = (id: string) => id.slice(0, id.lastIndexOf(':'));

/** What Proxmox adds beside the live state: admins' host ↔ node links and the listed PBS/PMG instances. */
export interface ProxmoxExtras {
  links?: ExplicitLinks | undefined;
  lists?: ProxmoxLists | undefined;
  /** hostId → nodeId already resolved from `links` (so a caller that needs it too resolves once). */
  resolved?: Map<string, string>;
}

export function allResources(
  state: LiveState,
  meta: ResourceMetadata,
  extras: ProxmoxExtras = {},
): Resource[] {
  const nodes = state.nodes.list();
  const nodeLinks = extras.resolved ?? resolveNodeLinks(state.hosts.list(), nodes, extras.links ?? NO_LINKS);
  const nodesById = new Map(nodes.map((n) => [n.id, n]));
  const hosts = state.hosts
    .list()
    .map((h) => ({ host: h, resource: hostToResource(h, meta.agentHosts[h.id]) }));
  const byMachine = new Map(hosts.filter((x) => x.host.machineId).map((x) => [x.host.machineId, x.resource]));
  const out = hosts.map((x) => x.resource);
  // A node and the agent on it are one resource with both sources.
  const nodeResource = new Map<string, string>();
  for (const { host, resource } of hosts) {
    const node = nodesById.get(nodeLinks.get(host.id) ?? '');
    if (!node) continue;
    resource.sources.push('proxmox');
    resource.sourceStatus.proxmox = {
      status: node.status === 'online' ? 'online' : 'offline',
      lastSeen: node.lastSeen,
    };
    resource.proxmox = nodeFacet(node);
    nodeResource.set(node.id, resource.id);
  }
  for (const node of nodes) {
    if (nodeResource.has(node.id)) continue;
    const r = nodeToResource(node);
    nodeResource.set(node.id, r.id);
    out.push(r);
  }
  for (const g of [...state.vms.list(), ...state.containers.list()]) {
    out.push(guestToResource(g, nodeResource.get(`${guestScope(g.id)}-${g.node}`), meta.guests?.[g.id]));
  }
  for (const s of state.storage.list()) {
    const parent = s.shared ? undefined : nodes.find((n) => n.name === s.node && n.instance === s.instance);
    out.push(storageToResource(s, parent ? nodeResource.get(parent.id) : undefined));
  }
  for (const c of state.cephClusters.list()) out.push(cephToResource(c));
  for (const d of state.physicalDisks.list()) {
    const parent = nodes.find((n) => n.name === d.node && n.instance === d.instance);
    out.push(diskToResource(d, parent ? nodeResource.get(parent.id) : undefined));
  }
  for (const p of extras.lists?.all<PbsInstance>('pbs') ?? []) out.push(pbsToResource(p));
  for (const p of extras.lists?.all<PmgInstance>('pmg') ?? []) out.push(pmgToResource(p));
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
  lists: ProxmoxLists;
  links?: ExplicitLinks;
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
  const links = resolveNodeLinks(state.hosts.list(), state.nodes.list(), ctx.links ?? NO_LINKS);
  const resources = allResources(state, ctx.metadata, { lists: ctx.lists, resolved: links });
  const { lists } = ctx;
  const storageBackups = lists.all<PveStorageBackup>('storageBackups');
  const pbsBackups = lists.all<PbsBackup>('pbsBackups');
  const hostOfNode = new Map([...links].map(([hostId, nodeId]) => [nodeId, hostId]));
  const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);
  const nodes = state.nodes
    .list()
    .map((n) => {
      const linked = hostOfNode.get(n.id);
      return linked ? { ...n, linkedAgentId: linked } : n;
    })
    .sort(byId);
  return {
    nodes,
    vms: state.vms.list().sort(byId),
    containers: state.containers.list().sort(byId),
    dockerHosts,
    removedDockerHosts: ctx.removed.removedDockerHosts,
    kubernetesClusters,
    removedKubernetesClusters: ctx.removed.removedKubernetesClusters,
    hosts: hosts.map((h) => {
      const linked = links.get(h.id);
      return linked ? { ...h, linkedNodeId: linked } : h;
    }),
    removedHostAgents: ctx.removed.removedHostAgents,
    storage: state.storage.list().sort(byId),
    cephClusters: state.cephClusters.list().sort(byId),
    physicalDisks: state.physicalDisks.list().sort(byId),
    pbs: lists.all<PbsInstance>('pbs'),
    pmg: lists.all<PmgInstance>('pmg'),
    pbsBackups,
    pmgBackups: [],
    backups: { pve: storageBackups, pbs: pbsBackups, pmg: [] },
    pveBackups: {
      backupTasks: lists.all('backupTasks'),
      storageBackups,
      guestSnapshots: lists.all('guestSnapshots'),
    },
    replicationJobs: lists.all('replicationJobs'),
    metrics: [],
    performance: lists.performance,
    connectionHealth: Object.fromEntries(lists.connectionHealth),
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
