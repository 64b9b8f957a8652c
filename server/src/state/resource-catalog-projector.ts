// How the resource catalog projects stored items: every item at a full rebuild (working out again which
// items merge into or parent others), or only the changed ones with the relations of the last rebuild.
// Each item's resources sit in cells of the index at the item's place in the list.
import type {
  DockerHostState,
  HostState,
  PbsInstance,
  PmgInstance,
  ProxmoxNode,
  Resource,
} from '@pulse/shared';
import { dockerResources } from './docker-resources.ts';
import { hostToResource } from './host-resource.ts';
import type { SerialiseFailure } from './json-stream.ts';
import type { LiveState } from './live-state.ts';
import { type ExplicitLinks, resolveNodeLinks } from './node-links.ts';
import type { OnProjectionFailure, ResourceMetadata } from './project-state.ts';
import type { ProxmoxLists } from './proxmox-lists.ts';
import { nodeFacet, nodeToResource, pbsToResource, pmgToResource } from './proxmox-resources.ts';
import {
  applyMerge,
  dockerRelation,
  type Entry,
  emptyRelations,
  GROUPS,
  type GroupName,
  hostRelation,
  LEAF_GROUPS,
  type LeafGroup,
  mergeOf,
  mergeProbe,
  nodeRelation,
  place,
  pushTo,
  type Relations,
} from './resource-catalog-entries.ts';
import { leafProjection } from './resource-catalog-leaves.ts';
import { ResourceIndex } from './resource-index.ts';
import type { Cell } from './resource-index-cell.ts';

/** What the resources are projected from, each store with a revision that moves when its content does. */
export interface CatalogSources {
  state: LiveState;
  metadata: { readonly revision: number; forResources(): ResourceMetadata };
  hostLinks: { readonly revision: number; current(): ExplicitLinks };
  lists: Pick<ProxmoxLists, 'revision' | 'all'>;
  /** Where an item whose projection threw is reported (it is left out), once per projection. */
  onFailure: OnProjectionFailure;
}

/** The items changed since the last read, per group. */
export type Dirty = ReadonlyMap<GroupName, ReadonlySet<Entry>>;

const RANK = new Map<GroupName, number>(GROUPS.map((g, i) => [g, i]));

export class ResourceProjector {
  readonly index = new ResourceIndex();
  /** Per group, the items in the state's order (a map keeps the order items were added in, as the state's). */
  readonly entries = new Map<GroupName, Map<string, Entry>>(GROUPS.map((g) => [g, new Map()]));
  /** Moves with every change of a cell, so that copies of the whole list know they are stale. */
  version = 0;
  /** Work done so far: full rebuilds, and items whose resources were (re)placed. For tests and benches. */
  readonly effort = { rebuilds: 0, itemsPlaced: 0 };
  private readonly sources: CatalogSources;
  private readonly state: LiveState;
  private rel: Relations = emptyRelations({ agentHosts: {}, hosts: {}, containers: {} });
  private seq = 0;
  /** Failures of an incremental pass, held until it is known to stand. */
  private held: SerialiseFailure[] | undefined;

  constructor(sources: CatalogSources) {
    this.sources = sources;
    this.state = sources.state;
  }

  /** A new item, placed after every item the group holds. */
  track(group: GroupName, id: string): Entry {
    const entry: Entry = {
      group,
      id,
      seq: this.seq++,
      cells: [],
      relation: '',
      failed: false,
      merge: undefined,
    };
    this.entries.get(group)?.set(id, entry);
    return entry;
  }

  /** A removed item: its resources leave the index at once. */
  forget(group: GroupName, id: string): Entry | undefined {
    const entry = this.entry(group, id);
    if (!entry) return undefined;
    this.entries.get(group)?.delete(id);
    this.setCells(entry, []);
    return entry;
  }

  entry(group: GroupName, id: string): Entry | undefined {
    return this.entries.get(group)?.get(id);
  }

  private items(group: GroupName): Iterable<Entry> {
    return this.entries.get(group)?.values() ?? [];
  }

  private fail(path: string, id: string, error: unknown): void {
    const failure = { path, id, error };
    if (this.held) this.held.push(failure);
    else this.sources.onFailure(failure);
  }

