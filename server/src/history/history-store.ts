// The metrics history store: series dictionary, in-memory recent samples, one serialised writer that
// flushes segments, seals blocks, rolls tiers up and prunes them a bounded step at a time.

import type { Clock } from '../clock.ts';
import type { SqlClient as Client, SqlStatement as InStatement } from '../db/statement-client.ts';
import { decodeBlock, encodeBlock } from './block-codec.ts';
import { HistoryReader } from './history-reader.ts';
import { MarkStore, type Marks } from './marks.ts';
import { bucketPoints, emptyPoints, type Points, pushPoint } from './points.ts';
import { decodeSegment, encodeSegment, type SampleBatch } from './segment-codec.ts';
import { type Series, SeriesDictionary } from './series.ts';
import { type BlockRow, bytes, num, putBlocks, SQL, stmt } from './sql.ts';
import {
  type MetricsRetention,
  retentionSeconds,
  TIER_RESOLUTION,
  TIER_SPAN,
  TIERS,
  type Tier,
  type TierName,
  tierName,
} from './tiers.ts';

export interface HistoryStoreOptions {
  clock: Clock;
  retention: MetricsRetention;
  /** Series rolled up per tick, over all tiers: bounds the work of one tick. */
  rollupBudget?: number;
  /** Blocks deleted per tier per tick. */
  pruneBudget?: number;
}

export interface TierStats {
  tier: TierName;
  blocks: number;
  points: number;
  payloadBytes: number;
}

export interface StoreStats {
  dbBytes: number;
  freeBytes: number;
  series: number;
  pendingSamples: number;
  recentSamples: number;
  pendingSegments: number;
  tiers: TierStats[];
}

const SEAL_SPAN = TIER_SPAN[0];

export class HistoryStore {
  readonly retention: MetricsRetention;
  readonly reader: HistoryReader;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly series: SeriesDictionary;
  private readonly marks: MarkStore;
  private readonly rollupBudget: number;
  private readonly pruneBudget: number;
  private pending: SampleBatch = { sid: [], t: [], v: [] };
  /** Next series id to roll up within the current span of each tier. */
  private readonly cursor: Record<Tier, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(client: Client, series: SeriesDictionary, marks: MarkStore, opts: HistoryStoreOptions) {
    this.client = client;
    this.clock = opts.clock;
    this.retention = opts.retention;
    this.series = series;
    this.marks = marks;
    this.rollupBudget = opts.rollupBudget ?? 2000;
    this.pruneBudget = opts.pruneBudget ?? 5000;
    this.reader = new HistoryReader(client, series, marks);
  }

  /** Loads the dictionary and marks, and replays flushed samples that were not sealed yet. */
  static async open(client: Client, opts: HistoryStoreOptions): Promise<HistoryStore> {
    const series = SeriesDictionary.fromRows((await client.execute(SQL.selectSeries)).rows);
    const marks = await MarkStore.load(client, Math.floor(opts.clock.now() / 1000));
    const store = new HistoryStore(client, series, marks, opts);
    for (const row of (await client.execute(SQL.selectSegments)).rows) {
      const batch = decodeSegment(bytes(row, 'data'));
      for (let i = 0; i < batch.sid.length; i++) {
        const s = series.byId(batch.sid[i] ?? 0);
        const t = batch.t[i] ?? 0;
        // Samples before the seal mark are in blocks already.
        if (s && t >= marks.sealed) s.add(t, batch.v[i] ?? 0);
      }
    }
    return store;
  }

  /** The series id for a metric of a resource, created (and written at the next flush) when new. */
  seriesId(resourceType: string, resourceId: string, metric: string): number {
    return this.series.ensure(resourceType, resourceId, metric).id;
  }

  /** Records one sample; a second sample of a series within the same second is dropped. */
  append(seriesId: number, atMs: number, value: number): void {
    if (this.closed || !Number.isFinite(value)) return;
    const s = this.series.byId(seriesId);
    const t = Math.floor(atMs / 1000);
    if (!s || t < this.marks.sealed || !s.add(t, value)) return;
    this.pending.sid.push(seriesId);
    this.pending.t.push(t);
    this.pending.v.push(value);
  }

