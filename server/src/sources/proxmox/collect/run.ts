// Running many sub-calls: bounded concurrency, and failures recorded instead of thrown.

export interface CollectError {
  path: string;
  message: string;
  status?: number;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'unknown error';
}

export function errorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  return typeof err.status === 'number' ? err.status : undefined;
}

export function toCollectError(path: string, err: unknown): CollectError {
  const status = errorStatus(err);
  return status === undefined
    ? { path, message: errorMessage(err) }
    : { path, message: errorMessage(err), status };
}

/** Runs `fn`; on failure records the error against `path` and yields undefined. */
export async function attempt<T>(
  errors: CollectError[],
  path: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    errors.push(toCollectError(path, err));
    return undefined;
  }
}

/** Like Promise.all over `items`, with at most `limit` calls in flight; results keep input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const queue = items.map((item, index) => ({ item, index }));
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      results[job.index] = await fn(job.item, job.index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