  /** The incremental pass, whose failures are reported only if it stands (a rebuild reports them again). */
  tryIncremental(dirty: Dirty): boolean {
    const held: SerialiseFailure[] = [];
    this.held = held;
    let done = false;
    try {
      done = this.incremental(dirty);
    } finally {
      this.held = undefined;
    }
    if (done) for (const failure of held) this.sources.onFailure(failure);
    return done;
  }

  /** Re-projects every item and works the relations out again, as allResources does on every call. */
  rebuild(): void {
    this.effort.rebuilds++;
    const { state } = this;
    const meta = this.sources.metadata.forResources();
    const links = resolveNodeLinks(state.hosts.list(), state.nodes.list(), this.sources.hostLinks.current());
    const rel: Relations = { ...emptyRelations(meta), links };
    this.rel = rel;
    const bases = new Map<Entry, { host: HostState; resource: Resource }>();
    const byMachine = new Map<string, Entry>();
    for (const e of this.items('hosts')) {
      const host = state.hosts.get(e.id);
      if (!host) continue;
      e.relation = hostRelation(host);
      try {
        const resource = hostToResource(host, meta.agentHosts[host.id]);
        bases.set(e, { host, resource });
        rel.hostResourceId.set(e, resource.id);
        if (host.machineId) byMachine.set(host.machineId, e);
      } catch (error) {
        this.fail('hosts', host.id, error);
      }
      e.failed = !bases.has(e);
    }
    for (const [e, { host, resource }] of bases) {
      const nodeId = links.get(host.id);
      if (nodeId === undefined || !state.nodes.get(nodeId)) continue;
      pushTo(rel.hostsOfNode, nodeId, e);
      rel.nodeResource.set(nodeId, resource.id);
    }
    for (const e of this.items('nodes')) {
      const node = state.nodes.get(e.id);
      if (!node) continue;
      e.relation = nodeRelation(node);
      this.projectNode(e, node);
      const at = place(node.instance, node.name);
      if (!rel.nodeAt.has(at)) rel.nodeAt.set(at, node.id);
    }
    for (const e of this.items('dockerHosts')) {
      const d = state.dockerHosts.get(e.id);
      if (!d) continue;
      e.relation = dockerRelation(d);
      const target = !d.hidden && d.machineId ? byMachine.get(d.machineId) : undefined;
      if (target) {
        rel.dockerTarget.set(d.id, target);
        pushTo(rel.dockersOfHost, target, e);
      }
      this.projectDocker(e, d);
    }
    for (const e of this.items('hosts')) {
      const base = bases.get(e);
      if (base) this.composeHost(e, base.host, base.resource);
      else this.setCells(e, []);
    }
    for (const group of LEAF_GROUPS) for (const e of this.items(group)) this.project(group, e);
    this.projectLists();
  }

  /**
   * Re-projects the dirty items alone, with the relations of the last rebuild; false when a change touches
   * those relations (the caller then rebuilds). An agent host is recomposed when its node or Docker host moved.
   */
  private incremental(dirty: Dirty): boolean {
    const { state, rel } = this;
    const hosts = new Set<Entry>();
    for (const e of dirty.get('hosts') ?? []) {
      const host = state.hosts.get(e.id);
      if (!host) continue;
      if (hostRelation(host) !== e.relation) return false;
      hosts.add(e);
    }
    for (const e of dirty.get('nodes') ?? []) {
      const node = state.nodes.get(e.id);
      if (!node) continue;
      if (nodeRelation(node) !== e.relation) return false;
      const carriers = rel.hostsOfNode.get(node.id);
      if (carriers) {
        for (const c of carriers) hosts.add(c);
        continue;
      }
      const failed = e.failed;
      this.projectNode(e, node);
      if (e.failed !== failed) return false;
    }
    for (const e of dirty.get('dockerHosts') ?? []) {
      const d = state.dockerHosts.get(e.id);
      if (!d) continue;
      if (dockerRelation(d) !== e.relation) return false;
      this.projectDocker(e, d);
      const target = rel.dockerTarget.get(d.id);
      if (target) hosts.add(target);
    }
    for (const e of hosts) {
      const host = state.hosts.get(e.id);
      if (!host) continue;
      const failed = e.failed;
      this.composeHost(e, host, undefined);
      if (e.failed !== failed) return false;
    }
    for (const group of LEAF_GROUPS) for (const e of dirty.get(group) ?? []) this.project(group, e);
    return true;
  }

