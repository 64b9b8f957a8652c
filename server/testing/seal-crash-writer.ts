// Child process for the kill -9 test of a seal cut short: 300 series (three chunks of slab rows), sealing
// one chunk per tick, samples every 30 s from WEEK_START; it stops right after the tick at 240 s, when the
// slab [120, 240) has only its first chunk written, prints `ready` and waits to be killed.
// argv: <dataDir>
import { openDb } from '../src/db/client.ts';
import { HistoryStore } from '../src/history/history-store.ts';
import { DEFAULT_RETENTION } from '../src/history/tiers.ts';
import { WEEK_START } from './history-fixture.ts';

export const SEAL_CRASH_SERIES = 300;

/** The value the child records for series `sid` at second `t` after WEEK_START (whole hundredths). */
export function sealCrashValue(sid: number, t: number): number {
  return sid * 1000 + t / 10;
}

const [dataDir = ''] = process.argv.slice(2);
if (dataDir !== '') {
  let nowMs = WEEK_START;
  const clock = { now: () => nowMs };
  const { sql } = await openDb(dataDir);
  const store = await HistoryStore.open(sql, { clock, retention: DEFAULT_RETENTION, sealBudget: 128 });
  const ids = Array.from({ length: SEAL_CRASH_SERIES }, (_, i) => store.seriesId('agent', `h${i}`, 'cpu'));
  for (let t = 0; t <= 240; t += 30) {
    nowMs = WEEK_START + t * 1000;
    for (const sid of ids) store.append(sid, nowMs, sealCrashValue(sid, t));
    await store.tick();
  }
  process.stdout.write('ready\n');
  setInterval(() => {}, 1000);
}
