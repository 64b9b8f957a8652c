// Runs every configured instance on its own timer so a slow or dead one never holds up the others,
// applying the policy (interval, back-off, breaker, dead letter) after each poll.
import type { Logger } from '@pulse/shared';
import type { Clock } from '../../../clock.ts';
import {
  afterPoll,
  beforeRun,
  freshHealth,
  type PollOutcome,
  stalenessScore,
  type TaskHealth,
} from './policy.ts';
import type { Timers } from './timers.ts';

export interface PollTaskSpec {
  id: string;
  type: string;
  name: string;
  intervalMs: number;
  /** One poll; throws on failure. An error with `transient: false` goes straight to the dead letter. */
  run(): Promise<void>;
}

interface Task {
  spec: PollTaskSpec;
  health: TaskHealth;
  running: boolean;
  cancel?: () => void;
  lastDurationMs?: number;
}

export interface SchedulerOptions {
  clock: Clock;
  timers: Timers;
  log: Logger;
  random?: () => number;
  /** A poll that takes longer than this counts as failed (the original's MAX_POLL_TIMEOUT, 3 min). */
  maxPollMs?: number;
}

export interface BreakerView {
  instance: string;
  type: string;
  state: string;
  failures: number;
  retryAt?: string;
}

export interface SchedulerHealth {
  updatedAt: string;
  enabled: boolean;
  queue: { depth: number; running: number; dueWithinSeconds: number; perType: Record<string, number> };
  deadLetter: {
    count: number;
    tasks: {
      instance: string;
      type: string;
      firstAttempt?: string;
      lastAttempt?: string;
      retryCount: number;
      nextRetry: string;
      lastError?: string;
    }[];
  };
  breakers: BreakerView[];
  staleness: { instance: string; type: string; score: number; lastSuccess?: string }[];
  instances: {
    instance: string;
    type: string;
    name: string;
    intervalSeconds: number;
    running: boolean;
    nextRun: string;
    lastSuccess?: string;
    lastError?: string;
    consecutiveFailures: number;
    lastDurationMs?: number;
  }[];
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function withTimeout(work: Promise<void>, ms: number, timers: Timers): Promise<void> {
  let cancel: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const message = `poll took longer than ${Math.round(ms / 1000)} s`;
    cancel = timers.schedule(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => cancel?.());
}

function outcomeOf(err: unknown): PollOutcome {
  const message = err instanceof Error ? err.message : String(err);
  const transient = (err as { transient?: unknown } | null)?.transient;
  return { ok: false, error: message, transient: transient !== false };
}

export class PollScheduler {
  private readonly tasks = new Map<string, Task>();
  private readonly opts: Required<SchedulerOptions>;
  private stopped = false;

  constructor(opts: SchedulerOptions) {
    this.opts = { random: Math.random, maxPollMs: 180_000, ...opts };
  }

  /** Adds (or replaces) a task; it runs at once. */
  add(spec: PollTaskSpec): void {
    this.remove(spec.id);
    const task: Task = { spec, health: freshHealth(this.opts.clock.now()), running: false };
    this.tasks.set(spec.id, task);
    this.arm(task, 0);
  }

  remove(id: string): void {
    const task = this.tasks.get(id);
    if (!task) return;
    task.cancel?.();
    this.tasks.delete(id);
  }

  has(id: string): boolean {
    return this.tasks.has(id);
  }

  /** Runs a task now (an admin's refresh), unless it is already running; a success clears a dead letter. */
  trigger(id: string): boolean {
    const task = this.tasks.get(id);
    if (!task) return false;
    if (!task.running) this.arm(task, 0);
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const task of this.tasks.values()) task.cancel?.();
  }

  health(): SchedulerHealth {
    const now = this.opts.clock.now();
    const tasks = [...this.tasks.values()];
    const perType: Record<string, number> = {};
    for (const t of tasks) perType[t.spec.type] = (perType[t.spec.type] ?? 0) + 1;
    const due = tasks.filter((t) => !t.running && t.health.nextRunAt - now <= 60_000).length;
    return {
      updatedAt: new Date(now).toISOString(),
      enabled: !this.stopped,
      queue: {
        depth: tasks.length,
        running: tasks.filter((t) => t.running).length,
        dueWithinSeconds: due,
        perType,
      },
      deadLetter: {
        count: tasks.filter((t) => t.health.deadLetter).length,
        tasks: tasks
          .filter((t) => t.health.deadLetter)
          .map((t) => ({
            instance: t.spec.id,
            type: t.spec.type,
            firstAttempt: iso(t.health.firstFailureAt),
            lastAttempt: iso(t.health.lastAttempt),
            retryCount: t.health.retryCount,
            nextRetry: new Date(t.health.nextRunAt).toISOString(),
            lastError: t.health.lastError,
          })),
      },
      breakers: tasks.map((t) => ({
        instance: t.spec.id,
        type: t.spec.type,
        state: t.health.breaker,
        failures: t.health.consecutiveFailures,
        retryAt: t.health.breaker === 'closed' ? undefined : iso(t.health.breakerUntil),
      })),
      staleness: tasks.map((t) => ({
        instance: t.spec.id,
        type: t.spec.type,
        // Stale once three intervals have passed without a success.
        score: Number(stalenessScore(t.health, now, t.spec.intervalMs * 3).toFixed(3)),
        lastSuccess: iso(t.health.lastSuccess),
      })),
      instances: tasks.map((t) => ({
        instance: t.spec.id,
        type: t.spec.type,
        name: t.spec.name,
        intervalSeconds: t.spec.intervalMs / 1000,
        running: t.running,
        nextRun: new Date(Math.max(t.health.nextRunAt, now)).toISOString(),
        lastSuccess: iso(t.health.lastSuccess),
        lastError: t.health.lastError,
        consecutiveFailures: t.health.consecutiveFailures,
        lastDurationMs: t.lastDurationMs,
      })),
    };
  }

  taskHealth(id: string): TaskHealth | undefined {
    return this.tasks.get(id)?.health;
  }

  private arm(task: Task, delayMs: number): void {
    task.cancel?.();
    task.health = { ...task.health, nextRunAt: this.opts.clock.now() + delayMs };
    task.cancel = this.opts.timers.schedule(() => void this.runOnce(task), delayMs);
  }

  private async runOnce(task: Task): Promise<void> {
    if (this.stopped || this.tasks.get(task.spec.id) !== task || task.running) return;
    const { clock, log } = this.opts;
    task.running = true;
    task.health = beforeRun(task.health, clock.now());
    const started = clock.now();
    let outcome: PollOutcome = { ok: true };
    try {
      await withTimeout(task.spec.run(), this.opts.maxPollMs, this.opts.timers);
    } catch (err) {
      outcome = outcomeOf(err);
    }
    task.running = false;
    const now = clock.now();
    task.lastDurationMs = now - started;
    const before = task.health;
    task.health = afterPoll(before, outcome, now, task.spec.intervalMs, this.opts.random);
    if (!outcome.ok && before.breaker !== task.health.breaker) {
      log.warn('proxmox poll breaker opened', {
        instance: task.spec.id,
        failures: task.health.consecutiveFailures,
        deadLetter: task.health.deadLetter,
        error: outcome.error,
      });
    } else if (outcome.ok && before.consecutiveFailures > 0) {
      log.info('proxmox poll recovered', { instance: task.spec.id, after: before.consecutiveFailures });
    }
    if (this.stopped || this.tasks.get(task.spec.id) !== task) return;
    this.arm(task, Math.max(0, task.health.nextRunAt - now));
  }
}