  record(resourceType: string, resourceId: string, metric: string, atMs: number, value: number): void {
    this.append(this.seriesId(resourceType, resourceId, metric), atMs, value);
  }

  get pendingCount(): number {
    return this.pending.sid.length;
  }

  /** Writes every recorded sample (and new series) in one transaction. */
  flush(): Promise<void> {
    return this.serial(() => this.writePending());
  }

  /** One writer step: flush, then seal, roll up and prune as far as the budgets allow. */
  tick(): Promise<void> {
    return this.serial(async () => {
      const now = Math.floor(this.clock.now() / 1000);
      await this.writePending();
      const boundary = Math.floor(now / SEAL_SPAN) * SEAL_SPAN;
      if (boundary > this.marks.sealed) await this.seal(boundary);
      let budget = this.rollupBudget;
      for (const tier of [1, 2, 3] as const) budget -= await this.rollupStep(tier, budget);
      await this.prune(now);
    });
  }

  /** Flushes what is left; later appends are ignored. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => {});
    return run;
  }

  private async writePending(): Promise<void> {
    const fresh = this.series.takeNew();
    const batch = this.pending;
    if (batch.sid.length === 0 && fresh.length === 0) return;
    this.pending = { sid: [], t: [], v: [] };
    const stmts: InStatement[] = fresh.map((s) =>
      stmt(SQL.insertSeries, [s.id, s.resourceType, s.resourceId, s.metric]),
    );
    if (batch.sid.length > 0)
      stmts.push(stmt(SQL.insertSegment, [Math.max(...batch.t), encodeSegment(batch)]));
    try {
      await this.client.batch(stmts, 'write');
    } catch (err) {
      // Keep everything for the next attempt, in order.
      this.series.restoreNew(fresh);
      this.pending = {
        sid: [...batch.sid, ...this.pending.sid],
        t: [...batch.t, ...this.pending.t],
        v: [...batch.v, ...this.pending.v],
      };
      throw err;
    }
  }

  /** Moves every recent sample older than `boundary` into raw blocks and drops the segments behind it. */
  private async seal(boundary: number): Promise<void> {
    const sealed: Array<{ s: Series; count: number }> = [];
    const blocks: BlockRow[] = [];
    for (const s of this.series.all()) {
      const count = s.countBefore(boundary);
      if (count === 0) continue;
      const p = emptyPoints();
      for (let i = 0; i < count; i++) {
        const v = s.recentV[i] ?? 0;
        pushPoint(p, s.recentT[i] ?? 0, v, v, v, 1);
      }
      blocks.push(blockRow(s, 0, p));
      sealed.push({ s, count });
    }
    const stmts = putBlocks(blocks);
    stmts.push(stmt(SQL.deleteSegments, [boundary]));
    stmts.push(this.marks.statement('sealed', boundary));
    await this.client.batch(stmts, 'write');
    for (const { s, count } of sealed) s.dropFirst(count);
    this.marks.sealed = boundary;
  }

