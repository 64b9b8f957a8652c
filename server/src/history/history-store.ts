// The metrics history store: series dictionary, the recent samples in a compact buffer, and one
// serialised writer that seals them into raw slabs, rolls tiers up and prunes them a bounded step at a time.
//
// Durability: a sample is on disk once its slab is sealed, at most SLAB_SPAN seconds plus a few
// writer ticks after it was recorded; a crash loses what was recorded since. flush() and close() write the
// unsealed samples too (exact values, read back by the next open), so a clean stop loses nothing.

import type { Clock } from '../clock.ts';
import type { SqlClient as Client, SqlStatement as InStatement } from '../db/statement-client.ts';
import { HistoryReader } from './history-reader.ts';
import { MarkStore, type Marks } from './marks.ts';
import { RawTier } from './raw-tier.ts';
import { RecentBuffer } from './recent-buffer.ts';
import { Rollups } from './rollups.ts';
import { Sealer } from './sealer.ts';
import { forEachSegmentSample } from './segment-codec.ts';
import { type Series, SeriesDictionary } from './series.ts';
import { bytes, num, ROLLUP_SQL, SQL, stmt } from './sql.ts';
import { type MetricsRetention, SLAB_SPAN, TIERS, type TierName, tierName } from './tiers.ts';

export interface HistoryStoreOptions {
  clock: Clock;
  retention: MetricsRetention;
  /** Series rolled up per tick, over all tiers: bounds the work of one tick. */
  rollupBudget?: number;
  /**
   * Rows deleted per tier per prune. Pruning runs once per sealed slab (every SLAB_SPAN seconds), so the
   * default keeps up with 300,000 series' minute blocks expiring every hour.
   */
  pruneBudget?: number;
  /**
   * Series ids sealed per tick. Sealing keeps up while this times the ticks per slab (24 at 5 s) exceeds
   * the series count; behind that, samples wait in memory longer, and a crash loses more. The default
   * seals 96,600 series in four ticks.
   */
  sealBudget?: number;
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
  /** Samples recorded and not sealed yet (in memory; a crash loses them). */
  pendingSamples: number;
  recentSamples: number;
  /** Bytes of the recent buffer's typed arrays. */
  recentBytes: number;
  pendingSegments: number;
  tiers: TierStats[];
}

export class HistoryStore {
  readonly retention: MetricsRetention;
  readonly reader: HistoryReader;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly series: SeriesDictionary;
  private readonly marks: MarkStore;
  private readonly buffer = new RecentBuffer(SLAB_SPAN);
  private readonly raw: RawTier;
  private readonly sealer: Sealer;
  private readonly rollups: Rollups;
  private readonly rollupBudget: number;
  private readonly pruneBudget: number;
  private readonly sealBudget: number;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(client: Client, series: SeriesDictionary, marks: MarkStore, opts: HistoryStoreOptions) {
    this.client = client;
    this.clock = opts.clock;
    this.retention = opts.retention;
    this.series = series;
    this.marks = marks;
    this.rollupBudget = opts.rollupBudget ?? 2000;
    this.pruneBudget = opts.pruneBudget ?? 10_000;
    this.sealBudget = opts.sealBudget ?? 25_000;
    this.raw = new RawTier(client, this.buffer);
    this.sealer = new Sealer(client, series, marks, this.buffer);
    this.rollups = new Rollups(client, series, marks, this.raw);
    this.reader = new HistoryReader(client, series, marks, this.raw);
  }

  /**
   * Loads the dictionary and marks, and puts back in memory (typed arrays) what a flush wrote before its
   * slab was sealed, and what segments a store from before slabs left.
   */
  static async open(client: Client, opts: HistoryStoreOptions): Promise<HistoryStore> {
    const series = SeriesDictionary.fromRows((await client.execute(SQL.selectSeries)).rows);
    const marks = await MarkStore.load(client, Math.floor(opts.clock.now() / 1000));
    const store = new HistoryStore(client, series, marks, opts);
    await store.raw.init();
    const restore = (sid: number, t: number, v: number) => {
      // Samples before the seal mark are in slabs (or blocks) already.
      if (t >= marks.sealed && series.byId(sid)?.accept(t)) store.buffer.add(sid, t, v);
    };
    await store.raw.loadUnsealed(marks.sealed, restore);
    for (const row of (await client.execute(SQL.selectSegments)).rows)
      forEachSegmentSample(bytes(row, 'data'), restore);
    return store;
  }

