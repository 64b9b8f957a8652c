// When an instance is polled next: its interval after a success, back-off, circuit breaker and dead letter
// after failures. Pure state plus arithmetic; the runner owns the timers.

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
export const BREAKER_THRESHOLD = 3;
export const DEAD_LETTER_THRESHOLD = 5;
export const DEAD_LETTER_RETRY_MS = 30 * 60_000;
export const HALF_OPEN_WINDOW_MS = 30_000;

export type BreakerState = 'closed' | 'open' | 'half_open';

/** 5 s × 2^(n−1) with ±20 % jitter, capped at 5 min; n is the count of consecutive failures (≥ 1). */
export function backoffDelay(failures: number, random: () => number): number {
  const exp = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_MS);
  const jitter = 1 + (random() * 2 - 1) * 0.2;
  return Math.min(Math.round(exp * jitter), BACKOFF_MAX_MS);
}

/** How long an opened breaker stays open: the base shifted by the failure count, capped at 5 min. */
export function breakerOpenFor(failures: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.min(failures, 16), BACKOFF_MAX_MS);
}

export interface PollOutcome {
  ok: boolean;
  /** A failure worth retrying soon (network, 5xx); false for auth, permission or a wrong fingerprint. */
  transient?: boolean;
  error?: string;
}

export interface TaskHealth {
  consecutiveFailures: number;
  breaker: BreakerState;
  /** When the breaker lets the next probe through (open) or when the half-open window ends. */
  breakerUntil?: number;
  deadLetter: boolean;
  lastAttempt?: number;
  lastSuccess?: number;
  lastError?: string;
  firstFailureAt?: number;
  retryCount: number;
  nextRunAt: number;
}

export function freshHealth(now: number): TaskHealth {
  return { consecutiveFailures: 0, breaker: 'closed', deadLetter: false, retryCount: 0, nextRunAt: now };
}

/** The task's health after one poll, including when to run next. */
export function afterPoll(
  health: TaskHealth,
  outcome: PollOutcome,
  now: number,
  intervalMs: number,
  random: () => number,
): TaskHealth {
  if (outcome.ok) {
    return { ...freshHealth(now + intervalMs), lastAttempt: now, lastSuccess: now };
  }
  const failures = health.consecutiveFailures + 1;
  const next: TaskHealth = {
    ...health,
    consecutiveFailures: failures,
    lastAttempt: now,
    lastError: outcome.error ?? 'unknown error',
    firstFailureAt: health.firstFailureAt ?? now,
    retryCount: health.retryCount + 1,
  };
  if (outcome.transient === false || failures >= DEAD_LETTER_THRESHOLD) {
    next.deadLetter = true;
    next.breaker = 'open';
    next.breakerUntil = now + DEAD_LETTER_RETRY_MS;
    next.nextRunAt = now + DEAD_LETTER_RETRY_MS;
    return next;
  }
  if (failures >= BREAKER_THRESHOLD) {
    // A failed half-open probe re-opens for longer; the next attempt is the next probe.
    const until = now + breakerOpenFor(failures);
    next.breaker = 'open';
    next.breakerUntil = until;
    next.nextRunAt = until;
    return next;
  }
  next.nextRunAt = now + backoffDelay(failures, random);
  return next;
}

/** Moves an open breaker to half-open when its time has come; the run that follows is the probe. */
export function beforeRun(health: TaskHealth, now: number): TaskHealth {
  if (health.breaker === 'open' && health.breakerUntil !== undefined && now >= health.breakerUntil) {
    return { ...health, breaker: 'half_open', breakerUntil: now + HALF_OPEN_WINDOW_MS };
  }
  return health;
}

/** 0 when just polled, 1 when the last success is `maxAgeMs` old or there never was one. */
export function stalenessScore(health: TaskHealth, now: number, maxAgeMs: number): number {
  if (health.lastSuccess === undefined) return 1;
  return Math.max(0, Math.min(1, (now - health.lastSuccess) / maxAgeMs));
}
