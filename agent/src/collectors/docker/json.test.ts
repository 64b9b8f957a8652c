import { describe, expect, it } from 'vitest';
import { count, epochSeconds, obj, objList, rfc3339, str, strMap, unixSeconds } from './json.ts';

describe('json readers', () => {
  it('rfc3339 keeps the engine text (nanoseconds, offsets) and drops "", the Go zero time and non-times', () => {
    expect(rfc3339('2026-03-14T09:26:53.589793238Z')).toBe('2026-03-14T09:26:53.589793238Z');
    expect(rfc3339('2026-03-14T10:26:53+01:00')).toBe('2026-03-14T10:26:53+01:00');
    expect(rfc3339('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(rfc3339('')).toBeUndefined();
    expect(rfc3339('March 14')).toBeUndefined();
    expect(rfc3339(1773400000)).toBeUndefined();
  });

  it('epochSeconds keeps sub-millisecond digits that Date.parse drops', () => {
    expect(epochSeconds('2026-03-14T09:26:53.000000500Z')).toBeCloseTo(1773480413.0000005, 7);
    expect(epochSeconds('0001-01-01T00:00:00Z')).toBeUndefined();
  });

  it('unixSeconds turns list Created into RFC 3339; 0 is unknown', () => {
    expect(unixSeconds(1773400000)).toBe('2026-03-13T11:06:40.000Z');
    expect(unixSeconds(0)).toBeUndefined();
  });

  it('obj and objList accept JSON objects only (not arrays, null or the Buffer of a non-JSON body)', () => {
    expect(obj({ a: 1 })).toEqual({ a: 1 });
    expect(obj([1])).toBeUndefined();
    expect(obj(null)).toBeUndefined();
    expect(obj(Buffer.from('OK'))).toBeUndefined();
    expect(objList([{ a: 1 }, null, 'x', [2]])).toEqual([{ a: 1 }]);
    expect(objList(null)).toEqual([]);
  });

  it('str treats "" as unset, count rejects negatives and fractions, strMap drops non-strings and empty maps', () => {
    expect(str('')).toBeUndefined();
    expect(count(-1)).toBeUndefined();
    expect(count(1.5)).toBeUndefined();
    expect(count(2 ** 63)).toBe(2 ** 63);
    expect(strMap({ a: 'b', n: 1 })).toEqual({ a: 'b' });
    expect(strMap({})).toBeUndefined();
    expect(strMap({ a: '1', b: '2', c: '3' }, 2)).toEqual({ a: '1', b: '2' });
  });
});
