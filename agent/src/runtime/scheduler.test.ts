import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runEvery } from './scheduler.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('runEvery', () => {
  it('runs at once, then on the interval grid, and stops when aborted', async () => {
    const controller = new AbortController();
    const runs: number[] = [];
    const done = runEvery(1000, controller.signal, async () => {
      runs.push(Date.now());
    });
    const t0 = Date.now();
    await vi.advanceTimersByTimeAsync(3_500);
    expect(runs.map((t) => t - t0)).toEqual([0, 1000, 2000, 3000]);
    controller.abort();
    await done;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(4);
  });

  it('skips the ticks a slow task overran instead of running back to back', async () => {
    const controller = new AbortController();
    const runs: number[] = [];
    const t0 = Date.now();
    const done = runEvery(1000, controller.signal, async () => {
      runs.push(Date.now() - t0);
      if (runs.length === 1) await new Promise((r) => setTimeout(r, 2_500));
    });
    await vi.advanceTimersByTimeAsync(4_100);
    controller.abort();
    await done;
    expect(runs).toEqual([0, 3000, 4000]);
  });
});
