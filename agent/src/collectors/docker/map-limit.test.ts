import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapLimit', () => {
  it('keeps item order and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit(
      Array.from({ length: 50 }, (_, i) => i),
      8,
      async (n) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick(n % 3);
        inFlight--;
        return n * 2;
      },
    );
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(most).toBe(8);
  });

  it('handles no items and a limit larger than the list', async () => {
    expect(await mapLimit([], 8, async () => 1)).toEqual([]);
    expect(await mapLimit([1, 2], 100, async (n) => n)).toEqual([1, 2]);
  });

  it('starts no job after a rejection, and lets the jobs already running finish', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: number[] = [];
    let finished = 0;
    const run = mapLimit(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async (n) => {
        started.push(n);
        if (n === 1) throw new Error('engine gone');
        if (n === 0) await slow;
        finished++;
        return n;
      },
    );
    await expect(run).rejects.toThrow('engine gone');
    // Job 0 was running when job 1 failed: it finishes, and its worker takes nothing more.
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
  });
});
