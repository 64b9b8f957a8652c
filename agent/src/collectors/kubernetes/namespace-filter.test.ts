import { describe, expect, it } from 'vitest';
import { namespaceFilter } from './namespace-filter.ts';

describe('namespaceFilter', () => {
  it('passes every namespace with no lists, and cluster-scoped objects always', () => {
    const keep = namespaceFilter([], []);
    expect([keep('default'), keep('kube-system'), keep(undefined)]).toEqual([true, true, true]);
  });

  it('an include list keeps only those; exclude wins over include', () => {
    const keep = namespaceFilter(['media', 'default', ' '], ['default']);
    expect([keep('media'), keep('default'), keep('kube-system'), keep(undefined)]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });

  it('an exclude list alone drops those', () => {
    const keep = namespaceFilter([], ['kube-system']);
    expect([keep('kube-system'), keep('media')]).toEqual([false, true]);
  });
});
