// Reads a tier for one or many series: stored blocks, then what is not stored yet — recent samples for
// raw, and for rollup tiers the tier below rolled up on the fly past the tier's rollup mark.
import type { SqlClient as Client } from '../db/statement-client.ts';
import { readTierBlocks } from './block-reads.ts';
import type { Marks } from './marks.ts';
import { appendRange, bucketPoints, emptyPoints, type Points } from './points.ts';
import type { RawTier } from './raw-tier.ts';
import type { Series, SeriesDictionary } from './series.ts';
import { TIER_RESOLUTION, type Tier } from './tiers.ts';

export class HistoryReader {
  private readonly client: Client;
  private readonly series: SeriesDictionary;
  private readonly marks: Marks;
  private readonly raw: RawTier;

  constructor(client: Client, series: SeriesDictionary, marks: Marks, raw: RawTier) {
    this.client = client;
    this.series = series;
    this.marks = marks;
    this.raw = raw;
  }

  find(resourceType: string, resourceId: string, metric: string): Series | undefined {
    return this.series.find(resourceType, resourceId, metric);
  }

  /**
   * Every series of one resource, by metric name. A scan of the dictionary: it is in memory, and a
   * history query per resource is rare next to the samples recorded.
   */
  findResource(resourceType: string, resourceId: string): Series[] {
    return this.series
      .all()
      .filter((s) => s.resourceType === resourceType && s.resourceId === resourceId)
      .sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  }

  async read(s: Series, tier: Tier, from: number, to: number): Promise<Points> {
    return (await this.readMany([s], tier, from, to)).get(s.id) ?? emptyPoints();
  }

  /** Points with from <= t <= to (unix seconds), oldest first, per series id. */
  async readMany(
    list: readonly Series[],
    tier: Tier,
    from: number,
    to: number,
  ): Promise<Map<number, Points>> {
    if (tier === 0) return this.raw.read(list, from, to);
    // Read the mark before the blocks: a rollup finishing in between then only means on-the-fly work.
    const rolledUntil = this.marks.rolled[tier];
    const storedTo = Math.min(to, rolledUntil - 1);
    const out = new Map<number, Points>(list.map((s) => [s.id, emptyPoints()]));
    if (storedTo >= from) await readTierBlocks(this.client, list, tier, from, storedTo, out);
    if (to >= rolledUntil) {
      const lower = await this.readMany(list, (tier - 1) as Tier, Math.max(from, rolledUntil), to);
      for (const s of list) {
        const below = lower.get(s.id);
        const dst = out.get(s.id);
        if (below && dst && below.t.length > 0)
          appendRange(dst, bucketPoints(below, TIER_RESOLUTION[tier]), from, to);
      }
    }
    return out;
  }

  get dictionary(): SeriesDictionary {
    return this.series;
  }
}
