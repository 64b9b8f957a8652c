import { createLogger } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../testing/harness.ts';
import { ManualTimers } from '../../../../testing/manual-timers.ts';
import { BACKOFF_MAX_MS, backoffDelay, DEAD_LETTER_RETRY_MS } from './policy.ts';
import { PollScheduler } from './poll-scheduler.ts';

function setup() {
  const clock = new FakeClock();
  const timers = new ManualTimers(clock);
  const scheduler = new PollScheduler({ clock, timers, log: createLogger('error'), random: () => 0.5 });
  return { clock, timers, scheduler };
}

/** A task whose outcome the test sets; it records the clock at each run. */
function task(clock: FakeClock, id: string, intervalMs = 10_000) {
  const runs: number[] = [];
  const state = { fail: false as false | { transient: boolean } };
  return {
    runs,
    state,
    spec: {
      id,
      type: 'pve',
      name: id,
      intervalMs,
      run: async () => {
        runs.push(clock.now());
        if (state.fail)
          throw Object.assign(new Error(`${id} unreachable`), { transient: state.fail.transient });
      },
    },
  };
}

describe('backoffDelay', () => {
  it('doubles from 5 s with ±20 % jitter and caps at 5 min', () => {
    expect(backoffDelay(1, () => 0.5)).toBe(5_000);
    expect(backoffDelay(2, () => 0.5)).toBe(10_000);
    expect(backoffDelay(1, () => 0)).toBe(4_000);
    expect(backoffDelay(1, () => 1)).toBe(6_000);
    expect(backoffDelay(20, () => 1)).toBe(BACKOFF_MAX_MS);
  });
});

describe('PollScheduler', () => {
  it('runs each task at once and then at its interval', async () => {
    const { clock, timers, scheduler } = setup();
    const a = task(clock, 'a');
    const start = clock.now();
    scheduler.add(a.spec);
    await timers.advance(35_000);
    expect(a.runs.map((t) => t - start)).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it('backs off, opens the breaker after 3 failures, dead-letters after 5, and recovers on success', async () => {
    const { clock, timers, scheduler } = setup();
    const a = task(clock, 'a');
    const start = clock.now();
    a.state.fail = { transient: true };
    scheduler.add(a.spec);
    await timers.advance(1);
    expect(scheduler.taskHealth('a')?.breaker).toBe('closed');
    await timers.advance(5_000); // 2nd attempt after 5 s
    await timers.advance(10_000); // 3rd after 10 s → breaker opens
    const h3 = scheduler.taskHealth('a');
    expect(h3?.consecutiveFailures).toBe(3);
    expect(h3?.breaker).toBe('open');
    expect(scheduler.health().breakers[0]).toMatchObject({ instance: 'a', state: 'open', failures: 3 });
    await timers.advance(40_000); // open for 5 s << 3 = 40 s, then a half-open probe fails
    await timers.advance(80_000); // 5th failure → dead letter
    const h5 = scheduler.taskHealth('a');
    expect(h5?.consecutiveFailures).toBe(5);
    expect(h5?.deadLetter).toBe(true);
    expect(scheduler.health().deadLetter.tasks[0]).toMatchObject({ instance: 'a', retryCount: 5 });
    expect(a.runs.map((t) => t - start)).toEqual([0, 5_000, 15_000, 55_000, 135_000]);
    a.state.fail = false;
    await timers.advance(DEAD_LETTER_RETRY_MS);
    expect(a.runs).toHaveLength(6);
    expect(scheduler.taskHealth('a')).toMatchObject({
      consecutiveFailures: 0,
      breaker: 'closed',
      deadLetter: false,
    });
    expect(scheduler.health().deadLetter.count).toBe(0);
  });

  it('sends a non-transient failure (bad credentials) straight to the dead letter', async () => {
    const { clock, timers, scheduler } = setup();
    const a = task(clock, 'a');
    a.state.fail = { transient: false };
    scheduler.add(a.spec);
    await timers.advance(1);
    expect(scheduler.taskHealth('a')?.deadLetter).toBe(true);
    await timers.advance(DEAD_LETTER_RETRY_MS - 10);
    expect(a.runs).toHaveLength(1);
  });

  it('keeps a healthy task on its interval while another fails or hangs', async () => {
    const { clock, timers, scheduler } = setup();
    const good = task(clock, 'good');
    const bad = task(clock, 'bad');
    bad.state.fail = { transient: true };
    const hang = { ...task(clock, 'hang').spec, run: () => new Promise<void>(() => {}) };
    scheduler.add(good.spec);
    scheduler.add(bad.spec);
    scheduler.add(hang);
    await timers.advance(60_000);
    expect(good.runs).toHaveLength(7);
    expect(scheduler.health().instances.find((i) => i.instance === 'hang')?.running).toBe(true);
    expect(scheduler.health().staleness.find((s) => s.instance === 'bad')?.score).toBe(1);
    expect(scheduler.health().staleness.find((s) => s.instance === 'good')?.score).toBe(0);
    await timers.advance(120_000); // the hung poll is given up after 3 min
    const hung = scheduler.health().instances.find((i) => i.instance === 'hang');
    expect(hung).toMatchObject({ running: false, consecutiveFailures: 1 });
    expect(hung?.lastError).toMatch(/longer than 180 s/);
  });

  it('stops running a removed task, and trigger runs one now', async () => {
    const { clock, timers, scheduler } = setup();
    const a = task(clock, 'a');
    scheduler.add(a.spec);
    await timers.advance(1);
    expect(scheduler.trigger('a')).toBe(true);
    await timers.advance(1);
    expect(a.runs).toHaveLength(2);
    scheduler.remove('a');
    await timers.advance(60_000);
    expect(a.runs).toHaveLength(2);
    expect(scheduler.trigger('a')).toBe(false);
  });
});
