// The catalog's indexes over its cells: by id, type, status and source, and one kept order per sort key.
// A query filters the smallest candidate set, then sorts the few it kept or walks a kept order.
import type { Resource, ResourceQuery, ResourceStats } from '@pulse/shared';
import { Cell, sameList } from './resource-index-cell.ts';
import { slotOf, Tally } from './resource-index-tally.ts';
import { compareRank, type KeyFields, Placement, SortedOrder, type SortKey } from './sorted-ids.ts';

/** One page of a query, with what queryResources counts over every match. */
export interface QueryPage {
  cells: Cell[];
  total: number;
  aggregations: ResourceStats;
}

type SortName = ResourceQuery['sort'];

// The same collators, compared the same way, as queryResources: the orders must equal its sort.
const caseless = new Intl.Collator(undefined, { sensitivity: 'base' });
const exact = new Intl.Collator();

const textThenId = (a: KeyFields, b: KeyFields) =>
  caseless.compare(a.text, b.text) || exact.compare(a.id, b.id);
/**
 * Two different printable ASCII ids never collate as equal (only code points without any weight can make
 * different strings equal, and printable ASCII has none), and resource ids are hashes in ASCII: so a tie
 * almost always needs no collator at all.
 */
const textTie = (a: KeyFields, b: KeyFields) =>
  a.id === b.id || !(a.plain && b.plain) ? textThenId(a, b) === 0 : false;
const none = () => '';
const zero = () => 0;

const SORT_KEYS: Record<SortName, SortKey> = {
  name: { text: (r) => r.displayName, id: (r) => r.id, num: zero, compare: textThenId, tie: textTie },
  type: { text: (r) => r.type, id: (r) => r.id, num: zero, compare: textThenId, tie: textTie },
  status: { text: (r) => r.status, id: (r) => r.id, num: zero, compare: textThenId, tie: textTie },
  lastSeen: {
    text: none,
    id: none,
    num: (r) => r.lastSeen,
    compare: (a, b) => a.num - b.num,
    tie: (a, b) => a.num - b.num === 0,
  },
};

/** A candidate set sorted directly when it is at most this share of all cells; past it a kept order is walked. */
const DIRECT_SORT_SHARE = 1 / 16;

function add<K>(map: Map<K, Set<Cell>>, key: K, cell: Cell): void {
  const set = map.get(key);
  if (set) set.add(cell);
  else map.set(key, new Set([cell]));
}

function remove<K>(map: Map<K, Set<Cell>>, key: K, cell: Cell): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(cell);
  if (set.size === 0) map.delete(key);
}

/**
 * The query's filters, tested as queryResources tests them: type, status and source on the cell's numbers
 * for them (one number per distinct value, so the same test), tags and text on lowercased copies made once.
 */
function matcher(q: ResourceQuery): (cell: Cell) => boolean {
  const slots = (values: readonly string[] | undefined) => (values ? new Set(values.map(slotOf)) : undefined);
  const types = slots(q.type);
  const statuses = slots(q.status);
  const sources = slots(q.source);
  const tags = q.tags && q.tags.length > 0 ? q.tags.map((t) => t.toLowerCase()) : undefined;
  const needle = q.q ? q.q.toLowerCase() : undefined;
  // A needle holding the joining NUL could match across two parts: it is tested part by part.
  const acrossParts = needle?.includes('\u0000') ?? false;
  return (cell) => {
    if (types && !types.has(cell.typeSlot)) return false;
    if (statuses && !statuses.has(cell.statusSlot)) return false;
    if (sources && !cell.hasSource(sources)) return false;
    if (tags) {
      const have = cell.lowercaseTags();
      if (!tags.every((t) => have.has(t))) return false;
    }
    if (needle !== undefined) {
      const hay = cell.searchText();
      if (!acrossParts) return hay.includes(needle);
      return hay.split('\u0000').some((h) => h.includes(needle));
    }
    return true;
  };
}

export class ResourceIndex {
  private readonly all = new Set<Cell>();
  private readonly byId = new Map<string, Set<Cell>>();
  private readonly byType = new Map<string, Set<Cell>>();
  private readonly byStatus = new Map<string, Set<Cell>>();
  private readonly bySource = new Map<string, Set<Cell>>();
  private readonly orders: Record<SortName, SortedOrder<Cell>> = {
    name: new SortedOrder(SORT_KEYS.name),
    type: new SortedOrder(SORT_KEYS.type),
    status: new SortedOrder(SORT_KEYS.status),
    lastSeen: new SortedOrder(SORT_KEYS.lastSeen),
  };
  private stamp = 0;

