// Metrics history: a simulated week of 100 hosts × 30 series at 10 s written through our store (fake
// clock, real SQLite file, the real writer with seals, rollups and pruning), and in the same run the
// same kind of samples in the original's layout (one row per sample, text keys, unique index) in a
// separate file. Prints bytes per sample on disk, samples/s, bytes written per simulated day and query
// p95 for both, with ratios, and writes bench/results/history.json. It fails only on wrong data.
//
// Environment: BENCH_HISTORY_HOSTS (100), BENCH_HISTORY_DAYS (7), BENCH_HISTORY_QUERIES (200 per range),
// BENCH_HISTORY_ORIGINAL_MINUTES (30: raw minutes written to the original's layout, its slowest part),
// BENCH_HISTORY_ORIGINAL_FILL_HOSTS (10: hosts whose minute and hourly rows are filled for its queries).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../server/src/db/client.ts';
import type { SqlClient } from '../server/src/db/statement-client.ts';
import { HistoryStore } from '../server/src/history/history-store.ts';
import { emptyPoints, pushPoint } from '../server/src/history/points.ts';
import { capPoints, queryHistory } from '../server/src/history/query.ts';
import { DEFAULT_RETENTION } from '../server/src/history/tiers.ts';
import { FakeClock } from '../server/testing/harness.ts';
import { envNumber, quantile } from './lib/figures.ts';
import { type OriginalRow, OriginalStore } from './lib/original-metrics.ts';
import { atExit } from './lib/proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'history.json');
const STEP_S = 10;
const AIM = { bytesPerRawSample: 6, smallerThanOriginal: 20, queryP95Ms: 5 };

/** Bytes this process has caused to be written to storage, and passed to write() (Linux /proc/self/io). */
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

// 30 series per host: CPU (total and 8 cores), load, memory and swap, four filesystems, five
// temperatures, and network and disk byte rates for two interfaces and two disks.
const METRICS = [
  'cpu',
  ...Array.from({ length: 8 }, (_, i) => `cpu${i}`),
  'load1',
  'load5',
  'memory',
  'swap',
  'disk',
  'disk_data',
  'disk_boot',
  'disk_var',
  'temperature',
  ...Array.from({ length: 4 }, (_, i) => `temp_core${i}`),
  'netin',
  'netout',
  'netin_eth1',
  'netout_eth1',
  'diskread',
  'diskwrite',
  'diskread_sdb',
  'diskwrite_sdb',
] as const;

type Kind = 'busy' | 'slow' | 'temp' | 'rate';
function kindOf(metric: string): Kind {
  if (/^(net|diskread|diskwrite)/.test(metric)) return 'rate';
  if (/^(temp)/.test(metric)) return 'temp';
  if (/^(memory|swap|disk)/.test(metric)) return 'slow';
  return 'busy';
}

/** Values like an agent sends them: full float precision, random-walking, rates noisy and bursty. */
class Generator {
  private readonly r = rng(42);
  private readonly level: number[];
  private readonly kinds: Kind[];

  constructor(kinds: Kind[]) {
    this.kinds = kinds;
    this.level = kinds.map((k) =>
      k === 'rate' ? 10 ** (3 + this.r() * 4) : k === 'temp' ? 45 : 20 + this.r() * 40,
    );
  }

  next(i: number): number {
    const r = this.r;
    const level = this.level[i] ?? 0;
    switch (this.kinds[i]) {
      case 'busy': {
        const next = Math.min(100, Math.max(0, level + (r() - 0.5) * 6));
        this.level[i] = next;
        return next + r() * 0.5;
      }
      case 'slow': {
        const next = Math.min(100, Math.max(0, level + (r() - 0.45) * 0.02));
        this.level[i] = next;
        return next;
      }
      case 'temp':
        this.level[i] = Math.min(90, Math.max(30, level + (r() - 0.5) * 0.4));
        return this.level[i] ?? 0;
      default: {
        if (r() < 0.002) this.level[i] = 10 ** (3 + r() * 4);
        const burst = r() < 0.02 ? 5 + r() * 20 : 1;
        return Math.round(level * (0.9 + r() * 0.2) * burst);
      }
    }
  }
}

function hostId(h: number): string {
  return `8c1e4a4e-6f0b-4b1d-9d6a-${String(h).padStart(12, '0')}`;
}

const p95 = (samples: number[]) => (samples.length === 0 ? 0 : quantile(samples, 0.95));

