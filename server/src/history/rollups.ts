// Rolls each tier up from the one below, a slice of series ids per step, and prunes expired data a
// bounded number of rows per tick.
import type { SqlClient as Client } from '../db/statement-client.ts';
import { encodeBlock } from './block-codec.ts';
import { blocksOfRange, firstBlockFrom, type RollupTier } from './block-reads.ts';
import type { MarkStore } from './marks.ts';
import { appendRange, bucketPoints, emptyPoints, type Points } from './points.ts';
import type { RawTier } from './raw-tier.ts';
import type { Series, SeriesDictionary } from './series.ts';
import { type BlockRow, blockIdAfter, putBlocks, ROLLUP_SQL, stmt } from './sql.ts';
import { type MetricsRetention, retentionSeconds, TIER_RESOLUTION, TIER_SPAN, type Tier } from './tiers.ts';

export class Rollups {
  private readonly client: Client;
  private readonly series: SeriesDictionary;
  private readonly marks: MarkStore;
  private readonly raw: RawTier;
  /** Next series id to roll up within the current span of each tier. */
  private readonly cursor: Record<Tier, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };

  constructor(client: Client, series: SeriesDictionary, marks: MarkStore, raw: RawTier) {
    this.client = client;
    this.series = series;
    this.marks = marks;
    this.raw = raw;
  }

  /**
   * Rolls the next slice of series of the oldest pending span of `tier` up from the tier below.
   * Returns how many series ids it covered.
   */
  async step(tier: RollupTier, budget: number): Promise<number> {
    const span = TIER_SPAN[tier];
    const below = (tier - 1) as Tier;
    const ready = tier === 1 ? this.marks.sealed : this.marks.rolled[below];
    let used = 0;
    while (used < budget) {
      const start = this.marks.rolled[tier];
      const end = start + span;
      if (end > ready) break;
      if (this.cursor[tier] === 0 && !(await this.hasData(below, start, end))) {
        await this.skipEmpty(tier, below, ready);
        continue;
      }
      const from = this.cursor[tier];
      const upto = Math.min(from + (budget - used), this.series.nextId);
      const source =
        below === 0
          ? await this.raw.rollupSource(from, upto, start, end)
          : await blocksOfRange(this.client, below, from, upto, start, end);
      const blocks: BlockRow[] = [];
      for (const [sid, points] of source) {
        const s = this.series.byId(sid);
        // Slabs and blocks of the tier below lie within the span; old raw blocks may reach past it.
        const inside = (points.t[0] ?? start) >= start && (points.t[points.t.length - 1] ?? start) < end;
        const inSpan = inside ? points : appendRange(emptyPoints(), points, start, end - 1);
        if (s && inSpan.t.length > 0)
          blocks.push(blockRow(s, start, bucketPoints(inSpan, TIER_RESOLUTION[tier])));
      }
      const stmts = putBlocks(tier, blocks);
      const finished = upto >= this.series.nextId;
      if (finished) stmts.push(this.marks.statement(`rolled_${tier}`, end));
      if (stmts.length > 0) await this.client.batch(stmts, 'write');
      used += Math.max(1, upto - from);
      if (finished) {
        this.marks.rolled[tier] = end;
        this.cursor[tier] = 0;
      } else this.cursor[tier] = upto;
    }
    return used;
  }

  /** Deletes expired data, but never what the next tier has not taken yet. */
  async prune(now: number, retention: MetricsRetention, budget: number): Promise<void> {
    const keep = retentionSeconds(retention);
    const cutoff = (tier: Tier) => {
      const c = now - keep[tier];
      return tier < 3 ? Math.min(c, this.marks.rolled[(tier + 1) as Tier]) : c;
    };
    const stmts = [
      ...this.raw.pruneStatements(cutoff(0), budget),
      // A block goes once its whole span is past the cutoff: spans starting at or before cutoff - span.
      ...ROLLUP_TIERS.map((tier) =>
        stmt(ROLLUP_SQL[tier].prune, [blockIdAfter(cutoff(tier) - TIER_SPAN[tier]), budget]),
      ),
    ];
    await this.client.batch(stmts, 'write');
    await this.raw.checkLegacy();
  }

  private async hasData(tier: Tier, start: number, end: number): Promise<boolean> {
    const first = await this.firstStartFrom(tier, start);
    return first !== undefined && first < end;
  }

  /** The start of the earliest data of `tier` whose span reaches `t` or later, if any. */
  private firstStartFrom(tier: Tier, t: number): Promise<number | undefined> {
    return tier === 0 ? this.raw.firstStartFrom(t) : firstBlockFrom(this.client, tier, t);
  }

  /** Jumps the rollup mark over spans with no data below (after downtime), never past `ready`. */
  private async skipEmpty(tier: RollupTier, below: Tier, ready: number): Promise<void> {
    const span = TIER_SPAN[tier];
    const first = await this.firstStartFrom(below, this.marks.rolled[tier]);
    const readyStart = Math.floor(ready / span) * span;
    const next = first !== undefined ? Math.floor(first / span) * span : readyStart;
    const target = Math.min(Math.max(next, this.marks.rolled[tier] + span), readyStart);
    await this.client.execute(this.marks.statement(`rolled_${tier}`, target));
    this.marks.rolled[tier] = target;
  }
}

const ROLLUP_TIERS: readonly RollupTier[] = [1, 2, 3];

/** Keyed by its span's start; `end_ts` is its last point. */
function blockRow(s: Series, start: number, p: Points): BlockRow {
  const data = encodeBlock(p, { exponent: s.exponent, rollup: true, deflate: true });
  return [s.id, start, p.t[p.t.length - 1] ?? start, p.t.length, data];
}
