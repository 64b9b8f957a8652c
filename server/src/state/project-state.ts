// GET /api/state and the resource list: read-only projections of the live state.
import type {
  HostMetadata,
  HostState,
  PbsBackup,
  PbsInstance,
  PmgInstance,
  ProxmoxGuest,
  ProxmoxNode,
  PveStorageBackup,
  Resource,
  StateResponse,
} from '@pulse/shared';
import { type DockerMetadata, dockerResources } from './docker-resources.ts';
import { hostToResource } from './host-resource.ts';
import type { SerialiseFailure } from './json-stream.ts';
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

/** A node's place: its connection and its name, joined by a NUL, which neither name contains. */
const place = (instance: string, name: string) => `${instance}\u0000${name}`;

/** The scope part of a guest id (`<scope>:<vmid>`), which also prefixes its node's id. */
const guestScope = (id: string) => id.slice(0, id.lastIndexOf(':'));

/** What Proxmox adds beside the live state: admins' host ↔ node links and the listed PBS/PMG instances. */
export interface ProxmoxExtras {
  links?: ExplicitLinks | undefined;
  lists?: ProxmoxLists | undefined;
  /** hostId → nodeId already resolved from `links` (so a caller that needs it too resolves once). */
  resolved?: Map<string, string>;
}

/** Called for a stored item whose projection threw; the item is then left out of the resources. */
export type OnProjectionFailure = (failure: SerialiseFailure) => void;

const rethrow: OnProjectionFailure = ({ error }) => {
  throw error;
};

export function allResources(
  state: LiveState,
  meta: ResourceMetadata,
  extras: ProxmoxExtras = {},
  onFailure: OnProjectionFailure = rethrow,
): Resource[] {
  const out: Resource[] = [];
  // One stored item that the projection cannot handle costs that item, not the whole list.
  const each = <T extends { id: string }>(list: string, items: readonly T[], project: (item: T) => void) => {
    for (const item of items) {
      try {
        project(item);
      } catch (error) {
        onFailure({ path: list, id: item.id, error });
      }
    }
  };
  const nodes = state.nodes.list();
  const nodeLinks = extras.resolved ?? resolveNodeLinks(state.hosts.list(), nodes, extras.links ?? NO_LINKS);
  const nodesById = new Map(nodes.map((n) => [n.id, n]));
  const hosts: { host: HostState; resource: Resource }[] = [];
  each('hosts', state.hosts.list(), (h) => {
    hosts.push({ host: h, resource: hostToResource(h, meta.agentHosts[h.id]) });
  });
  const byMachine = new Map(hosts.filter((x) => x.host.machineId).map((x) => [x.host.machineId, x.resource]));
  for (const { resource } of hosts) out.push(resource);
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
  each('nodes', nodes, (node) => {
    if (nodeResource.has(node.id)) return;
    const r = nodeToResource(node);
    nodeResource.set(node.id, r.id);
    out.push(r);
  });
  const guest = (g: ProxmoxGuest) =>
    out.push(guestToResource(g, nodeResource.get(`${guestScope(g.id)}-${g.node}`), meta.guests?.[g.id]));
  each('vms', state.vms.list(), guest);
  each('containers', state.containers.list(), guest);
  // One lookup per storage or disk rather than a scan of every node for each.
  const nodeAt = new Map<string, ProxmoxNode>();
  for (const n of nodes) {
    const key = place(n.instance, n.name);
    if (!nodeAt.has(key)) nodeAt.set(key, n);
  }
  const parentOf = (instance: string, node: string) => {
    const parent = nodeAt.get(place(instance, node));
    return parent ? nodeResource.get(parent.id) : undefined;
  };
  each('storage', state.storage.list(), (s) => {
    out.push(storageToResource(s, s.shared ? undefined : parentOf(s.instance, s.node)));
  });
  each('cephClusters', state.cephClusters.list(), (c) => out.push(cephToResource(c)));
  each('physicalDisks', state.physicalDisks.list(), (d) => {
    out.push(diskToResource(d, parentOf(d.instance, d.node)));
  });
  each('pbs', extras.lists?.all<PbsInstance>('pbs') ?? [], (p) => out.push(pbsToResource(p)));
  each('pmg', extras.lists?.all<PmgInstance>('pmg') ?? [], (p) => out.push(pmgToResource(p)));
  each('dockerHosts', state.dockerHosts.list(), (d) => {
    if (d.hidden) return;
    const { host, children } = dockerResources(d, meta, d.machineId ? byMachine.get(d.machineId) : undefined);
    if (host) out.push(host);
    for (const child of children) out.push(child);
  });
  each('kubernetesClusters', state.kubernetesClusters.list(), (c) => {
    if (c.hidden) return;
    for (const r of kubernetesResources(c)) out.push(r);
  });
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
  /** Where a stored item whose projection threw is reported (it is left out); by default the error is thrown. */
  onFailure?: OnProjectionFailure;
  /** The unified resources when the caller keeps them already (the resource catalog); projected here otherwise. */
  resources?: Resource[];
}

// One collator for every comparison: localeCompare sets one up per call, which dominated sorting a fleet.
const collator = new Intl.Collator();
const byName = <T extends { displayName: string }>(a: T, b: T) =>
  collator.compare(a.displayName, b.displayName);

export function projectState(ctx: StateContext): StateResponse {
  const { state } = ctx;
  const hosts = state.hosts.list().sort(byName);
  const dockerHosts = state.dockerHosts.list().sort(byName);
  const kubernetesClusters = state.kubernetesClusters.list().sort(byName);
  const links = resolveNodeLinks(state.hosts.list(), state.nodes.list(), ctx.links ?? NO_LINKS);
  const resources =
    ctx.resources ?? allResources(state, ctx.metadata, { lists: ctx.lists, resolved: links }, ctx.onFailure);
  const { lists } = ctx;
  const storageBackups = lists.all<PveStorageBackup>('storageBackups');
  const pbsBackups = lists.all<PbsBackup>('pbsBackups');
  const hostOfNode = new Map([...links].map(([hostId, nodeId]) => [nodeId, hostId]));
  const byId = <T extends { id: string }>(a: T, b: T) => collator.compare(a.id, b.id);
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
