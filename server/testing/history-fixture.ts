// Test helpers: a history store on a fresh SQLite file under a fake clock, and a driver that records
// samples at a cadence while ticking the writer like main.ts does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/client.ts';
import { HistoryStore } from '../src/history/history-store.ts';
import { DEFAULT_RETENTION, type MetricsRetention } from '../src/history/tiers.ts';
import { FakeClock, type Harness, makeHarness } from './harness.ts';
import { postReport, reportFor } from './reports.ts';

export interface StoreFixture {
  store: HistoryStore;
  clock: FakeClock;
  dataDir: string;
  reopen(): Promise<HistoryStore>;
  close(): void;
}

/** Starts on an exact week boundary so that every tier's first span begins with the data. */
export const WEEK_START = Date.parse('2026-10-29T00:00:00Z');

export async function storeFixture(retention: MetricsRetention = DEFAULT_RETENTION): Promise<StoreFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-history-'));
  const clock = new FakeClock(WEEK_START);
  let db = await openDb(dataDir);
  const fx: StoreFixture = {
    store: await HistoryStore.open(db.sql, { clock, retention }),
    clock,
    dataDir,
    reopen: async () => {
      db.close();
      db = await openDb(dataDir);
      fx.store = await HistoryStore.open(db.sql, { clock, retention });
      return fx.store;
    },
    close: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fx;
}

/** Records `value(i, tMs)` every `stepMs` for `count` steps, ticking the writer after each. */
export async function drive(
  fx: StoreFixture,
  sid: number,
  stepMs: number,
  count: number,
  value: (i: number, tMs: number) => number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    fx.store.append(sid, fx.clock.now(), value(i, fx.clock.now()));
    await fx.store.tick();
    fx.clock.advance(stepMs);
  }
  await fx.store.tick();
}

/** A harness whose one host (`web-1`) reported 12 times, 10 s apart, with the history writer ticked after each. */
export async function hostWithHistory(): Promise<{
  h: Harness;
  token: string;
  hostId: string;
  clock: FakeClock;
}> {
  const clock = new FakeClock();
  const h = await makeHarness({ clock });
  const token = await h.token(['*']);
  for (let i = 0; i < 12; i++) {
    const res = await postReport(h.app, token, reportFor({ hostname: 'web-1', machineId: 'm-web-1' }));
    if (res.status !== 200) throw new Error(`host report answered ${res.status}: ${await res.text()}`);
    await h.deps.history.tick();
    clock.advance(10_000);
  }
  const hostId = h.deps.state.hosts.list()[0]?.id ?? '';
  return { h, token, hostId, clock };
}
