import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/harness.ts';
import { WEEK_START } from '../../testing/history-fixture.ts';
import { SEAL_CRASH_SERIES, sealCrashValue } from '../../testing/seal-crash-writer.ts';
import { openDb } from '../db/client.ts';
import { HistoryStore } from './history-store.ts';
import { DEFAULT_RETENTION, SLAB_SPAN } from './tiers.ts';

const S0 = WEEK_START / 1000;
let dataDir = '';
let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts a writer child, waits for its line, then kills it with SIGKILL. */
async function runAndKill(script: string, args: string[], line: string): Promise<void> {
  const path = fileURLToPath(new URL(`../../testing/${script}`, import.meta.url));
  const proc = spawn(process.execPath, [path, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  child = proc;
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes(line)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
  });
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await gone;
}

describe('kill -9', () => {
  it('loses nothing that was sealed, and only the slab that was not', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-crash-'));
    // 150 samples 10 s apart, then one tick at 1,500 s (which seals every slab that ended by then), then
    // 20 more samples that no tick sees.
    const recorded = 150;
    await runAndKill('crash-writer.ts', [dataDir, String(recorded), '20'], 'flushed');

    const clock = new FakeClock(WEEK_START + 3600_000);
    const { sql, close } = await openDb(dataDir);
    try {
      const store = await HistoryStore.open(sql, { clock, retention: DEFAULT_RETENTION });
      const s = store.reader.find('agent', 'crash-host', 'cpu');
      if (!s) throw new Error('series lost');
      const raw = await store.reader.read(s, 0, S0, S0 + 7200);
      const sealedUntil = Math.floor((recorded * 10) / SLAB_SPAN) * SLAB_SPAN;
      const sealed = Array.from({ length: sealedUntil / 10 }, (_, i) => i);
      expect(raw.avg).toEqual(sealed);
      expect(raw.t[0]).toBe(S0);
      expect((await store.stats()).tiers[0]?.blocks).toBe(sealedUntil / SLAB_SPAN);
    } finally {
      close();
    }
  });

  it('after a seal cut short between two chunks, reads every kept sample once, before and after sealing resumes', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pulse-seal-crash-'));
    await runAndKill('seal-crash-writer.ts', [dataDir], 'ready');

    const clock = new FakeClock(WEEK_START + 250_000);
    const { sql, close } = await openDb(dataDir);
    try {
      const store = await HistoryStore.open(sql, { clock, retention: DEFAULT_RETENTION, sealBudget: 128 });
      // The child sealed [0, 120) whole and only the first chunk (series ids 1-127) of [120, 240); the
      // samples at 240 s were in memory only.
      const expected = (sid: number, extra: number[]) => {
        const kept = sid < 128 ? [0, 30, 60, 90, 120, 150, 180, 210] : [0, 30, 60, 90];
        return [...kept, ...extra];
      };
      const check = async (extra: number[]) => {
        const series = store.listSeries();
        expect(series).toHaveLength(SEAL_CRASH_SERIES);
        const reads = await store.reader.readMany(series, 0, S0, S0 + 3600);
        for (const s of series) {
          const p = reads.get(s.id);
          const ts = expected(s.id, extra);
          expect(p?.t).toEqual(ts.map((t) => S0 + t));
          expect(p?.avg).toEqual(ts.map((t) => sealCrashValue(s.id, t)));
        }
      };
      await check([]);
      clock.advance(50_000);
      for (const s of store.listSeries()) store.append(s.id, clock.now(), sealCrashValue(s.id, 300));
      await check([300]);
      clock.advance(200_000);
      for (let i = 0; i < 8; i++) {
        await store.tick();
        await check([300]);
      }
      // Every slab that ended by 500 s is sealed, the empty ones skipped.
      expect(store.marksSnapshot().sealed).toBe(S0 + Math.floor(500 / SLAB_SPAN) * SLAB_SPAN);
      expect(store.pendingCount).toBe(0);
    } finally {
      close();
    }
  });
});
