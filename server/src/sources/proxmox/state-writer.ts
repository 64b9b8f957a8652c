// Puts what one instance's poll found into the live state: upserts what is there, removes what this
// instance alone had and no longer reports. Two connections to members of one cluster share ids.
import type { LiveEntity, LiveState } from '../../state/live-state.ts';
import type { InstanceLists, ProxmoxLists } from '../../state/proxmox-lists.ts';

type Watched = 'nodes' | 'vms' | 'containers' | 'storage' | 'cephClusters' | 'physicalDisks';

/** Each watched collection's items, typed as the live state holds them. */
export type WatchedItems = { [K in Watched]?: LiveState[K] extends { list(): infer T } ? T : never };

export class ProxmoxStateWriter {
  private readonly state: LiveState;
  private readonly lists: ProxmoxLists;
  private readonly owned = new Map<string, Map<Watched, Set<string>>>();

  constructor(state: LiveState, lists: ProxmoxLists) {
    this.state = state;
    this.lists = lists;
  }

  /** Collections left undefined are not touched (an optional section not polled this cycle). */
  apply(instanceId: string, watched: WatchedItems, lists: Partial<InstanceLists>, now: number): void {
    const mine = this.owned.get(instanceId) ?? new Map<Watched, Set<string>>();
    this.owned.set(instanceId, mine);
    for (const [name, items] of Object.entries(watched) as [Watched, LiveEntity[] | undefined][]) {
      if (items === undefined) continue;
      const collection = this.collection(name);
      const next = new Set(items.map((i) => i.id));
      for (const id of mine.get(name) ?? []) {
        if (!next.has(id) && !this.ownedElsewhere(instanceId, name, id)) collection.remove(id, now);
      }
      for (const item of items) collection.upsert(item, now);
      mine.set(name, next);
    }
    this.lists.set(instanceId, lists);
  }

  /** Items of this instance (for marking its nodes offline when it cannot be reached). */
  ownedIds(instanceId: string, name: Watched): string[] {
    return [...(this.owned.get(instanceId)?.get(name) ?? [])];
  }

  removeInstance(instanceId: string, now: number): void {
    const mine = this.owned.get(instanceId);
    this.owned.delete(instanceId);
    for (const [name, ids] of mine ?? []) {
      for (const id of ids)
        if (!this.ownedElsewhere(instanceId, name, id)) this.collection(name).remove(id, now);
    }
    this.lists.removeInstance(instanceId);
  }

  private ownedElsewhere(instanceId: string, name: Watched, id: string): boolean {
    for (const [other, sets] of this.owned) if (other !== instanceId && sets.get(name)?.has(id)) return true;
    return false;
  }

  private collection(name: Watched) {
    // The collections differ only in their item type; the writer treats them alike.
    return this.state[name] as unknown as {
      upsert(item: LiveEntity, now: number): void;
      remove(id: string, now: number): boolean;
      patch(id: string, patch: Partial<LiveEntity>, now: number): boolean;
    };
  }

  /** Marks items offline (an instance that stopped answering). */
  markOffline(instanceId: string, name: Watched, now: number): void {
    for (const id of this.ownedIds(instanceId, name))
      this.collection(name).patch(id, { status: 'offline' }, now);
  }
}
