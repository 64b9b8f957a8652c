import { describe, expect, it } from 'vitest';
import { parseJson } from './body.ts';
import { ApiError } from './errors.ts';
import { assertJsonDepth, jsonDepth, MAX_JSON_DEPTH } from './json-depth.ts';

function nestedArrays(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('jsonDepth', () => {
  it('counts containers, not scalars', () => {
    expect(jsonDepth('text')).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth([[1]])).toBe(2);
    expect(jsonDepth({ a: 1, b: { c: [{}] }, d: [] })).toBe(4);
  });

  it('measures 200,000 levels without overflowing the stack', () => {
    expect(jsonDepth(nestedArrays(200_000))).toBe(200_000);
  });
});

describe('assertJsonDepth', () => {
  it('lets exactly the limit through and refuses one more with both numbers in the message', () => {
    expect(() => assertJsonDepth(nestedArrays(MAX_JSON_DEPTH))).not.toThrow();
    let thrown: unknown;
    try {
      assertJsonDepth(nestedArrays(MAX_JSON_DEPTH + 1));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({
      code: 'invalid_json',
      message: 'Request body nests 65 levels deep; at most 64 are allowed',
      details: { depth: '65', limitDepth: '64' },
    });
  });

  it('guards every body parseJson reads', () => {
    const deep = Buffer.from(`${'{"d":'.repeat(7000)}1${'}'.repeat(7000)}`);
    expect(() => parseJson(deep)).toThrow('Request body nests 7000 levels deep; at most 64 are allowed');
    expect(parseJson(Buffer.from('{"ok":[1,2]}'))).toEqual({ ok: [1, 2] });
  });
});
