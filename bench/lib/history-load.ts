// Drives a HistoryStore in process at fleet scale under a fake clock (a real SQLite file, the writer ticked
// every 5 simulated seconds as main.ts does) and measures what the writer costs: heap held by unsealed
// samples, heap growth within a tick, bytes written per simulated minute, the longest tick, and how long
// opening the resulting file takes. runHistoryLoad() returns the figures; it prints nothing itself.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../server/src/db/client.ts';
import type { SqlClient } from '../../server/src/db/statement-client.ts';
import { encodeBlock } from '../../server/src/history/block-codec.ts';
import { HistoryStore, type HistoryStoreOptions } from '../../server/src/history/history-store.ts';
import { emptyPoints, pushPoint } from '../../server/src/history/points.ts';
import { queryHistory } from '../../server/src/history/query.ts';
import { SLAB_SERIES, SlabEncoder } from '../../server/src/history/slab-codec.ts';
import { type BlockRow, putBlocks, putSlabs, type SlabRow } from '../../server/src/history/sql.ts';
import { DEFAULT_RETENTION, SLAB_SPAN } from '../../server/src/history/tiers.ts';
import { FakeClock } from '../../server/testing/harness.ts';

export interface HistoryLoadOptions {
  /** Series written (hosts × 8, Docker hosts × 3, then containers × 6 until this many). Default 96,600. */
  series?: number;
  /** Samples per series per minute (every resource reports at this cadence, phases spread). Default 2. */
  samplesPerMinute?: number;
  /** Simulated minutes. Default 44. */
  minutes?: number;
  /** Writer cadence in simulated ms, as main.ts. Default 5,000. */
  tickMs?: number;
  /** How values move (see Values). Default `walk`. */
  values?: ValueModel;
  /** Minutes between forced-GC heap readings (needs node --expose-gc), 15 s past the minute. Default 1. */
  heapEveryMinutes?: number;
  /**
   * Fill 2 h of raw slabs, 24 h of minute and 7 days of hourly blocks for every series before the run
   * (written straight into the tables, not measured), so that the run sees a store at steady state: its
   * rollups and retention deletes as well as its seals.
   */
  prefill?: boolean;
  /** Writer budgets (sealBudget, rollupBudget, pruneBudget); the store's defaults otherwise. */
  budgets?: Pick<HistoryStoreOptions, 'sealBudget' | 'rollupBudget' | 'pruneBudget'>;
  /** Random single-metric history reads per range after the run. Default 100. */
  queries?: number;
  /** Progress lines (one per simulated 5 minutes). */
  log?: (line: string) => void;
}

export interface HistoryLoadResult {
  series: number;
  samples: number;
  minutes: number;
  /**
   * Live heap (heapUsed + arrayBuffers after a forced GC) above the reading taken after the series were
   * created and before the first sample, per reading; `recentMiB` is what the store reports for its buffer
   * when it does (stats().recentBytes).
   */
  bufferHeapMiB: Array<{ minute: number; mib: number; recentMiB?: number }>;
  maxBufferHeapMiB: number;
  /** Largest heapUsed growth between the start and the end of one tick (no GC in between). */
  maxTickHeapGrowthMiB: number;
  maxRssMiB: number;
  longestTickMs: number;
  /** Bytes written per simulated minute: /proc/self/io write_bytes (to storage) and wchar (passed to write()). */
  writeBytesPerMinute: { disk: number; syscall: number };
  /** The worst single simulated minute (write_bytes). */
  worstMinuteDiskBytes: number;
  /** write_bytes of each simulated minute, in order. */
  diskBytesByMinute: number[];
  dbFileBytes: number;
  walFileBytes: number;
  /** HistoryStore.open on the file left by a kill (no close) and after a clean close. */
  openAfterCrashMs: number;
  openAfterCloseMs: number;
  /** p95 of single-metric /api/metrics-store/history reads (queryHistory, maxPoints 500) per range, in ms. */
  queryP95Ms: Record<'1h' | '24h' | '7d', number>;
  wallSeconds: number;
}

const MiB = 2 ** 20;