async function dbBytes(client: SqlClient): Promise<{ file: number; used: number }> {
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  const count = Number((await client.execute('PRAGMA page_count')).rows[0]?.page_count ?? 0);
  const free = Number((await client.execute('PRAGMA freelist_count')).rows[0]?.freelist_count ?? 0);
  const size = Number((await client.execute('PRAGMA page_size')).rows[0]?.page_size ?? 4096);
  return { file: count * size, used: (count - free) * size };
}

const RANGES = [
  { name: '1h', seconds: 3600, tier: 'raw' },
  { name: '24h', seconds: 86_400, tier: 'minute' },
  { name: '7d', seconds: 7 * 86_400, tier: 'hourly' },
] as const;
const MAX_POINTS = 500;

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const mib = (n: number) => `${fmt(n / 2 ** 20, 1)} MiB`;

export default async function historyBench(): Promise<void> {
  const hosts = Math.round(envNumber('BENCH_HISTORY_HOSTS', 100));
  const days = envNumber('BENCH_HISTORY_DAYS', 7);
  const queries = Math.round(envNumber('BENCH_HISTORY_QUERIES', 200));
  const ticks = Math.round((days * 86_400) / STEP_S);
  const seriesCount = hosts * METRICS.length;
  const dir = mkdtempSync(join(tmpdir(), 'pulse-history-bench-'));
  const forget = atExit(() => rmSync(dir, { recursive: true, force: true }));
  console.log('Metrics history store');
  console.log(
    `${hosts} hosts × ${METRICS.length} series at ${STEP_S} s for ${days} simulated days = ` +
      `${fmt(ticks * seriesCount, 0)} samples; retention raw 2 h, minute 24 h, hourly 7 d, daily 90 d; node ${process.version}`,
  );
  const kinds = Array.from({ length: seriesCount }, (_, i) => kindOf(METRICS[i % METRICS.length] ?? 'cpu'));

  // ---- ours ----
  const start = Date.parse('2026-10-29T00:00:00Z');
  const clock = new FakeClock(start);
  const ourDir = join(dir, 'ours');
  const { sql: client, close } = await openDb(ourDir);
  const store = await HistoryStore.open(client, { clock, retention: DEFAULT_RETENTION });
  const sids = Array.from({ length: seriesCount }, (_, i) =>
    store.seriesId('agent', hostId(Math.floor(i / METRICS.length)), METRICS[i % METRICS.length] ?? 'cpu'),
  );
  const gen = new Generator(kinds);
  const jitter = rng(7);
  const io0 = io();
  const t0 = performance.now();
  let lastReport = t0;
  // The process's resident memory over the simulated week: it must settle, not grow with the days.
  const mib0 = process.memoryUsage().rss / 2 ** 20;
  const rssByDay: number[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const base = clock.now();
    for (let i = 0; i < seriesCount; i++)
      store.append(sids[i] ?? 0, base + Math.floor(jitter() * 900), gen.next(i));
    // Reports arrive at 10 s; the writer runs every 5 s, so one of its two ticks has work.
    await store.tick();
    clock.advance(STEP_S * 1000);
    if ((tick + 1) % (86_400 / STEP_S) === 0) rssByDay.push(process.memoryUsage().rss / 2 ** 20);
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      console.log(`  ours: simulated ${fmt((tick * STEP_S) / 86_400, 2)} d of ${days}`);
    }
  }
  await store.close();
  const ourSeconds = (performance.now() - t0) / 1000;
  const ourIo = io();
  const ourSize = await dbBytes(client);
  const stats = await store.stats();
  const stored = stats.tiers.reduce((n, t) => n + t.points, 0);
  const raw = stats.tiers[0];
  // Per-row cost of a block (table row plus two index entries), from SQLite's own page accounting.
  const dbstat = await client.execute(
    "SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE name LIKE '%metric_blocks%' GROUP BY name",
  );
  const blockTableBytes = dbstat.rows.reduce((n, r) => n + Number(r.bytes ?? 0), 0);
  const allBlocks = stats.tiers.reduce((n, t) => n + t.blocks, 0);
  const allPayload = stats.tiers.reduce((n, t) => n + t.payloadBytes, 0);
  const overheadPerBlock = allBlocks > 0 ? (blockTableBytes - allPayload) / allBlocks : 0;
  const rawBytesPerSample =
    raw && raw.points > 0 ? (raw.payloadBytes + raw.blocks * overheadPerBlock) / raw.points : Number.NaN;

  const ourQuery: Record<string, number> = {};
  const qr = rng(99);
  for (const range of RANGES) {
    const times: number[] = [];
    let points = 0;
    for (let q = 0; q < queries; q++) {
      const i = Math.floor(qr() * seriesCount);
      const t = performance.now();
      const res = await queryHistory(store.reader, clock.now(), {
        resourceType: 'agent',
        resourceId: hostId(Math.floor(i / METRICS.length)),
        metric: METRICS[i % METRICS.length] ?? 'cpu',
        range: range.name,
        maxPoints: MAX_POINTS,
      });
      times.push(performance.now() - t);
      points += res.points.length;
    }
    if (points === 0) throw new Error(`our ${range.name} queries returned no points`);
    ourQuery[range.name] = p95(times);
  }
  close();

  // ---- the original's layout ----
  // Its raw tier is written for the whole fleet (30 simulated minutes by default) and measured. Filling its minute (24 h) and
  // hourly (7 d) tiers for every host would take many minutes, so they are filled for a subset of hosts
  // (for the 24 h and 7 d query figures), and its steady-state size is its measured bytes per row times
  // the rows it holds at steady state.
  const fillHosts = Math.min(hosts, Math.round(envNumber('BENCH_HISTORY_ORIGINAL_FILL_HOSTS', 10)));
  const original = new OriginalStore(join(dir, 'original.db'));
  const og = new Generator(kinds);
  const end = Math.floor(clock.now() / 1000);
  const rowsFor = (ts: number, tier: string, spread: number, forHosts = hosts): OriginalRow[] =>
    Array.from({ length: forHosts * METRICS.length }, (_, i) => {
      const v = og.next(i);
      return {
        type: 'agent',
        id: hostId(Math.floor(i / METRICS.length)),
        metric: METRICS[i % METRICS.length] ?? 'cpu',
        value: v,
        min: v - spread * v,
        max: v + spread * v,
        ts,
        tier,
      };
    });
  const rawMinutes = Math.min(120, envNumber('BENCH_HISTORY_ORIGINAL_MINUTES', 30));
  console.log(`  original: raw tier, ${rawMinutes} simulated minutes of the fleet, measured`);
  const rawTicks = (rawMinutes * 60) / STEP_S;
  const oio0 = io();
  const ot0 = performance.now();
  for (let k = 0; k < rawTicks; k++) original.write(rowsFor(end - rawMinutes * 60 + k * STEP_S, 'raw', 0));
  const origSeconds = (performance.now() - ot0) / 1000;
  const origIo = io();
  const origRawRows = rawTicks * seriesCount;
  const origBytesPerRow = original.usedBytes() / original.rows();
  console.log(`  original: minute (24 h) and hourly (7 d) tiers for ${fillHosts} hosts, unmeasured`);
  for (let ts = end - 7 * 86_400; ts < end; ts += 3600) original.write(rowsFor(ts, 'hourly', 0.2, fillHosts));
  for (let ts = end - 86_400; ts < end; ts += 60) original.write(rowsFor(ts, 'minute', 0.1, fillHosts));
  // Rows held at steady state: raw 2 h, minute 24 h, hourly 7 d (daily rows are a week old at most here).
  const origRows = seriesCount * ((2 * 3600) / STEP_S + 1440 + 7 * 24);
  const origUsed = origBytesPerRow * origRows;
  const origQuery: Record<string, number> = {};
  for (const range of RANGES) {
    const times: number[] = [];
    for (let q = 0; q < queries; q++) {
      const i = Math.floor(qr() * fillHosts * METRICS.length);
      const t = performance.now();
      const rows = original.query(
        'agent',
        hostId(Math.floor(i / METRICS.length)),
        METRICS[i % METRICS.length] ?? 'cpu',
        range.tier,
        end - range.seconds,
        end,
      );
      const p = emptyPoints();
      for (const r of rows) pushPoint(p, r.t, r.v, r.lo, r.hi, 1);
      const tier = range.tier === 'raw' ? 0 : range.tier === 'minute' ? 1 : 2;
      capPoints(p, tier, end - range.seconds, range.seconds, MAX_POINTS);
      times.push(performance.now() - t);
      if (rows.length === 0) throw new Error(`original ${range.name} query returned no rows`);
    }
    origQuery[range.name] = p95(times);
  }
  original.close();

  // ---- figures ----
  const samplesPerDay = (86_400 / STEP_S) * seriesCount;
  const ourPerDay = (ourIo.disk - io0.disk) / days;
  const ourWcharPerDay = (ourIo.syscall - io0.syscall) / days;
  const origPerRow = (origIo.disk - oio0.disk) / origRawRows;
  const origWcharPerRow = (origIo.syscall - oio0.syscall) / origRawRows;
  // The original writes raw rows and, per day, one minute row per series-minute and one hourly row per series-hour.
  const origRowsPerDay = samplesPerDay + seriesCount * (1440 + 24 + 1);
  const origPerDay = origPerRow * origRowsPerDay;
  const ourPerStored = ourSize.used / stored;
  const origPerStored = origBytesPerRow;
  const rows: Array<[string, string, string, string]> = [
    ['figure', 'ours', 'original layout', 'original / ours'],
    ['samples held after the week', fmt(stored, 0), fmt(origRows, 0), '-'],
    [
      'db size after checkpoint (used pages)',
      mib(ourSize.used),
      `${mib(origUsed)} (scaled)`,
      `${fmt(origUsed / ourSize.used)}×`,
    ],
    [
      'bytes per held sample (all tiers)',
      fmt(ourPerStored, 2),
      fmt(origPerStored, 1),
      `${fmt(origPerStored / ourPerStored)}×`,
    ],
    [
      'bytes per raw sample (raw tier)',
      fmt(rawBytesPerSample, 2),
      fmt(origPerStored, 1),
      `${fmt(origPerStored / rawBytesPerSample)}×`,
    ],
    [
      'samples/s written',
      fmt((ticks * seriesCount) / ourSeconds, 0),
      fmt(origRawRows / origSeconds, 0),
      `${fmt(origRawRows / origSeconds / ((ticks * seriesCount) / ourSeconds), 3)}×`,
    ],
    [
      'disk bytes written per simulated day',
      mib(ourPerDay),
      `${mib(origPerDay)} (scaled)`,
      `${fmt(origPerDay / ourPerDay)}×`,
    ],
    [
      'write() bytes per simulated day',
      mib(ourWcharPerDay),
      `${mib(origWcharPerRow * origRowsPerDay)} (scaled)`,
      `${fmt((origWcharPerRow * origRowsPerDay) / ourWcharPerDay)}×`,
    ],
    ...RANGES.map((r): [string, string, string, string] => [
      `query p95 ${r.name}, maxPoints ${MAX_POINTS} (ms)`,
      fmt(ourQuery[r.name] ?? 0, 2),
      fmt(origQuery[r.name] ?? 0, 2),
      `${fmt((origQuery[r.name] ?? 0) / (ourQuery[r.name] ?? 1))}×`,
    ]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  console.log('');
  for (const [i, r] of rows.entries()) {
    console.log(
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(
    `\nours: ${fmt(ourSeconds, 1)} s for the week (${fmt(ticks, 0)} writer ticks, seals every 15 min, rollups, pruning), ` +
      `${stats.tiers.map((t) => `${t.tier} ${fmt(t.points, 0)} pts / ${fmt(t.blocks, 0)} blocks`).join(', ')}; ` +
      `block row overhead ${fmt(overheadPerBlock, 0)} B.`,
  );
  console.log(
    `original: raw tier measured over ${rawMinutes} simulated minutes (${fmt(origRawRows, 0)} rows in ${fmt(origSeconds, 1)} s, ` +
      `batches of 500); its per-day write figures scale that per-row cost to ${fmt(origRowsPerDay, 0)} rows/day ` +
      '(raw + minute + hourly rollup rows) and leave out its retention deletes, so they flatter it; its size is ' +
      `${fmt(origBytesPerRow, 1)} B/row × ${fmt(origRows, 0)} rows held at steady state; its 24 h and 7 d queries ` +
      `ran on ${fillHosts} hosts' minute and hourly rows.`,
  );
  console.log(
    `process RSS while writing ours: ${fmt(mib0, 0)} MiB at the start, at the end of each simulated day ` +
      `${rssByDay.map((v) => fmt(v, 0)).join(', ')} MiB`,
  );
  console.log(
    `aim: ≤ ${AIM.bytesPerRawSample} B per raw sample, ≥ ${AIM.smallerThanOriginal}× smaller, query p95 ≤ ${AIM.queryP95Ms} ms`,
  );
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        hosts,
        series: seriesCount,
        days,
        ours: {
          seconds: ourSeconds,
          samplesWritten: ticks * seriesCount,
          samplesHeld: stored,
          usedBytes: ourSize.used,
          fileBytes: ourSize.file,
          bytesPerHeldSample: ourPerStored,
          bytesPerRawSample: rawBytesPerSample,
          diskBytesPerDay: ourPerDay,
          writeBytesPerDay: ourWcharPerDay,
          queryP95Ms: ourQuery,
          tiers: stats.tiers,
        },
        original: {
          rawRowsMeasured: origRawRows,
          seconds: origSeconds,
          rowsHeld: origRows,
          usedBytesScaled: origUsed,
          bytesPerHeldSample: origPerStored,
          diskBytesPerDayScaled: origPerDay,
          queryP95Ms: origQuery,
        },
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${RESULTS}`);
  rmSync(dir, { recursive: true, force: true });
  forget();
}
