import { describe, expect, it } from 'vitest';
import { advance, isStale, parseSequenceId } from './report-order.ts';

describe('parseSequenceId', () => {
  it('reads v1:<stream>:<n> and nothing else', () => {
    expect(parseSequenceId('v1:abc:7')).toEqual({ stream: 'abc', seq: 7 });
    for (const raw of [undefined, '', 'v2:abc:7', 'v1:abc', 'v1:abc:-1', `v1:abc:${'9'.repeat(30)}`]) {
      expect(parseSequenceId(raw)).toBeUndefined();
    }
  });
});

describe('isStale and advance', () => {
  const at = (stream: string, seq: number) => ({ stream, seq });

  it('keeps the last few streams the agent left, newest first, and forgets one it comes back to', () => {
    let cursor = advance(undefined, at('a', 1), 1_000);
    for (const [i, s] of ['b', 'c', 'd', 'e', 'f'].entries()) cursor = advance(cursor, at(s, 1), 2_000 + i);
    expect(cursor.retired).toEqual(['e', 'd', 'c', 'b']);
    // 'a' fell off the list: it counts as new again and is taken.
    expect(isStale(cursor, at('a', 2), 0)).toBe(false);
    // 'c' is remembered: judged by time.
    expect(isStale(cursor, at('c', 2), 0)).toBe(true);
    cursor = advance(cursor, at('c', 2), 9_000);
    expect(cursor.retired).toEqual(['f', 'e', 'd', 'b']);
  });

  it('never calls a clamped report older by time, but still drops a repeated position', () => {
    const cursor = advance(undefined, at('a', 5), 10_000);
    expect(isStale({ ...cursor, position: undefined }, undefined, 9_000, true)).toBe(false);
    expect(isStale({ ...cursor, position: undefined }, undefined, 9_000)).toBe(true);
    expect(isStale(cursor, at('a', 5), 20_000, true)).toBe(true);
  });
});
