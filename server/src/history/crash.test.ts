import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/harness.ts';
import { WEEK_START } from '../../testing/history-fixture.ts';
import { openDb } from '../db/client.ts';
import { HistoryStore } from './history-store.ts';
import { DEFAULT_RETENTION } from './tiers.ts';

const CHILD = fileURLToPath(new URL('../../testing/crash-writer.ts', import.meta.url));
let dataDir = '';
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('kill -9', () => {
  it('loses nothing that was flushed, and only what was not', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-crash-'));
    const flushed = 150;
    const child = spawn(process.execPath, [CHILD, dataDir, String(flushed), '20'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('flushed')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;

    const clock = new FakeClock(WEEK_START + 3600_000);
    const { sql, close } = await openDb(dataDir);
    try {
      const store = await HistoryStore.open(sql, { clock, retention: DEFAULT_RETENTION });
      const s = store.reader.find('agent', 'crash-host', 'cpu');
      if (!s) throw new Error('series lost');
      const raw = await store.reader.read(s, 0, WEEK_START / 1000, WEEK_START / 1000 + 7200);
      expect(raw.avg).toEqual(Array.from({ length: flushed }, (_, i) => i));
      expect(raw.t[0]).toBe(WEEK_START / 1000);
      // The 150 samples span 25 minutes: the first 15 were sealed into a block, the rest replayed.
      expect((await store.stats()).tiers[0]?.blocks).toBe(1);
    } finally {
      close();
    }
  });
});
