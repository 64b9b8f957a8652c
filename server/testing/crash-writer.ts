// Child process for the kill -9 test: records samples, flushes some, records more, then waits to be killed.
// argv: <dataDir> <flushedCount> <unflushedCount>
import { openDb } from '../src/db/client.ts';
import { HistoryStore } from '../src/history/history-store.ts';
import { DEFAULT_RETENTION } from '../src/history/tiers.ts';
import { WEEK_START } from './history-fixture.ts';

const [dataDir = '', flushed = '0', unflushed = '0'] = process.argv.slice(2);
// A plain stepping clock: this child needs nothing of the test harness.
let nowMs = WEEK_START;
const clock = {
  now: () => nowMs,
  advance: (ms: number) => {
    nowMs += ms;
  },
};
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
// The tick seals every slab that ended by then; the samples after it are in memory only.
await store.tick();
record(Number(unflushed), 100_000);
process.stdout.write('flushed\n');
setInterval(() => {}, 1000);
