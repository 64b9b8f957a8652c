import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { listAll, type Page, type PageParams } from './paging.ts';

/** A fake server over 0..n-1 whose continue token is the next index. */
function pager(n: number) {
  const calls: PageParams[] = [];
  const fetchPage = async (p: PageParams): Promise<Page<number>> => {
    calls.push(p);
    const start = Number(p._continue ?? 0);
    const items = Array.from({ length: Math.min(p.limit, n - start) }, (_, i) => start + i);
    const next = start + items.length;
    return { items, metadata: next < n ? { _continue: String(next) } : {} };
  };
  return { calls, fetchPage };
}

describe('listAll', () => {
  it('follows continue tokens until the last page', async () => {
    const { calls, fetchPage } = pager(600);
    const got = await listAll(fetchPage, { pageSize: 250, cap: 10_000 });
    expect(got.items).toHaveLength(600);
    expect(got.truncated).toBe(false);
    expect(calls).toEqual([
      { limit: 250 },
      { limit: 250, _continue: '250' },
      { limit: 250, _continue: '500' },
    ]);
  });

  it('stops at the cap and says so', async () => {
    const { calls, fetchPage } = pager(600);
    const got = await listAll(fetchPage, { pageSize: 250, cap: 300 });
    expect(got).toMatchObject({ truncated: true });
    expect(got.items).toHaveLength(300);
    expect(calls).toHaveLength(2);
  });

  it('restarts once from the beginning when a continue token expired (410)', async () => {
    const { fetchPage } = pager(400);
    let expiredOnce = false;
    const flaky = async (p: PageParams) => {
      if (p._continue && !expiredOnce) {
        expiredOnce = true;
        throw new ApiException(410, 'Expired', '{"kind":"Status","code":410,"reason":"Expired"}', {});
      }
      return fetchPage(p);
    };
    expect((await listAll(flaky, { pageSize: 250, cap: 1000 })).items).toHaveLength(400);
  });

  it('passes other failures through', async () => {
    const fail = async (): Promise<Page<number>> => {
      throw new ApiException(403, 'Forbidden', '', {});
    };
    await expect(listAll(fail, { pageSize: 250, cap: 1000 })).rejects.toMatchObject({ code: 403 });
  });
});
