import { describe, expect, it } from 'vitest';
import { pruneNulls } from './wire-nulls.ts';

describe('pruneNulls', () => {
  it('removes null fields and null list entries at any depth, in place', () => {
    const when = new Date('2026-11-22T10:00:00Z');
    const pod = JSON.parse(
      '{"metadata":{"name":"p","labels":null,"ownerReferences":null},' +
        '"spec":{"nodeName":null,"containers":[null,{"name":"app","image":null}]},' +
        '"status":{"phase":"Pending","startTime":null,"containerStatuses":null}}',
    );
    pod.metadata.creationTimestamp = when;
    pruneNulls([pod]);
    expect(pod).toEqual({
      metadata: { name: 'p', creationTimestamp: when },
      spec: { containers: [{ name: 'app' }] },
      status: { phase: 'Pending' },
    });
    expect(pod.metadata.creationTimestamp).toBe(when);
    expect(Object.keys(pod.spec)).toEqual(['containers']);
  });

  it('keeps the values that only look empty: 0, false and the empty string', () => {
    const status = { restartCount: 0, ready: false, reason: '', message: null };
    pruneNulls(status);
    expect(status).toStrictEqual({ restartCount: 0, ready: false, reason: '' });
  });

  it('leaves scalars and undefined alone', () => {
    for (const value of [undefined, null, 0, 'x', true]) expect(() => pruneNulls(value)).not.toThrow();
  });
});
