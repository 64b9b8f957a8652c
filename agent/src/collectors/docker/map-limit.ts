// Running one async job per item with at most `limit` in flight, results in item order.

/**
 * `fn` over `items`, at most `limit` at a time, so 200 containers cost 200/limit round trips instead of
 * 200 simultaneous requests against the engine. A job's slot is free only once its promise settles, so
 * `fn` must settle only when its work is over (an engine request answered, or aborted and closed).
 * Rejects with the first rejection and starts no job after it; jobs already started still run to
 * completion (they are bounded by their own abort signals).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by all workers: each takes the next item when it is free.
  const queue = items.entries();
  let failed = false;
  const worker = async (): Promise<void> => {
    for (const [index, item] of queue) {
      // The answer is already that rejection: more jobs would only load the engine for nothing.
      if (failed) return;
      try {
        results[index] = await fn(item, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
