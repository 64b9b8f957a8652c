import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/harness.ts';
import { WEEK_START } from '../../testing/history-fixture.ts';
import { defaultMigrationsDir, openDb } from '../db/client.ts';
import { StatementClient } from '../db/statement-client.ts';
import { encodeBlock } from './block-codec.ts';
import { HistoryStore } from './history-store.ts';
import { emptyPoints, type Points, pushPoint } from './points.ts';
import { encodeSegment } from './segment-codec.ts';
import { DEFAULT_RETENTION } from './tiers.ts';

const S0 = WEEK_START / 1000;
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** The committed migrations up to `count` entries, as a store of that release saw them. */
function migrationsUpTo(count: number): string {
  const dir = tempDir('pulse-mig-dir-');
  cpSync(defaultMigrationsDir(), dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  return dir;
}

function raw(from: number, count: number, step: number, value: (i: number) => number): Points {
  const p = emptyPoints();
  for (let i = 0; i < count; i++) pushPoint(p, from + i * step, value(i), value(i), value(i), 1);
  return p;
}

describe('a store from before raw slabs', () => {
  it('keeps its raw blocks, rollup blocks and unsealed segments readable, and rolls them up and prunes them', async () => {
    const dataDir = tempDir('pulse-upgrade-');
    // The layout of migration 0007: per-series blocks of every tier in metric_blocks, start_ts the first
    // point's second, and the unsealed samples of the last 15 minutes as segment rows.
    (await openDb(dataDir, migrationsUpTo(8))).close();
    const old = new StatementClient(join(dataDir, 'pulse.db'));
    const minute = emptyPoints();
    for (let m = 2; m < 60; m++) pushPoint(minute, S0 + m * 60, m + 0.5, m, m + 1, 6);
    const rawBlock = raw(S0 + 3605, 90, 10, (i) => i);
    const segment = raw(S0 + 4505, 10, 10, (i) => 1000 + i);
    await old.batch(
      [
        "INSERT INTO metric_series (id, resource_type, resource_id, metric) VALUES (1, 'agent', 'h1', 'cpu')",
        `INSERT INTO metric_marks (key, value) VALUES ('sealed', ${S0 + 4500}), ('rolled_1', ${S0 + 3600}), ('rolled_2', ${S0}), ('rolled_3', ${S0})`,
        {
          sql: 'INSERT INTO metric_blocks (series_id, tier, start_ts, end_ts, count, data) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)',
          args: [
            ...[1, 1, S0 + 120, S0 + 3540, 58, encodeBlock(minute, { exponent: -2, rollup: true })],
            ...[1, 0, S0 + 3605, S0 + 4495, 90, encodeBlock(rawBlock, { exponent: -2, rollup: false })],
          ],
        },
        {
          sql: 'INSERT INTO metric_segments (max_ts, data) VALUES (?, ?)',
          args: [S0 + 4595, encodeSegment({ sid: segment.t.map(() => 1), t: segment.t, v: segment.avg })],
        },
      ],
      'write',
    );
    old.close();

    const db = await openDb(dataDir);
    try {
      const clock = new FakeClock((S0 + 4620) * 1000);
      const store = await HistoryStore.open(db.sql, { clock, retention: DEFAULT_RETENTION });
      const s = store.reader.find('agent', 'h1', 'cpu');
      if (!s) throw new Error('series lost in the upgrade');
      // The minute block moved to its tier's table, keyed by its hour.
      expect((await store.reader.read(s, 1, S0, S0 + 3599)).avg).toEqual(minute.avg);
      expect((await db.sql.execute('SELECT start_ts FROM metric_minute')).rows).toEqual([{ start_ts: S0 }]);
      // Raw: the old block, then the segment's samples (back in memory, unsealed), each once.
      const rawRead = async () => (await store.reader.read(s, 0, S0 + 3600, clock.now() / 1000)).avg;
      const expected = [...rawBlock.avg, ...segment.avg];
      expect(await rawRead()).toEqual(expected);
      // Sealing resumes where the old store stopped (inside a slab); the segment row goes once all its
      // samples are in slabs, so not while its last ones wait in the slab still open.
      for (let i = 0; i < 3; i++) await store.tick();
      expect(await rawRead()).toEqual(expected);
      expect((await store.stats()).pendingSegments).toBe(1);
      // The hour after the upgrade rolls up from the old raw block and the slabs together.
      clock.advance(3600_000);
      for (let i = 0; i < 3; i++) await store.tick();
      expect((await store.stats()).pendingSegments).toBe(0);
      expect(await rawRead()).toEqual(expected);
      expect(store.marksSnapshot().rolled[1]).toBe(S0 + 7200);
      const rolled = await store.reader.read(s, 1, S0 + 3600, S0 + 7199);
      expect(rolled.n.reduce((a, b) => a + b, 0)).toBe(100);
      expect(rolled.max.at(-1)).toBe(1009);
      // Past the raw retention the old blocks are pruned like slabs.
      clock.advance(3 * 3600_000);
      for (let i = 0; i < 3; i++) await store.tick();
      expect((await db.sql.execute('SELECT count(*) AS n FROM metric_blocks')).rows).toEqual([{ n: 0 }]);
      // 58 minutes of the old block, 15 of the old raw block and 2 of the segment.
      expect((await store.reader.read(s, 1, S0, S0 + 7199)).t).toHaveLength(58 + 15 + 2);
    } finally {
      db.close();
    }
  });
});
