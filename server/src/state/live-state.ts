// The single in-memory owner of what is true now, with a change feed. No timers, no I/O.
import type {
  DockerHostState,
  HostState,
  KubernetesClusterState,
  ProxmoxGuest,
  ProxmoxNode,
  ProxmoxStorage,
  PveCephCluster,
  PvePhysicalDisk,
} from '@pulse/shared';

export interface LiveEntity {
  id: string;
  status?: string;
}

export type CollectionName =
  | 'hosts'
  | 'dockerHosts'
  | 'kubernetesClusters'
  | 'nodes'
  | 'vms'
  | 'containers'
  | 'storage'
  | 'cephClusters'
  | 'physicalDisks';

export type StateChange =
  | { kind: 'upserted'; collection: CollectionName; item: LiveEntity }
  | { kind: 'status'; collection: CollectionName; item: LiveEntity; previous: string | undefined }
  | { kind: 'removed'; collection: CollectionName; id: string };

export type ChangeListener = (change: StateChange) => void;

/** One keyed collection of the state; every write goes through the owner's change feed. */
export class Collection<T extends LiveEntity> {
  private readonly items = new Map<string, T>();
  private readonly name: CollectionName;
  private readonly emit: (now: number, change: StateChange) => void;

  constructor(name: CollectionName, emit: (now: number, change: StateChange) => void) {
    this.name = name;
    this.emit = emit;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  upsert(item: T, now: number): void {
    this.items.set(item.id, item);
    this.emit(now, { kind: 'upserted', collection: this.name, item });
  }

  /** Applies a partial change to one item (status flips, admin flags); false when the id is unknown. */
  patch(id: string, patch: Partial<T>, now: number): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    const next = { ...item, ...patch };
    this.items.set(id, next);
    if (patch.status !== undefined && patch.status !== item.status) {
      this.emit(now, { kind: 'status', collection: this.name, item: next, previous: item.status });
    } else {
      this.emit(now, { kind: 'upserted', collection: this.name, item: next });
    }
    return true;
  }

  remove(id: string, now: number): boolean {
    if (!this.items.delete(id)) return false;
    this.emit(now, { kind: 'removed', collection: this.name, id });
    return true;
  }
}

export class LiveState {
  private readonly listeners = new Set<ChangeListener>();
  private updatedAt: number;
  readonly hosts: Collection<HostState>;
  readonly dockerHosts: Collection<DockerHostState>;
  readonly kubernetesClusters: Collection<KubernetesClusterState>;
  readonly nodes: Collection<ProxmoxNode>;
  readonly vms: Collection<ProxmoxGuest>;
  readonly containers: Collection<ProxmoxGuest>;
  readonly storage: Collection<ProxmoxStorage>;
  readonly cephClusters: Collection<PveCephCluster>;
  readonly physicalDisks: Collection<PvePhysicalDisk>;

  constructor(now: number) {
    this.updatedAt = now;
    const emit = (at: number, change: StateChange) => this.touch(at, change);
    this.hosts = new Collection<HostState>('hosts', emit);
    this.dockerHosts = new Collection<DockerHostState>('dockerHosts', emit);
    this.kubernetesClusters = new Collection<KubernetesClusterState>('kubernetesClusters', emit);
    this.nodes = new Collection<ProxmoxNode>('nodes', emit);
    this.vms = new Collection<ProxmoxGuest>('vms', emit);
    this.containers = new Collection<ProxmoxGuest>('containers', emit);
    this.storage = new Collection<ProxmoxStorage>('storage', emit);
    this.cephClusters = new Collection<PveCephCluster>('cephClusters', emit);
    this.physicalDisks = new Collection<PvePhysicalDisk>('physicalDisks', emit);
  }

  get lastUpdate(): number {
    return this.updatedAt;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private touch(now: number, change: StateChange): void {
    this.updatedAt = now;
    for (const listener of this.listeners) listener(change);
  }
}