  /** The agent host's resource with its Proxmox node and the Docker hosts of its machine merged in. */
  private composeHost(e: Entry, host: HostState, base: Resource | undefined): void {
    let r = base;
    if (!r) {
      try {
        r = hostToResource(host, this.rel.meta.agentHosts[host.id]);
      } catch (error) {
        this.fail('hosts', host.id, error);
      }
    }
    e.failed = !r;
    if (!r) {
      this.setCells(e, []);
      return;
    }
    const node = this.state.nodes.get(this.rel.links.get(host.id) ?? '');
    if (node) {
      r.sources.push('proxmox');
      r.sourceStatus.proxmox = {
        status: node.status === 'online' ? 'online' : 'offline',
        lastSeen: node.lastSeen,
      };
      r.proxmox = nodeFacet(node);
    }
    for (const d of this.rel.dockersOfHost.get(e) ?? []) if (d.merge) applyMerge(r, d.merge);
    this.setCells(e, [r]);
  }

  private projectNode(e: Entry, node: ProxmoxNode): void {
    e.failed = false;
    // Carried by its agent host's resource.
    if (this.rel.hostsOfNode.has(node.id)) {
      this.setCells(e, []);
      return;
    }
    try {
      const r = nodeToResource(node);
      this.rel.nodeResource.set(node.id, r.id);
      this.setCells(e, [r]);
    } catch (error) {
      this.fail('nodes', node.id, error);
      e.failed = true;
      this.setCells(e, []);
    }
  }

  private projectDocker(e: Entry, d: DockerHostState): void {
    e.merge = undefined;
    if (d.hidden) {
      this.setCells(e, []);
      return;
    }
    const target = this.rel.dockerTarget.get(d.id);
    const parentId = target && this.rel.hostResourceId.get(target);
    const probe = parentId === undefined ? undefined : mergeProbe(parentId);
    let out: Resource[] = [];
    try {
      const { host, children } = dockerResources(d, this.rel.meta, probe);
      out = host ? [host, ...children] : children;
    } catch (error) {
      this.fail('dockerHosts', d.id, error);
    }
    // A merge written before the containers failed stays, as on the shared resource in allResources.
    if (probe) e.merge = mergeOf(probe);
    this.setCells(e, out);
  }

  /** An item that produces only its own resources. */
  private project(group: LeafGroup, e: Entry): void {
    const produce = leafProjection(this.state, this.rel, group, e.id);
    if (!produce) return;
    let out: Resource[] = [];
    try {
      out = produce();
    } catch (error) {
      this.fail(group, e.id, error);
    }
    this.setCells(e, out);
  }

  /** PBS and PMG instances: one entry per list, re-projected whole when the lists move. */
  projectLists(): void {
    const each = <T extends { id: string }>(list: 'pbs' | 'pmg', project: (item: T) => Resource) => {
      const out: Resource[] = [];
      for (const item of this.sources.lists.all<T>(list)) {
        try {
          out.push(project(item));
        } catch (error) {
          this.fail(list, item.id, error);
        }
      }
      const e = this.entry(list, list);
      if (e) this.setCells(e, out);
    };
    each<PbsInstance>('pbs', pbsToResource);
    each<PmgInstance>('pmg', pmgToResource);
  }

  /** Puts an item's new resources in its cells, one place each, adding or dropping cells as the count moves. */
  setCells(e: Entry, resources: readonly Resource[]): void {
    const group = RANK.get(e.group) ?? 0;
    const cells: Cell[] = [];
    resources.forEach((resource, index) => {
      const cell = e.cells[index];
      if (cell) {
        this.index.replace(cell, resource);
        cells.push(cell);
      } else {
        cells.push(this.index.add(resource, group, e.seq, index));
      }
    });
    for (const cell of e.cells.slice(resources.length)) this.index.remove(cell);
    e.cells = cells;
    this.version++;
    this.effort.itemsPlaced++;
  }
}
