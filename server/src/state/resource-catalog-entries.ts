// What the resource catalog keeps per stored item, and how items tie to one another (the relations a
// full rebuild works out once and a change to a single item then reuses).
import type { DockerHostState, HostState, ProxmoxNode, Resource } from '@pulse/shared';
import { hostAddresses } from './host-resource.ts';
import type { ResourceMetadata } from './project-state.ts';
import type { Cell } from './resource-index-cell.ts';

/** The parts of the list, in the order allResources lists them. */
export const GROUPS = [
  'hosts',
  'nodes',
  'vms',
  'containers',
  'storage',
  'cephClusters',
  'physicalDisks',
  'pbs',
  'pmg',
  'dockerHosts',
  'kubernetesClusters',
] as const;
export type GroupName = (typeof GROUPS)[number];

/** Groups whose items only ever produce their own resources: a change there touches nothing else. */
export const LEAF_GROUPS = [
  'vms',
  'containers',
  'storage',
  'cephClusters',
  'physicalDisks',
  'kubernetesClusters',
] as const;
export type LeafGroup = (typeof LEAF_GROUPS)[number];

export type SourceStatus = Resource['sourceStatus'][string];
export type DockerFacet = NonNullable<Resource['docker']>;

/** What a Docker host on an agent host's machine adds to that host's resource. */
export interface DockerMerge {
  status: SourceStatus;
  facet: DockerFacet;
}

/** One stored item (or, for PBS and PMG, one whole list) and the resources it currently produces. */
export interface Entry {
  readonly group: GroupName;
  readonly id: string;
  /** Grows with every item the catalog meets, so it orders a group's items as the state's map does. */
  readonly seq: number;
  cells: Cell[];
  /** The item's fields that tie it to other items, as of the last full rebuild. */
  relation: string;
  /** Its projection threw at the last attempt (hosts and nodes: other items depend on that). */
  failed: boolean;
  /** Docker hosts merged into an agent host. */
  merge: DockerMerge | undefined;
}

/** Who carries whom, worked out by a full rebuild and unchanged until the next one. */
export interface Relations {
  meta: ResourceMetadata;
  /** Agent host id → Proxmox node id (admins' links, then inference). */
  links: ReadonlyMap<string, string>;
  /** Node id → the agent host entries whose resource carries that node. */
  hostsOfNode: Map<string, Entry[]>;
  /** Docker host id → the agent host entry of the same machine. */
  dockerTarget: Map<string, Entry>;
  /** Agent host entry → Docker host entries merged into it, in state order. */
  dockersOfHost: Map<Entry, Entry[]>;
  /** Agent host entry → its resource id (the parent of merged Docker hosts' containers). */
  hostResourceId: Map<Entry, string>;
  /** Node id → the resource standing for it (its own, or its agent host's). */
  nodeResource: Map<string, string>;
  /** A node's place (connection and name) → the first node at it. */
  nodeAt: Map<string, string>;
}

export function emptyRelations(meta: ResourceMetadata): Relations {
  return {
    meta,
    links: new Map(),
    hostsOfNode: new Map(),
    dockerTarget: new Map(),
    dockersOfHost: new Map(),
    hostResourceId: new Map(),
    nodeResource: new Map(),
    nodeAt: new Map(),
  };
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** As in project-state.ts: a node's place is its connection and its name, joined by a NUL. */
export const place = (instance: string, name: string) => `${instance}\u0000${name}`;

/** The scope part of a guest id (`<scope>:<vmid>`), which also prefixes its node's id. */
export const guestScope = (id: string) => id.slice(0, id.lastIndexOf(':'));

/**
 * What links an agent host to others: its resource id (machine id, conflict, host name), the machine a
 * Docker host shares, and the name and addresses node links are inferred from. Unreadable fields make the
 * projection throw too; they read as one value so that a host that stays broken is not rebuilt for.
 */
export function hostRelation(h: HostState): string {
  try {
    return JSON.stringify([
      h.hostname,
      h.machineId ?? null,
      !!h.identityConflict,
      h.reportIp ?? null,
      hostAddresses(h),
    ]);
  } catch {
    return 'unreadable';
  }
}

/** A node's resource id, its place, and the name and address it is linked by. */
export function nodeRelation(n: ProxmoxNode): string {
  return JSON.stringify([n.name, n.instance, n.clusterName, n.host]);
}

/** Whether and where a Docker host merges. */
export function dockerRelation(d: DockerHostState): string {
  return JSON.stringify([d.machineId ?? null, !!d.hidden]);
}

/**
 * A blank resource standing for the agent host a Docker host merges into: dockerResources writes the merge
 * onto it and takes the containers' parent id from it, and the catalog copies the merge onto the real one.
 */
export function mergeProbe(id: string): Resource {
  return {
    id,
    type: 'agent',
    name: '',
    displayName: '',
    status: 'unknown',
    lastSeen: 0,
    sources: [],
    sourceStatus: {},
    identity: { hostnames: [], ipAddresses: [], macAddresses: [] },
    metrics: {},
    tags: [],
    metricsTarget: { resourceType: '', resourceId: '' },
  };
}

/** The merge dockerResources wrote onto a probe, if it got that far. */
export function mergeOf(probe: Resource): DockerMerge | undefined {
  const status = probe.sourceStatus.docker;
  return probe.docker && status ? { status, facet: probe.docker } : undefined;
}

/** The same three writes dockerResources makes on the agent host's resource. */
export function applyMerge(r: Resource, m: DockerMerge): void {
  r.sources = [...new Set([...r.sources, 'docker' as const])];
  r.sourceStatus.docker = m.status;
  r.docker = m.facet;
}
