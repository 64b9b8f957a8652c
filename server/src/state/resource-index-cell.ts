// One resource of the catalog's list at one place. The catalog swaps the resource a cell holds (never
// changing the resource itself); what queries read often sits on the cell, so that a walk over thousands
// of cells does not also visit thousands of resources.
import type { Resource } from '@pulse/shared';
import { type Slots, slotOf } from './resource-index-tally.ts';
import type { Ranked } from './sorted-ids.ts';

export const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export class Cell implements Ranked, Slots {
  resource: Resource;
  readonly group: number;
  readonly seq: number;
  readonly index: number;
  /** Set to a query's stamp when the cell matched that query. */
  mark = 0;
  typeSlot: number;
  statusSlot: number;
  sourceSlot = -1;
  moreSourceSlots: readonly number[] | undefined;
  /** Lowercase search text and tags, built by the first query that needs them after a change. */
  private hay: string | undefined;
  private tags: ReadonlySet<string> | undefined;

  constructor(resource: Resource, group: number, seq: number, index: number) {
    this.resource = resource;
    this.group = group;
    this.seq = seq;
    this.index = index;
    this.typeSlot = slotOf(resource.type);
    this.statusSlot = slotOf(resource.status);
    this.placeSources(resource.sources);
  }

  /** Whether one of its sources has one of these numbers. */
  hasSource(wanted: ReadonlySet<number>): boolean {
    return wanted.has(this.sourceSlot) || (this.moreSourceSlots?.some((n) => wanted.has(n)) ?? false);
  }

  private placeSources(sources: readonly string[]): void {
    const [first, ...more] = sources.map(slotOf);
    this.sourceSlot = first ?? -1;
    this.moreSourceSlots = more.length > 0 ? more : undefined;
  }

  /** Holds `next` from now on; the caller has moved the cell in the indexes. */
  hold(next: Resource): void {
    const prev = this.resource;
    this.resource = next;
    this.hay = undefined;
    this.tags = undefined;
    if (prev.type !== next.type) this.typeSlot = slotOf(next.type);
    if (prev.status !== next.status) this.statusSlot = slotOf(next.status);
    if (!sameList(prev.sources, next.sources)) this.placeSources(next.sources);
  }

  /** What `q` searches, lowercased part by part and joined by a NUL. */
  searchText(): string {
    if (this.hay === undefined) {
      const r = this.resource;
      this.hay = [r.name, r.displayName, r.id, ...r.identity.hostnames, ...r.identity.ipAddresses]
        .map((h) => h.toLowerCase())
        .join('\u0000');
    }
    return this.hay;
  }

  lowercaseTags(): ReadonlySet<string> {
    this.tags ??= new Set(this.resource.tags.map((t) => t.toLowerCase()));
    return this.tags;
  }
}