  /** The series id for a metric of a resource, created (and written at the next tick) when new. */
  seriesId(resourceType: string, resourceId: string, metric: string): number {
    return this.series.ensure(resourceType, resourceId, metric).id;
  }

  /** Records one sample; a second sample of a series within the same second is dropped. */
  append(seriesId: number, atMs: number, value: number): void {
    if (this.closed || !Number.isFinite(value)) return;
    const s = this.series.byId(seriesId);
    const t = Math.floor(atMs / 1000);
    if (!s || t < this.sealer.sealedUntil(seriesId) || !s.accept(t)) return;
    this.buffer.add(seriesId, t, value);
  }

  record(resourceType: string, resourceId: string, metric: string, atMs: number, value: number): void {
    this.append(this.seriesId(resourceType, resourceId, metric), atMs, value);
  }

  /** Samples recorded and not sealed yet. */
  get pendingCount(): number {
    return this.buffer.samples;
  }

  /** Writes new series, seals every slab that has ended, and writes what is left unsealed, exactly. */
  flush(): Promise<void> {
    return this.serial(async () => {
      await this.writeSeries();
      await this.sealer.step(this.nowSeconds(), Number.POSITIVE_INFINITY);
      await this.sealer.writeUnsealed();
    });
  }

  /** One writer step: new series, then seal, roll up and prune as far as the budgets allow. */
  tick(): Promise<void> {
    return this.serial(async () => {
      const now = this.nowSeconds();
      await this.writeSeries();
      const sealed = await this.sealer.step(now, this.sealBudget);
      let budget = this.rollupBudget;
      for (const tier of [1, 2, 3] as const) budget -= await this.rollups.step(tier, budget);
      // Once per slab rather than per tick: each delete rewrites the pages it leaves behind (and the
      // free-page list), so a slab's worth at once costs a fraction of many small ones.
      if (sealed) await this.rollups.prune(now, this.retention, this.pruneBudget);
    });
  }

  /** Flushes what is left; later appends are ignored. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => {});
    return run;
  }

  private async writeSeries(): Promise<void> {
    const fresh = this.series.takeNew();
    if (fresh.length === 0) return;
    const stmts: InStatement[] = fresh.map((s) =>
      stmt(SQL.insertSeries, [s.id, s.resourceType, s.resourceId, s.metric]),
    );
    try {
      await this.client.batch(stmts, 'write');
    } catch (err) {
      // Kept for the next attempt, in order.
      this.series.restoreNew(fresh);
      throw err;
    }
  }

  async stats(): Promise<StoreStats> {
    const [pages, free, size, segments, ...rollups] = await this.client.batch(
      [
        'PRAGMA page_count',
        'PRAGMA freelist_count',
        'PRAGMA page_size',
        SQL.pendingSegments,
        ROLLUP_SQL[1].stats,
        ROLLUP_SQL[2].stats,
        ROLLUP_SQL[3].stats,
      ],
      'read',
    );
    const raw = await this.raw.stats(this.marks.sealed);
    const pageSize = num(size?.rows[0], 'page_size');
    return {
      dbBytes: num(pages?.rows[0], 'page_count') * pageSize,
      freeBytes: num(free?.rows[0], 'freelist_count') * pageSize,
      series: this.series.size,
      pendingSamples: this.buffer.samples,
      recentSamples: this.buffer.samples,
      recentBytes: this.buffer.bytes,
      pendingSegments: num(segments?.rows[0], 'segments'),
      tiers: TIERS.map((tier) => {
        if (tier === 0) return { tier: tierName(tier), ...raw };
        const row = rollups[tier - 1]?.rows[0];
        return {
          tier: tierName(tier),
          blocks: num(row, 'blocks'),
          points: num(row, 'points'),
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
