// Child process for the kill -9 test: records samples, flushes some, records more, then waits to be killed.
// argv: <dataDir> <flushedCount> <unflushedCount>
import { openDb } from '../db/client.ts';
import { FakeClock } from '../testing/harness.ts';
import { HistoryStore } from './history-store.ts';
import { WEEK_START } from './test-support.ts';
import { DEFAULT_RETENTION } from './tiers.ts';

const [dataDir = '', flushed = '0', unflushed = '0'] = process.argv.slice(2);
const clock = new FakeClock(WEEK_START);
const { sql } = await openDb(dataDir);
const store = await HistoryStore.open(sql, { clock, retention: DEFAULT_RETENTION });
const sid = store.seriesId('agent', 'crash-host', 'cpu');
const record = (n: number, offset: number) => {
  for (let i = 0; i < n; i++) {
    store.append(sid, clock.now(), offset + i);
    clock.advance(10_000);
  }
};
record(Number(flushed), 0);
// Ticks seal whatever crossed a 15-minute boundary, so both blocks and segments are on disk.
await store.tick();
record(Number(unflushed), 100_000);
process.stdout.write('flushed\n');
setInterval(() => {}, 1000);
