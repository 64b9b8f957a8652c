import { describe, expect, it } from 'vitest';
import { BOUNDED_JSON_LIMITS, BoundedJson, BoundedJsonObject, findJsonProblem } from './bounded-json.ts';

function nestedObjects(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { d: value };
  return value;
}

describe('findJsonProblem', () => {
  it('accepts scalars and containers within every bound', () => {
    for (const value of [null, true, 0, -1.5, '', 'x'.repeat(4096), [], {}, { a: [1, 'b', null] }]) {
      expect(findJsonProblem(value)).toBeUndefined();
    }
    expect(findJsonProblem(nestedObjects(BOUNDED_JSON_LIMITS.depth))).toBeUndefined();
  });

  it('names the container that goes one level too deep', () => {
    expect(findJsonProblem(nestedObjects(9))).toEqual({
      path: ['d', 'd', 'd', 'd', 'd', 'd', 'd', 'd'],
      message: 'Too deep: expected at most 8 levels of nesting',
    });
  });

  it('measures a value nested 100,000 levels deep without overflowing the stack', () => {
    let value: unknown = [];
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(findJsonProblem(value)?.message).toMatch(/Too deep/);
  });

  it('caps string length, key length, entries per container and values in all', () => {
    expect(findJsonProblem({ s: 'x'.repeat(4097) })).toEqual({
      path: ['s'],
      message: 'Too big: expected string to have <=4096 characters',
    });
    expect(findJsonProblem({ ['k'.repeat(257)]: 1 })?.message).toMatch(/keys to have <=256/);
    expect(findJsonProblem(Array(257).fill(0))?.message).toMatch(/at most 256 entries/);
    const wide = Array.from({ length: 20 }, () => Array(250).fill(0));
    expect(findJsonProblem(wide)?.message).toMatch(/at most 4096 values in all/);
  });

  it('refuses what JSON cannot carry', () => {
    expect(findJsonProblem({ n: Number.NaN })?.path).toEqual(['n']);
    expect(findJsonProblem({ f: () => 1 })?.message).toBe('Invalid input: expected a JSON value');
    expect(findJsonProblem([new Date(0)])?.path).toEqual([0]);
  });
});

describe('BoundedJson and BoundedJsonObject', () => {
  it('pass a bounded value through unchanged', () => {
    const value = { url: 'tcp://db:5432', retries: 3, tags: ['a'], nested: { ok: true } };
    expect(BoundedJsonObject.parse(value)).toEqual(value);
    expect(BoundedJson.parse([1, 'two'])).toEqual([1, 'two']);
  });

  it('report the problem at its path inside the value', () => {
    const result = BoundedJsonObject.safeParse({ outer: { s: 'x'.repeat(5000) } });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['outer', 's']]);
  });

  it('refuses a non-object as a type error in the object variant', () => {
    expect(BoundedJsonObject.safeParse('text').error?.issues[0]?.code).toBe('invalid_type');
    expect(BoundedJsonObject.safeParse([1]).error?.issues[0]?.code).toBe('invalid_type');
  });
});
