// Reads a tier for one or many series: stored blocks, then what is not stored yet — recent samples for
// raw, and for rollup tiers the tier below rolled up on the fly past the tier's rollup mark.
import type { SqlClient as Client } from '../db/statement-client.ts';
import { decodeBlock } from './block-codec.ts';
import type { Marks } from './marks.ts';
import { appendRange, bucketPoints, emptyPoints, type Points, pushPoint } from './points.ts';
import type { Series, SeriesDictionary } from './series.ts';
import { bytes, num, SQL } from './sql.ts';
import { TIER_RESOLUTION, type Tier } from './tiers.ts';

/** Above this many series one scan of the tier beats a primary-key lookup per series. */
const SCAN_THRESHOLD = 16;

export class HistoryReader {
  private readonly client: Client;
  private readonly series: SeriesDictionary;
  private readonly marks: Marks;

  constructor(client: Client, series: SeriesDictionary, marks: Marks) {
    this.client = client;
    this.series = series;
    this.marks = marks;
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
    // Read the mark before the blocks: a rollup finishing in between then only means on-the-fly work.
    const rolledUntil = tier === 0 ? Number.POSITIVE_INFINITY : this.marks.rolled[tier];
    const storedTo = Math.min(to, rolledUntil - 1);
    const out = new Map<number, Points>(list.map((s) => [s.id, emptyPoints()]));
    if (storedTo >= from) await this.readBlocks(list, tier, from, storedTo, out);
    if (tier === 0) {
      for (const s of list) appendRecent(out.get(s.id), s, from, to);
    } else if (to >= rolledUntil) {
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

  private async readBlocks(
    list: readonly Series[],
    tier: Tier,
    from: number,
    to: number,
    out: Map<number, Points>,
  ): Promise<void> {
    const rows =
      list.length > SCAN_THRESHOLD
        ? (await this.client.execute(SQL.tierBlocks, [tier, from, to])).rows
        : (
            await this.client.batch(
              list.map((s) => ({ sql: SQL.seriesBlocks, args: [s.id, tier, to, from] })),
              'read',
            )
          ).flatMap((rs) => rs.rows);
    for (const row of rows) {
      const dst = out.get(num(row, 'series_id'));
      if (!dst) continue;
      appendRange(dst, decodeBlock(bytes(row, 'data')), from, to);
    }
  }

  get dictionary(): SeriesDictionary {
    return this.series;
  }
}

/** Recent samples not already covered by a block (a seal may land between the two reads). */
function appendRecent(dst: Points | undefined, s: Series, from: number, to: number): void {
  if (!dst) return;
  const after = dst.t.length > 0 ? (dst.t[dst.t.length - 1] ?? 0) : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.recentT.length; i++) {
    const t = s.recentT[i] ?? 0;
    if (t < from || t <= after) continue;
    if (t > to) break;
    const v = s.recentV[i] ?? 0;
    pushPoint(dst, t, v, v, v, 1);
  }
}
