import { describe, expect, it } from 'vitest';
import { boundedMap, clip, longText, NAME_MAX, shortText, TEXT_MAX } from './text-limits.ts';

describe('clip', () => {
  it('keeps a value that fits and cuts a longer one to max with an ellipsis', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip(undefined, 4)).toBeUndefined();
  });

  it('never cuts a surrogate pair in half', () => {
    const out = clip('ab😀cd', 4);
    expect(out).toBe('ab…');
    expect(out?.length).toBeLessThanOrEqual(4);
  });
});

describe('shortText and longText', () => {
  it('read blank as absent and cut at the schema caps', () => {
    expect(shortText('')).toBeUndefined();
    expect(longText(undefined)).toBeUndefined();
    expect(shortText('x'.repeat(NAME_MAX + 1))?.length).toBe(NAME_MAX);
    expect(longText('x'.repeat(TEXT_MAX * 2))?.length).toBe(TEXT_MAX);
    expect(longText('back-off 5m0s')).toBe('back-off 5m0s');
  });
});

describe('boundedMap', () => {
  it('sends an empty or missing map as absent', () => {
    expect(boundedMap({})).toBeUndefined();
    expect(boundedMap(undefined)).toBeUndefined();
  });

  it('leaves out a label whose key is longer than the schema allows, and keeps the rest', () => {
    const long = `${'a'.repeat(250)}.example/${'n'.repeat(63)}`;
    expect(long.length).toBeGreaterThan(NAME_MAX);
    expect(boundedMap({ [long]: 'x', app: 'web' })).toEqual({ app: 'web' });
    expect(boundedMap({ [long]: 'x' })).toBeUndefined();
  });

  it('cuts a long value and keeps at most 1024 keys', () => {
    expect(boundedMap({ note: 'v'.repeat(TEXT_MAX + 10) })?.note).toHaveLength(TEXT_MAX);
    const many = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys(boundedMap(many) ?? {})).toHaveLength(1024);
  });
});
