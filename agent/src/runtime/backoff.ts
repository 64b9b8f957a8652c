// How long a module waits before each attempt to reach a missing or lost source (engine, cluster).

export const FIRST_RETRY_MS = 5_000;
export const MAX_RETRY_MS = 5 * 60_000;

/** The wait before retry number `attempt` (0-based): 5 s, doubling, never more than 5 min. */
export function reconnectDelayMs(attempt: number): number {
  if (!(attempt > 0)) return FIRST_RETRY_MS;
  // 2^7 × 5 s already passes 5 min, so larger exponents need not be computed (and cannot overflow).
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt, 7));
}