function io(): { disk: number; syscall: number } {
  const text = readFileSync('/proc/self/io', 'utf8');
  const field = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { disk: field('write_bytes'), syscall: field('wchar') };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Kind = 'busy' | 'slow' | 'rate' | 'temp';
interface Resource {
  type: 'agent' | 'dockerHost' | 'dockerContainer';
  id: string;
  metrics: Array<{ name: string; kind: Kind }>;
}

const HOST = [
  'cpu:busy',
  'memory:slow',
  'disk:slow',
  'netin:rate',
  'netout:rate',
  'diskread:rate',
  'diskwrite:rate',
  'temperature:temp',
];
const DOCKER_HOST = ['cpu:busy', 'memory:slow', 'disk:slow'];
const CONTAINER = ['cpu:busy', 'memory:slow', 'netin:rate', 'netout:rate', 'diskread:rate', 'diskwrite:rate'];

function metricsOf(list: string[]): Resource['metrics'] {
  return list.map((m) => {
    const [name = '', kind = 'busy'] = m.split(':');
    return { name, kind: kind as Kind };
  });
}

/** 1,000 hosts, 200 Docker hosts, then containers, cut at `series`. */
function fleet(series: number): Resource[] {
  const out: Resource[] = [];
  let n = 0;
  const add = (type: Resource['type'], id: string, list: string[]) => {
    const metrics = metricsOf(list).slice(0, series - n);
    if (metrics.length === 0) return false;
    out.push({ type, id, metrics });
    n += metrics.length;
    return true;
  };
  for (let h = 0; h < 1000 && add('agent', `host-${h}`, HOST); h++);
  for (let d = 0; d < 200 && add('dockerHost', `docker-${d}`, DOCKER_HOST); d++);
  for (let c = 0; add('dockerContainer', `ctr-${String(c).padStart(6, '0')}`, CONTAINER); c++);
  return out;
}

type ValueModel = 'bench' | 'walk' | 'noisy';

/**
 * `bench`: like bench/lib/fleet.ts and docker-fleet.ts (host CPU steps by 7.3 % per report at hundredths,
 * everything else repeats its value, rates from evenly growing counters); `walk`: hundredths and whole
 * byte rates random-walking (CPU ±1 %, rates ±2 %); `noisy`: full float precision, bigger steps, bursts.
 */
class Values {
  private readonly r = rng(42);
  private readonly level: Float64Array;
  private readonly kinds: Kind[];
  private readonly model: ValueModel;
  private readonly step: Uint32Array;

  constructor(kinds: Kind[], model: ValueModel) {
    this.kinds = kinds;
    this.model = model;
    this.level = Float64Array.from(kinds, (k) =>
      k === 'rate' ? 10 ** (3 + this.r() * 4) : k === 'temp' ? 45 : 20 + this.r() * 40,
    );
    if (model === 'bench')
      for (let i = 0; i < this.level.length; i++) this.level[i] = Math.round(this.level[i] ?? 0);
    this.step = new Uint32Array(kinds.length);
  }

  /** The quantum exponent of the series' metric (byte rates whole, the rest hundredths). */
  exponent(i: number): number {
    return this.kinds[i] === 'rate' ? 0 : -2;
  }

  next(i: number): number {
    const r = this.r;
    const level = this.level[i] ?? 0;
    const kind = this.kinds[i];
    if (this.model === 'bench') {
      if (kind !== 'busy') return level;
      const n = (this.step[i] ?? 0) + 1;
      this.step[i] = n;
      return Math.round(((n * 7.3 + i) % 100) * 100) / 100;
    }
    const noisy = this.model === 'noisy';
    const round2 = (v: number) => (noisy ? v : Math.round(v * 100) / 100);
    switch (kind) {
      case 'busy': {
        const next = Math.min(100, Math.max(0, level + (r() - 0.5) * (noisy ? 6 : 2)));
        this.level[i] = next;
        return round2(noisy ? next + r() * 0.5 : next);
      }
      case 'slow':
        this.level[i] = Math.min(100, Math.max(0, level + (r() - 0.45) * 0.02));
        return round2(this.level[i] ?? 0);
      case 'temp':
        this.level[i] = Math.min(90, Math.max(30, level + (r() - 0.5) * 0.4));
        return noisy ? (this.level[i] ?? 0) : Math.round((this.level[i] ?? 0) * 10) / 10;
      default: {
        if (!noisy) return Math.round(level * (0.98 + r() * 0.04));
        if (r() < 0.002) this.level[i] = 10 ** (3 + r() * 4);
        const burst = r() < 0.02 ? 5 + r() * 20 : 1;
        // Rates come from counter increases over a measured interval: rarely whole numbers.
        return level * (0.9 + r() * 0.2) * burst;
      }
    }
  }
}

function gc(): void {
  const run = (globalThis as { gc?: () => void }).gc;
  if (run) {
    run();
    run();
  }
}

function liveHeap(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Rollup blocks made from the generator's samples (two per minute), a pool per tier reused across series. */
function rollupPool(values: Values, series: number, pointsPer: number, samplesPer: number): Uint8Array[] {
  return Array.from({ length: 64 }, (_, v) => {
    const i = (v * 1511) % series;
    const p = emptyPoints();
    for (let k = 0; k < pointsPer; k++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      let sum = 0;
      for (let j = 0; j < samplesPer; j++) {
        const x = values.next(i);
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
        sum += x;
      }
      pushPoint(p, k * 60, sum / samplesPer, lo, hi, samplesPer);
    }
    return encodeBlock(p, { exponent: values.exponent(i), rollup: true, deflate: true });
  });
}

/**
 * What a store holds at steady state, before `end` (seconds): 2 h of raw slabs, 24 h of minute blocks and
 * 7 days of hourly blocks for every series, from the same generator.
 */
async function prefill(
  client: SqlClient,
  values: Values,
  series: number,
  end: number,
  perMinute: number,
): Promise<void> {
  const encoder = new SlabEncoder();
  const offsets = new Uint16Array(SLAB_SPAN);
  const vals = new Float64Array(SLAB_SPAN);
  for (let start = end - 7200; start < end; start += SLAB_SPAN) {
    const rows: SlabRow[] = [];
    for (let chunk = 0; chunk * SLAB_SERIES <= series; chunk++) {
      encoder.begin(false);
      for (let slot = 0; slot < SLAB_SERIES; slot++) {
        const sid = chunk * SLAB_SERIES + slot;
        if (sid < 1 || sid > series) continue;
        for (let k = 0; k < perMinute; k++) {
          offsets[k] = ((sid * 7) % Math.floor(60 / perMinute)) + k * Math.floor(60 / perMinute);
          vals[k] = values.next(sid - 1);
        }
        encoder.add(slot, values.exponent(sid - 1), offsets, vals, perMinute);
      }
      rows.push([start, chunk, encoder.samples, encoder.finish()]);
    }
    await client.batch(putSlabs(rows), 'write');
  }
  const tiers = [
    { tier: 1, span: 3600, spans: 24, pool: rollupPool(values, series, 60, perMinute) },
    { tier: 2, span: 86_400, spans: 7, pool: rollupPool(values, series, 24, 60 * perMinute) },
  ] as const;
  for (const { tier, span, spans, pool } of tiers) {
    for (let k = spans; k >= 1; k--) {
      const start = end - k * span;
      const rows: BlockRow[] = Array.from({ length: series }, (_, i) => {
        const data = pool[i % pool.length] ?? new Uint8Array(1);
        return [i + 1, start, start + span - 1, 60, data];
      });
      await client.batch(putBlocks(tier, rows), 'write');
    }
  }
}

/** p95 of `count` reads of a random series' history per range, through the route's query function. */
async function timeQueries(
  store: HistoryStore,
  nowMs: number,
  resources: Resource[],
  count: number,
): Promise<HistoryLoadResult['queryP95Ms']> {
  const r = rng(99);
  const out = { '1h': 0, '24h': 0, '7d': 0 };
  for (const range of ['1h', '24h', '7d'] as const) {
    const times: number[] = [];
    for (let q = 0; q < count; q++) {
      const res = resources[Math.floor(r() * resources.length)];
      const metric = res?.metrics[Math.floor(r() * res.metrics.length)]?.name ?? 'cpu';
      const t0 = performance.now();
      await queryHistory(store.reader, nowMs, {
        resourceType: res?.type ?? 'agent',
        resourceId: res?.id ?? '',
        metric,
        range,
        maxPoints: 500,
      });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    out[range] = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? 0;
  }
  return out;
}

/** Starts on a week boundary so that every tier's span begins with the data. */
const START = Date.parse('2026-10-29T00:00:00Z');

export async function runHistoryLoad(opts: HistoryLoadOptions = {}): Promise<HistoryLoadResult> {
  const seriesCount = opts.series ?? 96_600;
  const perMinute = opts.samplesPerMinute ?? 2;
  const minutes = opts.minutes ?? 44;
  const tickMs = opts.tickMs ?? 5000;
  const heapEvery = opts.heapEveryMinutes ?? 1;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'pulse-history-load-'));
  const wall0 = performance.now();
  try {
    const clock = new FakeClock(START);
    let db = await openDb(dir);
    let store = await HistoryStore.open(db.sql, { clock, retention: DEFAULT_RETENTION, ...opts.budgets });
    const resources = fleet(seriesCount);
    const ids: number[][] = resources.map((res) =>
      res.metrics.map((m) => store.seriesId(res.type, res.id, m.name)),
    );
    const kinds = resources.flatMap((res) => res.metrics.map((m) => m.kind));
    const values = new Values(kinds, opts.values ?? 'walk');
    const periodMs = 60_000 / perMinute;
    const phase = rng(7);
    const phases = resources.map(() => Math.floor(phase() * periodMs));
    // Next report time per resource.
    const due = Float64Array.from(phases, (p) => START + p);
    await store.tick();
    if (opts.prefill)
      await prefill(db.sql, new Values(kinds, opts.values ?? 'walk'), kinds.length, START / 1000, perMinute);
    // What the setup wrote is checkpointed now, not during the measured minutes.
    await db.sql.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    gc();
    const base = liveHeap();
    const readAt = Math.round(15_000 / tickMs);
    const bufferHeapMiB: HistoryLoadResult['bufferHeapMiB'] = [];
    let maxTickGrowth = 0;
    let maxRss = 0;
    let longest = 0;
    let samples = 0;
    const io0 = io();
    let minuteIo = io0.disk;
    let worstMinute = 0;
    const byMinute: number[] = [];
    const ticks = Math.round((minutes * 60_000) / tickMs);
    const ticksPerMinute = Math.round(60_000 / tickMs);
    for (let k = 1; k <= ticks; k++) {
      clock.advance(tickMs);
      const now = clock.now();
      let flat = 0;
      for (const [r, list] of ids.entries()) {
        const at = due[r] ?? now;
        if (at <= now) {
          for (const sid of list) {
            store.append(sid, at, values.next(flat++));
            samples++;
          }
          due[r] = at + periodMs;
        } else flat += list.length;
      }
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      await store.tick();
      longest = Math.max(longest, performance.now() - t0);
      const after = process.memoryUsage();
      maxTickGrowth = Math.max(maxTickGrowth, after.heapUsed - before);
      maxRss = Math.max(maxRss, after.rss);
      if (k % ticksPerMinute === 0) {
        const d = io().disk;
        worstMinute = Math.max(worstMinute, d - minuteIo);
        byMinute.push(d - minuteIo);
        minuteIo = d;
      }
      const minute = (k - readAt) / ticksPerMinute;
      if (Number.isInteger(minute) && minute % heapEvery === 0) {
        gc();
        const stats = (await store.stats()) as { recentBytes?: number };
        const reading = { minute: minute + 0.25, mib: (liveHeap() - base) / MiB };
        bufferHeapMiB.push(
          stats.recentBytes === undefined ? reading : { ...reading, recentMiB: stats.recentBytes / MiB },
        );
        if (minute % 5 === 0)
          log(
            `  simulated ${minute} of ${minutes} min, ${((performance.now() - wall0) / 1000).toFixed(0)} s`,
          );
      }
    }
    const io1 = io();
    const queryP95Ms = await timeQueries(store, clock.now(), resources, opts.queries ?? 100);
    const fileSize = (name: string) => statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
    const dbFileBytes = fileSize('pulse.db');
    const walFileBytes = fileSize('pulse.db-wal');
    // A kill: the store is never closed; a second connection opens what is on disk.
    const crashDb = await openDb(dir);
    let t = performance.now();
    await HistoryStore.open(crashDb.sql, { clock, retention: DEFAULT_RETENTION, ...opts.budgets });
    const openAfterCrashMs = performance.now() - t;
    crashDb.close();
    await store.close();
    db.close();
    db = await openDb(dir);
    t = performance.now();
    store = await HistoryStore.open(db.sql, { clock, retention: DEFAULT_RETENTION, ...opts.budgets });
    const openAfterCloseMs = performance.now() - t;
    db.close();
    return {
      series: kinds.length,
      samples,
      minutes,
      bufferHeapMiB,
      maxBufferHeapMiB: Math.max(0, ...bufferHeapMiB.map((r) => r.mib)),
      maxTickHeapGrowthMiB: maxTickGrowth / MiB,
      maxRssMiB: maxRss / MiB,
      longestTickMs: longest,
      writeBytesPerMinute: {
        disk: (io1.disk - io0.disk) / minutes,
        syscall: (io1.syscall - io0.syscall) / minutes,
      },
      worstMinuteDiskBytes: worstMinute,
      diskBytesByMinute: byMinute,
      dbFileBytes,
      walFileBytes,
      openAfterCrashMs,
      openAfterCloseMs,
      queryP95Ms,
      wallSeconds: (performance.now() - wall0) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