  /** A new cell for `resource` at its place in the list, indexed. */
  add(resource: Resource, group: number, seq: number, index: number): Cell {
    const cell = new Cell(resource, group, seq, index);
    this.all.add(cell);
    add(this.byId, resource.id, cell);
    add(this.byType, resource.type, cell);
    add(this.byStatus, resource.status, cell);
    for (const s of resource.sources) add(this.bySource, s, cell);
    for (const order of Object.values(this.orders)) order.track(cell);
    return cell;
  }

  /** Puts `next` in the cell in place of its resource, moving the cell only in the indexes whose key changed. */
  replace(cell: Cell, next: Resource): void {
    const prev = cell.resource;
    cell.hold(next);
    if (prev.id !== next.id) {
      remove(this.byId, prev.id, cell);
      add(this.byId, next.id, cell);
    }
    if (prev.type !== next.type) {
      remove(this.byType, prev.type, cell);
      add(this.byType, next.type, cell);
    }
    if (prev.status !== next.status) {
      remove(this.byStatus, prev.status, cell);
      add(this.byStatus, next.status, cell);
    }
    if (!sameList(prev.sources, next.sources)) {
      for (const s of prev.sources) remove(this.bySource, s, cell);
      for (const s of next.sources) add(this.bySource, s, cell);
    }
    for (const order of Object.values(this.orders)) order.track(cell);
  }

  remove(cell: Cell): void {
    const r = cell.resource;
    this.all.delete(cell);
    remove(this.byId, r.id, cell);
    remove(this.byType, r.type, cell);
    remove(this.byStatus, r.status, cell);
    for (const s of r.sources) remove(this.bySource, s, cell);
    for (const order of Object.values(this.orders)) order.untrack(cell);
  }

  /** The first resource of the list with this id (ids can repeat: two hosts of one name, say). */
  get(id: string): Resource | undefined {
    let first: Cell | undefined;
    for (const cell of this.byId.get(id) ?? []) if (!first || compareRank(cell, first) < 0) first = cell;
    return first?.resource;
  }

  /**
   * The page `q` asks for, in the order queryResources gives (stable by list place on ties), with the count
   * and aggregations over every match, tallied in that same order (so their keys come in the same order).
   */
  query(q: ResourceQuery): QueryPage {
    const stamp = ++this.stamp;
    const matches = matcher(q);
    const matched: Cell[] = [];
    for (const set of this.candidates(q)) {
      for (const cell of set) {
        // A cell of several requested sources is met once per source.
        if (cell.mark === stamp || !matches(cell)) continue;
        cell.mark = stamp;
        matched.push(cell);
      }
    }
    const start = (q.page - 1) * q.limit;
    const end = start + q.limit;
    const tally = new Tally();
    const descending = q.order === 'desc';
    if (matched.length <= this.all.size * DIRECT_SORT_SHARE) {
      const key = SORT_KEYS[q.sort];
      const dir = descending ? -1 : 1;
      const keyed = matched.map((cell) => new Placement(cell, key, cell.resource));
      keyed.sort((a, b) => dir * key.compare(a, b) || compareRank(a.cell, b.cell));
      for (const { cell } of keyed) tally.add(cell);
      return {
        cells: keyed.slice(start, end).map((k) => k.cell),
        total: matched.length,
        aggregations: tally.stats(),
      };
    }
    // Most cells match: walk the kept order rather than sort them.
    const cells: Cell[] = [];
    let at = 0;
    this.orders[q.sort].walk(descending, (cell) => {
      if (cell.mark !== stamp) return;
      tally.add(cell);
      if (at >= start && at < end) cells.push(cell);
      at++;
    });
    return { cells, total: matched.length, aggregations: tally.stats() };
  }

  /** The smallest of the type, status and source unions the query asks for; every cell when it asks none. */
  private candidates(q: ResourceQuery): Iterable<Cell>[] {
    const unions: Set<Cell>[][] = [];
    const union = (map: Map<string, Set<Cell>>, values: readonly string[] | undefined) => {
      if (values === undefined) return;
      const sets: Set<Cell>[] = [];
      for (const v of new Set(values)) {
        const set = map.get(v);
        if (set) sets.push(set);
      }
      unions.push(sets);
    };
    union(this.byType, q.type);
    union(this.byStatus, q.status);
    union(this.bySource, q.source);
    let best: Set<Cell>[] | undefined;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const sets of unions) {
      const size = sets.reduce((n, s) => n + s.size, 0);
      if (size < bestSize) {
        best = sets;
        bestSize = size;
      }
    }
    return best ?? [this.all];
  }
}
