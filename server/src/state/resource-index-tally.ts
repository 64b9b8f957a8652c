// The aggregations of a query (counts by type, status and source) without touching the resources: each cell
// carries small numbers for its values, and a tally counts them in arrays. Keys come out in the order they
// are first met, as resourceStats builds its objects, so the answers are the same text as well.
import type { ResourceStats } from '@pulse/shared';

/** Every value ever met gets a number, in one shared space for types, statuses and sources. */
const numbers = new Map<string, number>();
const names: string[] = [];

export function slotOf(value: string): number {
  let n = numbers.get(value);
  if (n === undefined) {
    n = names.length;
    numbers.set(value, n);
    names.push(value);
  }
  return n;
}

/** The numbers of one resource's type, status and sources (the first inline: most have one). */
export interface Slots {
  readonly typeSlot: number;
  readonly statusSlot: number;
  /** -1 for none. */
  readonly sourceSlot: number;
  readonly moreSourceSlots: readonly number[] | undefined;
}

class Counts {
  private counts = new Uint32Array(64);
  private readonly order: number[] = [];

  add(n: number): void {
    if (n >= this.counts.length) {
      const grown = new Uint32Array(Math.max(n + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    if (this.counts[n] === 0) this.order.push(n);
    this.counts[n] = (this.counts[n] ?? 0) + 1;
  }

  record(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of this.order) out[names[n] ?? ''] = this.counts[n] ?? 0;
    return out;
  }
}

export class Tally {
  private total = 0;
  private readonly types = new Counts();
  private readonly statuses = new Counts();
  private readonly sources = new Counts();

  add(s: Slots): void {
    this.total++;
    this.types.add(s.typeSlot);
    this.statuses.add(s.statusSlot);
    if (s.sourceSlot >= 0) this.sources.add(s.sourceSlot);
    if (s.moreSourceSlots) for (const n of s.moreSourceSlots) this.sources.add(n);
  }

  stats(): ResourceStats {
    return {
      total: this.total,
      byType: this.types.record(),
      byStatus: this.statuses.record(),
      bySource: this.sources.record(),
    };
  }
}
