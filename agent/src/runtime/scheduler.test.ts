import { describe, expect, it } from 'vitest';
import { nextTick, sleep } from './scheduler.ts';

describe('nextTick', () => {
  it('stays on the interval grid', () => {
    expect(nextTick(0, 10, 1000)).toBe(1000);
    expect(nextTick(1000, 1999, 1000)).toBe(2000);
  });

  it('skips the ticks a slow cycle overran instead of running back to back', () => {
    expect(nextTick(0, 2500, 1000)).toBe(3000);
    expect(nextTick(0, 3000, 1000)).toBe(4000);
  });
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    await slept;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
