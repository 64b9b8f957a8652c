// One sort order of the resource catalog, kept sorted as resources change: a changed key leaves and
// re-enters its place at the next read, one binary search each for a few changes, one merge for many.
import type { Resource } from '@pulse/shared';

/** A resource with its place in the full list (the order allResources produces), which breaks ties. */
export interface Ranked {
  readonly resource: Resource;
  /** Which part of the list (hosts, nodes, guests, ...), then the stored item, then the item's n-th resource. */
  readonly group: number;
  readonly seq: number;
  readonly index: number;
}

export function compareRank(a: Ranked, b: Ranked): number {
  return a.group - b.group || a.seq - b.seq || a.index - b.index;
}

export interface KeyFields {
  readonly text: string;
  readonly id: string;
  readonly num: number;
  /** The id is printable ASCII, where two different ids never collate as equal (see tie). */
  readonly plain: boolean;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** Where one cell sits in one order: the key it was sorted by, as it was then. A class, so that every
 * placement has one shape and the comparisons that read millions of them stay fast. */
export class Placement<T> implements KeyFields {
  readonly cell: T;
  readonly text: string;
  readonly id: string;
  readonly num: number;
  readonly plain: boolean;

  constructor(cell: T, key: SortKey, r: Resource) {
    this.cell = cell;
    this.text = key.text(r);
    this.id = key.id(r);
    this.num = key.num(r);
    this.plain = PRINTABLE.test(this.id);
  }
}

/** A sort key: what it reads from a resource, and how two keys compare (0: a tie, broken by list place). */
export interface SortKey {
  text(r: Resource): string;
  id(r: Resource): string;
  num(r: Resource): number;
  compare(a: KeyFields, b: KeyFields): number;
  /** compare(a, b) === 0, where a cheaper test can tell. */
  tie(a: KeyFields, b: KeyFields): boolean;
}

/** Changes gathered up to this many are applied one by one; past it the order is merged in one pass. */
const SPLICE_LIMIT = 64;

export class SortedOrder<T extends Ranked> {
  private items: Placement<T>[] = [];
  private readonly current = new Map<T, Placement<T>>();
  private readonly leaving = new Set<Placement<T>>();
  private readonly arriving = new Set<Placement<T>>();
  private tied: Uint8Array | undefined;
  private readonly key: SortKey;

  constructor(key: SortKey) {
    this.key = key;
  }

  /** Follows a new cell or a cell whose resource was replaced; costs nothing when its key is unchanged. */
  track(cell: T): void {
    const r = cell.resource;
    const now = this.current.get(cell);
    if (
      now &&
      now.text === this.key.text(r) &&
      now.id === this.key.id(r) &&
      Object.is(now.num, this.key.num(r))
    ) {
      return;
    }
    if (now) this.drop(now);
    const next = new Placement(cell, this.key, r);
    this.current.set(cell, next);
    this.arriving.add(next);
  }

  untrack(cell: T): void {
    const now = this.current.get(cell);
    if (!now) return;
    this.current.delete(cell);
    this.drop(now);
  }

  /**
   * Visits every cell, ascending by key then list place; descending reverses the keys only, so tied cells
   * keep their list order both ways (as a stable sort of the list does).
   */
  walk(descending: boolean, visit: (cell: T) => void): void {
    this.flush();
    const { items } = this;
    if (!descending) {
      for (const p of items) visit(p.cell);
      return;
    }
    const tied = this.ties();
    let end = items.length - 1;
    while (end >= 0) {
      let start = end;
      while (start > 0 && tied[start] === 1) start--;
      for (let i = start; i <= end; i++) {
        const p = items[i];
        if (p !== undefined) visit(p.cell);
      }
      end = start - 1;
    }
  }

  /** For each position, 1 when its key ties with the one before: kept until the order changes. */
  private ties(): Uint8Array {
    if (this.tied) return this.tied;
    const { items } = this;
    const tied = new Uint8Array(items.length);
    for (let i = 1; i < items.length; i++) {
      const a = items[i - 1];
      const b = items[i];
      if (a !== undefined && b !== undefined && this.key.tie(a, b)) tied[i] = 1;
    }
    this.tied = tied;
    return tied;
  }

  private drop(p: Placement<T>): void {
    // Never placed yet: forgetting it is enough.
    if (!this.arriving.delete(p)) this.leaving.add(p);
  }

  private readonly order = (a: Placement<T>, b: Placement<T>): number =>
    this.key.compare(a, b) || compareRank(a.cell, b.cell);

  /** First position whose placement does not sort before `p`. */
  private lowerBound(p: Placement<T>): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.items[mid];
      if (at !== undefined && this.order(at, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private flush(): void {
    const { leaving, arriving } = this;
    if (leaving.size + arriving.size === 0) return;
    if (leaving.size + arriving.size <= SPLICE_LIMIT) {
      // Leaving first: a cell re-placed with an equal key and place must not meet its old placement.
      for (const p of leaving) {
        let at = this.lowerBound(p);
        if (this.items[at] !== p) at = this.items.indexOf(p);
        if (at >= 0) this.items.splice(at, 1);
      }
      for (const p of arriving) this.items.splice(this.lowerBound(p), 0, p);
    } else {
      const kept = leaving.size > 0 ? this.items.filter((p) => !leaving.has(p)) : this.items;
      const added = [...arriving].sort(this.order);
      this.items = merge(kept, added, this.order);
    }
    leaving.clear();
    arriving.clear();
    this.tied = undefined;
  }
}

function merge<P>(a: readonly P[], b: readonly P[], order: (x: P, y: P) => number): P[] {
  const out: P[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const x = a[i];
    const y = b[j];
    if (x === undefined) {
      if (y === undefined) return out;
      out.push(y);
      j++;
    } else if (y !== undefined && order(y, x) < 0) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
    }
  }
}
