import { ApiException } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_RETRY, withRetry } from './retry.ts';

const fail = (code: number) => new ApiException(code, `HTTP ${code}`, '', {});
const network = () =>
  new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });

describe('withRetry', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('retries 5xx and network errors 3 times, waiting 0.5 s, 1 s, 2 s', async () => {
    const fn = vi.fn(async () => {
      throw fn.mock.calls.length % 2 ? fail(503) : network();
    });
    const done = withRetry(fn, API_RETRY).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(499);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fn).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fn).toHaveBeenCalledTimes(4);
    expect(await done).toBeInstanceOf(Error);
  });

  it('returns the first success', async () => {
    let n = 0;
    const done = withRetry(async () => {
      if (n++ === 0) throw fail(500);
      return 'ok';
    }, API_RETRY);
    await vi.advanceTimersByTimeAsync(500);
    expect(await done).toBe('ok');
  });

  it.each([401, 403, 404, 410])('does not retry %d', async (code) => {
    const fn = vi.fn(async () => {
      throw fail(code);
    });
    await expect(withRetry(fn, API_RETRY)).rejects.toMatchObject({ code });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('stops waiting when the signal aborts, with its reason', async () => {
    const controller = new AbortController();
    const done = withRetry(
      async () => {
        throw fail(503);
      },
      API_RETRY,
      controller.signal,
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('deadline'));
    expect(await done).toMatchObject({ message: 'deadline' });
  });
});
