import { describe, expect, it } from 'vitest';
import { owner } from './meta.ts';

describe('owner', () => {
  it('a pod without ownerReferences has no owner fields', () => {
    expect(owner({ name: 'bare' })).toEqual({});
    expect(owner(undefined)).toEqual({});
  });
});
