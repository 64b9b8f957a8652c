// The series dictionary: (resource type, resource id, metric) ↔ small integer id, and the second of each
// series' newest sample (a later sample must be newer).
import type { SqlRow as Row } from '../db/statement-client.ts';
import { num, text } from './sql.ts';
import { quantumExponent } from './tiers.ts';

export class Series {
  readonly id: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly metric: string;
  /** Decimal exponent of the quantum its blocks are stored with. */
  readonly exponent: number;
  /** Second of the newest sample recorded (the samples themselves are in the recent buffer or stored). */
  private lastT = Number.NEGATIVE_INFINITY;

  constructor(id: number, resourceType: string, resourceId: string, metric: string) {
    this.id = id;
    this.resourceType = resourceType;
    this.resourceId = resourceId;
    this.metric = metric;
    this.exponent = quantumExponent(metric);
  }

  /** Takes `t` as the newest sample; false when it is not newer than the last one. */
  accept(t: number): boolean {
    if (t <= this.lastT) return false;
    this.lastT = t;
    return true;
  }
}

function keyOf(resourceType: string, resourceId: string, metric: string): string {
  return `${resourceType}\u0000${resourceId}\u0000${metric}`;
}

export class SeriesDictionary {
  private readonly byKey = new Map<string, Series>();
  private readonly byIndex: Array<Series | undefined> = [];
  private fresh: Series[] = [];
  nextId = 1;

  static fromRows(rows: readonly Row[]): SeriesDictionary {
    const dict = new SeriesDictionary();
    for (const row of rows) {
      dict.put(
        new Series(num(row, 'id'), text(row, 'resource_type'), text(row, 'resource_id'), text(row, 'metric')),
      );
    }
    return dict;
  }

  private put(s: Series): void {
    this.byKey.set(keyOf(s.resourceType, s.resourceId, s.metric), s);
    this.byIndex[s.id] = s;
    if (s.id >= this.nextId) this.nextId = s.id + 1;
  }

  get size(): number {
    return this.byKey.size;
  }

  find(resourceType: string, resourceId: string, metric: string): Series | undefined {
    return this.byKey.get(keyOf(resourceType, resourceId, metric));
  }

  ensure(resourceType: string, resourceId: string, metric: string): Series {
    const found = this.find(resourceType, resourceId, metric);
    if (found) return found;
    const s = new Series(this.nextId, resourceType, resourceId, metric);
    this.put(s);
    this.fresh.push(s);
    return s;
  }

  byId(id: number): Series | undefined {
    return this.byIndex[id];
  }

  all(): Series[] {
    return [...this.byKey.values()];
  }

  /** Series created since the last call, to be written with the next flush. */
  takeNew(): Series[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  restoreNew(list: Series[]): void {
    this.fresh = [...list, ...this.fresh];
  }
}
