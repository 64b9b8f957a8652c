import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/harness.ts';
import { WEEK_START } from '../../testing/history-fixture.ts';
import { type OpenDb, openDb } from '../db/client.ts';
import { HistoryStore } from './history-store.ts';
import { DEFAULT_RETENTION } from './tiers.ts';

const S0 = WEEK_START / 1000;

interface Fixture {
  store: HistoryStore;
  clock: FakeClock;
  reopen(): Promise<HistoryStore>;
}

let dataDir = '';
let db: OpenDb | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

/** A store on a fresh file whose writer seals `sealBudget` series ids per tick. */
async function fixture(sealBudget: number): Promise<Fixture> {
  dataDir = mkdtempSync(join(tmpdir(), 'pulse-seal-'));
  const clock = new FakeClock(WEEK_START);
  const open = async () => {
    db?.close();
    db = await openDb(dataDir);
    return HistoryStore.open(db.sql, { clock, retention: DEFAULT_RETENTION, sealBudget });
  };
  const fx: Fixture = {
    store: await open(),
    clock,
    reopen: async () => {
      fx.store = await open();
      return fx.store;
    },
  };
  return fx;
}

/** `count` series: ids 1 to count, so 300 of them make three slab chunks (ids 0-127, 128-255, 256-383). */
function createSeries(store: HistoryStore, count: number): number[] {
  return Array.from({ length: count }, (_, i) => store.seriesId('agent', `host-${i}`, 'cpu'));
}

/** Records `value(sid, t)` for every series at second `t` after S0. */
function recordAt(fx: Fixture, ids: number[], t: number, value: (sid: number, t: number) => number): void {
  for (const sid of ids) fx.store.append(sid, (S0 + t) * 1000, value(sid, t));
}

/** Asserts that every series reads back exactly the samples at `times`, once each, with `value`. */
async function expectRaw(
  store: HistoryStore,
  times: number[],
  value: (sid: number, t: number) => number,
): Promise<void> {
  const series = store.listSeries();
  const reads = await store.reader.readMany(series, 0, S0, S0 + 3600);
  for (const s of series) {
    const p = reads.get(s.id);
    expect(p?.t).toEqual(times.map((t) => S0 + t));
    expect(p?.avg).toEqual(times.map((t) => value(s.id, t)));
  }
}

/** Whole hundredths: the values sealing keeps exactly. */
const hundredths = (sid: number, t: number) => sid + t / 100;

describe('bounded sealing', () => {
  it('seals one chunk per tick under a small budget, the rest later, and reads see every sample once throughout', async () => {
    const fx = await fixture(128);
    const ids = createSeries(fx.store, 300);
    for (const t of [10, 70, 130]) recordAt(fx, ids, t, hundredths);
    fx.clock.advance(135_000);
    await expectRaw(fx.store, [10, 70, 130], hundredths);
    expect(fx.store.pendingCount).toBe(900);
    for (const tick of [1, 2, 3]) {
      await fx.store.tick();
      // One slab row per chunk sealed so far; the slab's mark moves only with its last chunk.
      expect((await fx.store.stats()).tiers[0]?.blocks).toBe(tick);
      expect(fx.store.marksSnapshot().sealed).toBe(tick < 3 ? S0 : S0 + 120);
      await expectRaw(fx.store, [10, 70, 130], hundredths);
    }
    // The sealed slab's samples left memory; those of the slab still open stay.
    expect(fx.store.pendingCount).toBe(300);
    expect((await fx.store.stats()).tiers[0]?.points).toBe(900);
  });

  it('lets the buffer grow with a busy slab and shrink again after quieter ones', async () => {
    const fx = await fixture(100_000);
    const ids = createSeries(fx.store, 3000);
    const empty = (await fx.store.stats()).recentBytes;
    for (let t = 0; t < 120; t += 10) recordAt(fx, ids, t, hundredths);
    const busy = (await fx.store.stats()).recentBytes;
    // 36,000 samples of a few bytes each (not one JS array per series).
    expect(busy).toBeGreaterThan(36_000 * 14);
    expect(busy).toBeLessThan(36_000 * 14 * 2 + 2 * 4 * 4096);
    // Two quiet slabs: the first reuses the busy slab's arrays, the second gets them cut to its size.
    for (const t of [130, 250]) {
      fx.clock.advance(120_000);
      recordAt(fx, ids.slice(0, 10), t, hundredths);
      await fx.store.tick();
    }
    fx.clock.advance(120_000);
    recordAt(fx, ids.slice(0, 10), 370, hundredths);
    await fx.store.tick();
    const quiet = (await fx.store.stats()).recentBytes;
    expect(quiet).toBeLessThan(busy / 4);
    expect(quiet).toBeGreaterThan(empty);
  });
});

describe('restart', () => {
  it('puts an unsealed buffer back bit for bit after a clean stop', async () => {
    const fx = await fixture(25_000);
    const ids = createSeries(fx.store, 10);
    const exact = (sid: number, t: number) => Math.PI * sid + t / 7;
    for (const t of [5, 35, 65]) recordAt(fx, ids, t, exact);
    fx.clock.advance(80_000);
    await expectRaw(fx.store, [5, 35, 65], exact);
    await fx.store.close();
    const store = await fx.reopen();
    await expectRaw(store, [5, 35, 65], exact);
    expect(store.pendingCount).toBe(30);
    expect((await store.stats()).tiers[0]?.points).toBe(30);
    // The restored samples seal like any others (quantised to hundredths for a percentage).
    recordAt(fx, ids, 95, exact);
    fx.clock.advance(60_000);
    await store.tick();
    expect(store.pendingCount).toBe(0);
    await expectRaw(store, [5, 35, 65, 95], (sid, t) => Math.round(exact(sid, t) * 100) / 100);
  });

  it('close() loses nothing: not a slab sealed in part, not one waiting for its seal, not the open one', async () => {
    const fx = await fixture(128);
    const ids = createSeries(fx.store, 300);
    const times = [10, 70, 130, 190, 250];
    for (const t of times) recordAt(fx, ids, t, hundredths);
    fx.clock.advance(260_000);
    // One tick: only the first chunk of [0, 120) is sealed; [120, 240) waits; [240, 360) is open.
    await fx.store.tick();
    expect((await fx.store.stats()).tiers[0]?.blocks).toBe(1);
    await fx.store.close();
    fx.store.append(ids[0] ?? 0, (S0 + 255) * 1000, 1);
    const store = await fx.reopen();
    await expectRaw(store, times, hundredths);
    recordAt(fx, ids, 300, hundredths);
    fx.clock.advance(200_000);
    for (let i = 0; i < 4; i++) {
      await store.tick();
      await expectRaw(store, [...times, 300], hundredths);
    }
    expect(store.pendingCount).toBe(0);
  });
});
