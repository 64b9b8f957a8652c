// Retries of API calls that may succeed a moment later: 429, 5xx, timeouts and network errors.
import { ClusterLost, describeApiError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First delay; each next one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** §1.13: 3 API retries with at most 3 s between attempts (0.5 s, 1 s, 2 s). */
export const API_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 3000 };

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs fn until it succeeds, fails for good (401/403/404, a local error) or runs out of retries. */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      // The cycle's own deadline is not the server's failure: stop at once.
      if (err instanceof ClusterLost || signal?.aborted) throw err;
      if (attempt >= policy.retries || !describeApiError(err).retryable) throw err;
    }
    await sleep(Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs), signal);
  }
}