  /**
   * Rolls the next slice of series of the oldest pending span of `tier` up from the tier below.
   * Returns how many series ids it covered.
   */
  private async rollupStep(tier: 1 | 2 | 3, budget: number): Promise<number> {
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
      const rows = (await this.client.execute(SQL.rollupSource, [from, upto, below, start, end])).rows;
      const blocks: BlockRow[] = [];
      let current = -1;
      let points = emptyPoints();
      const close = () => {
        const s = this.series.byId(current);
        if (!s || points.t.length === 0) return;
        const inSpan = emptyPoints();
        for (let i = 0; i < points.t.length; i++) {
          const t = points.t[i] ?? 0;
          if (t >= start && t < end)
            pushPoint(
              inSpan,
              t,
              points.avg[i] ?? 0,
              points.min[i] ?? 0,
              points.max[i] ?? 0,
              points.n[i] ?? 0,
            );
        }
        if (inSpan.t.length > 0) blocks.push(blockRow(s, tier, bucketPoints(inSpan, TIER_RESOLUTION[tier])));
      };
      for (const row of rows) {
        const sid = num(row, 'series_id');
        if (sid !== current) {
          close();
          current = sid;
          points = emptyPoints();
        }
        decodeBlock(bytes(row, 'data'), points);
      }
      close();
      const stmts = putBlocks(blocks);
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

  private async hasData(tier: Tier, start: number, end: number): Promise<boolean> {
    const rs = await this.client.execute(SQL.firstBlockEndAfter, [tier, start]);
    const first = rs.rows[0]?.end_ts;
    return typeof first === 'number' && first < end + TIER_SPAN[tier];
  }

  /** Jumps the rollup mark over spans with no data below (after downtime), never past `ready`. */
  private async skipEmpty(tier: 1 | 2 | 3, below: Tier, ready: number): Promise<void> {
    const span = TIER_SPAN[tier];
    const rs = await this.client.execute(SQL.firstBlockEndAfter, [below, this.marks.rolled[tier]]);
    const firstEnd = rs.rows[0]?.end_ts;
    const readyStart = Math.floor(ready / span) * span;
    // A block ending at firstEnd may start up to one block span earlier.
    const next =
      typeof firstEnd === 'number' ? Math.floor((firstEnd - TIER_SPAN[below]) / span) * span : readyStart;
    const target = Math.min(Math.max(next, this.marks.rolled[tier] + span), readyStart);
    await this.client.execute(this.marks.statement(`rolled_${tier}`, target));
    this.marks.rolled[tier] = target;
  }

  /** Deletes expired blocks, but never ones whose points the next tier has not taken yet. */
  private async prune(now: number): Promise<void> {
    const keep = retentionSeconds(this.retention);
    const stmts = TIERS.map((tier) => {
      let cutoff = now - keep[tier];
      if (tier < 3) cutoff = Math.min(cutoff, this.marks.rolled[(tier + 1) as Tier]);
      return stmt(SQL.pruneTier, [tier, cutoff, this.pruneBudget]);
    });
    await this.client.batch(stmts, 'write');
  }

  async stats(): Promise<StoreStats> {
    const [pages, free, size, tiers, segments] = await this.client.batch(
      ['PRAGMA page_count', 'PRAGMA freelist_count', 'PRAGMA page_size', SQL.tierStats, SQL.pendingSegments],
      'read',
    );
    const pageSize = num(size?.rows[0], 'page_size');
    const byTier = new Map((tiers?.rows ?? []).map((r) => [num(r, 'tier'), r]));
    let recent = 0;
    for (const s of this.series.all()) recent += s.recentT.length;
    return {
      dbBytes: num(pages?.rows[0], 'page_count') * pageSize,
      freeBytes: num(free?.rows[0], 'freelist_count') * pageSize,
      series: this.series.size,
      pendingSamples: this.pending.sid.length,
      recentSamples: recent,
      pendingSegments: num(segments?.rows[0], 'segments'),
      tiers: TIERS.map((tier) => {
        const row = byTier.get(tier);
        return {
          tier: tierName(tier),
          blocks: num(row, 'blocks'),
          points: num(row, 'points') + (tier === 0 ? recent : 0),
          payloadBytes: num(row, 'bytes'),
        };
      }),
    };
  }

  /** The (type, id, metric) of every known series, for the chart endpoints. */
  listSeries(): Series[] {
    return this.series.all();
  }

  marksSnapshot(): Marks {
    return { sealed: this.marks.sealed, rolled: { ...this.marks.rolled } };
  }
}

function blockRow(s: Series, tier: Tier, p: Points): BlockRow {
  // Raw blocks live two hours and are the bulk of the writes: deflate costs 10× their encoding time for
  // about a sixth of their size, so only the long-lived rollup blocks take it.
  const data = encodeBlock(p, { exponent: s.exponent, rollup: tier > 0, deflate: tier > 0 });
  const first = p.t[0] ?? 0;
  return [s.id, tier, first, p.t[p.t.length - 1] ?? first, p.t.length, data];
}
