// GET /api/resources from indexes kept up to date on change: the live state's change feed marks stored items
// dirty, the next read re-projects only those, and filters, sorts and pages use indexes instead of projecting,
// scanning and sorting every resource per call. Answers equal queryResources(allResources(...), q).
import type { Resource, ResourceListResponse, ResourceQuery, ResourceStats } from '@pulse/shared';
import type { CollectionName, StateChange } from './live-state.ts';
import { type Entry, GROUPS, type GroupName } from './resource-catalog-entries.ts';
import { type CatalogSources, ResourceProjector } from './resource-catalog-projector.ts';
import { resourceStats } from './resource-query.ts';

export type { CatalogSources } from './resource-catalog-projector.ts';

/** Collections whose items decide other items' resources (merges, parents): adding or removing one rebuilds. */
const RELATIONAL = new Set<CollectionName>(['hosts', 'nodes', 'dockerHosts']);

export class ResourceCatalog {
  private readonly sources: CatalogSources;
  private readonly projector: ResourceProjector;
  private readonly dirty = new Map<GroupName, Set<Entry>>(GROUPS.map((g) => [g, new Set()]));
  /** An item of a relational collection came or went, or nothing was built yet. */
  private structural = true;
  private seen = { metadata: -1, links: -1, lists: -1 };
  private listed: { version: number; list: readonly Resource[]; stats?: ResourceStats } | undefined;
  /** Stops following the state. */
  readonly stop: () => void;

  constructor(sources: CatalogSources) {
    this.sources = sources;
    this.projector = new ResourceProjector(sources);
    const { state } = sources;
    for (const g of GROUPS) {
      if (g === 'pbs' || g === 'pmg') this.projector.track(g, g);
      else for (const item of state[g].list()) this.projector.track(g, item.id);
    }
    this.stop = state.onChange((change) => this.follow(change));
  }

  /** Full rebuilds, and items whose resources were (re)placed, so far: for tests and benches. */
  get effort(): { rebuilds: number; itemsPlaced: number } {
    return { ...this.projector.effort };
  }

  /** GET /api/resources: what queryResources(allResources(...), q) answers. */
  query(q: ResourceQuery): ResourceListResponse {
    this.refresh();
    const { cells, total, aggregations } = this.projector.index.query(q);
    return {
      data: cells.map((c) => c.resource),
      meta: { page: q.page, limit: q.limit, total, totalPages: Math.max(1, Math.ceil(total / q.limit)) },
      aggregations,
    };
  }

  /** Every resource in the order allResources lists them; the array is never changed once handed out. */
  list(): readonly Resource[] {
    this.refresh();
    const { version } = this.projector;
    if (this.listed?.version !== version) {
      const list: Resource[] = [];
      for (const entries of this.projector.entries.values()) {
        for (const e of entries.values()) for (const c of e.cells) list.push(c.resource);
      }
      this.listed = { version, list };
    }
    return this.listed.list;
  }

  stats(): ResourceStats {
    const list = this.list();
    const listed = this.listed;
    if (!listed) return resourceStats(list);
    listed.stats ??= resourceStats(list);
    return listed.stats;
  }

  /** The first resource with this id, as a search of the list would find it. */
  get(id: string): Resource | undefined {
    this.refresh();
    return this.projector.index.get(id);
  }

  /** Runs inside every state write: notes what changed and leaves the work to the next read. */
  private follow(change: StateChange): void {
    const group = change.collection;
    const dirty = this.dirty.get(group);
    if (!dirty) return;
    if (change.kind === 'removed') {
      const entry = this.projector.forget(group, change.id);
      if (!entry) return;
      dirty.delete(entry);
      if (RELATIONAL.has(group)) this.structural = true;
      return;
    }
    let entry = this.projector.entry(group, change.item.id);
    if (!entry) {
      entry = this.projector.track(group, change.item.id);
      if (RELATIONAL.has(group)) this.structural = true;
    }
    dirty.add(entry);
  }

  /** Brings the cells up to date: the dirty items alone when nothing they relate by moved, else everything. */
  private refresh(): void {
    const revisions = {
      metadata: this.sources.metadata.revision,
      links: this.sources.hostLinks.revision,
      lists: this.sources.lists.revision,
    };
    const relationsMoved =
      this.structural || revisions.metadata !== this.seen.metadata || revisions.links !== this.seen.links;
    const listsMoved = revisions.lists !== this.seen.lists;
    const anyDirty = [...this.dirty.values()].some((d) => d.size > 0);
    if (!relationsMoved && !listsMoved && !anyDirty) return;
    if (relationsMoved || !this.projector.tryIncremental(this.dirty)) this.projector.rebuild();
    else if (listsMoved) this.projector.projectLists();
    for (const d of this.dirty.values()) d.clear();
    this.structural = false;
    this.seen = revisions;
  }
}
