import { describe, expect, it } from 'vitest';
import { MAX_RETRY_MS, reconnectDelayMs } from './backoff.ts';

describe('reconnect backoff', () => {
  it('starts at 5 s, doubles, and stays at 5 min', () => {
    const first = Array.from({ length: 10 }, (_, attempt) => reconnectDelayMs(attempt));
    expect(first).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('never passes 5 min however long the engine stays away', () => {
    expect(reconnectDelayMs(1_000_000)).toBe(MAX_RETRY_MS);
    expect(reconnectDelayMs(Number.MAX_SAFE_INTEGER)).toBe(MAX_RETRY_MS);
  });

  it('treats a negative or NaN attempt as the first', () => {
    expect(reconnectDelayMs(-3)).toBe(5_000);
    expect(reconnectDelayMs(Number.NaN)).toBe(5_000);
  });
});
