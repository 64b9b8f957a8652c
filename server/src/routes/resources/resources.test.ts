import { Resource, ResourceListResponse, ResourceStats } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { errorOf, reportFor } from '../../../testing/reports.ts';

let h: Harness;
let clock: FakeClock;
let token: string;

beforeEach(async () => {
  clock = new FakeClock();
  h = await makeHarness({ clock });
  token = await h.token(['monitoring:read']);
  // Five hosts: web-1..3 tagged "web", db-1 tagged "db", and old-1 that goes offline.
  const hosts: Array<[string, string[]]> = [
    ['old-1', []],
    ['web-1', ['web', 'prod']],
    ['web-2', ['web']],
    ['web-3', ['web', 'prod']],
    ['db-1', ['db', 'prod']],
  ];
  for (const [name, tags] of hosts) {
    const r = reportFor({ hostname: name, machineId: `machine-${name}` });
    r.tags = tags;
    await h.deps.hostAgents.ingest(r, undefined);
    if (name === 'old-1') clock.advance(5 * 60_000);
  }
  h.deps.hostAgents.sweep();
});
afterEach(() => h.close());

async function list(query: string): Promise<ResourceListResponse> {
  const res = await h.app.request(`/api/resources${query}`, { headers: { 'X-API-Token': token } });
  expect(res.status).toBe(200);
  return ResourceListResponse.parse(await res.json());
}

const names = (r: ResourceListResponse) => r.data.map((d) => d.name);

describe('GET /api/resources', () => {
  it('lists every resource sorted by name with paging meta and aggregations', async () => {
    const all = await list('');
    expect(names(all)).toEqual(['db-1', 'old-1', 'web-1', 'web-2', 'web-3']);
    expect(all.meta).toEqual({ page: 1, limit: 50, total: 5, totalPages: 1 });
    expect(all.aggregations).toEqual({
      total: 5,
      byType: { agent: 5 },
      byStatus: { online: 4, offline: 1 },
      bySource: { agent: 5 },
    });
  });

  it('filters by status, type, source, tags and free text', async () => {
    expect(names(await list('?status=offline'))).toEqual(['old-1']);
    expect(names(await list('?type=agent&source=agent&status=online')).length).toBe(4);
    expect(names(await list('?type=vm'))).toEqual([]);
    expect(names(await list('?tags=web,prod'))).toEqual(['web-1', 'web-3']);
    expect(names(await list('?q=WEB-2'))).toEqual(['web-2']);
    expect(names(await list('?q=192.0.2')).length).toBe(5);
  });

  it('pages and sorts', async () => {
    const page2 = await list('?limit=2&page=2');
    expect(names(page2)).toEqual(['web-1', 'web-2']);
    expect(page2.meta).toEqual({ page: 2, limit: 2, total: 5, totalPages: 3 });
    expect(names(await list('?sort=name&order=desc&limit=1'))).toEqual(['web-3']);
    expect(names(await list('?sort=lastSeen&limit=1'))).toEqual(['old-1']);
  });

  it('answers 400 naming the parameter and the accepted values', async () => {
    for (const [query, field] of [
      ['?type=spaceship', 'type'],
      ['?status=sleepy', 'status'],
      ['?limit=500', 'limit'],
      ['?page=0', 'page'],
      ['?sort=colour', 'sort'],
    ] as const) {
      const res = await h.app.request(`/api/resources${query}`, { headers: { 'X-API-Token': token } });
      expect(res.status, query).toBe(400);
      const body = await errorOf(res);
      expect(body.code).toBe('bad_request');
      expect(body.error).toContain(field);
    }
    const res = await h.app.request('/api/resources?type=spaceship', { headers: { 'X-API-Token': token } });
    expect((await errorOf(res)).error).toMatch(/agent/);
  });
});

describe('GET /api/resources/stats and /api/resources/:id', () => {
  it('counts by type, status and source', async () => {
    const res = await h.app.request('/api/resources/stats', { headers: { 'X-API-Token': token } });
    expect(ResourceStats.parse(await res.json())).toMatchObject({
      total: 5,
      byStatus: { online: 4, offline: 1 },
    });
  });

  it('returns one resource by id and 404 for an unknown id', async () => {
    const first = (await list('?q=db-1')).data[0];
    const res = await h.app.request(`/api/resources/${first?.id}`, { headers: { 'X-API-Token': token } });
    expect(res.status).toBe(200);
    expect(Resource.parse(await res.json())).toEqual(first);
    const missing = await h.app.request('/api/resources/agent-0000000000000000', {
      headers: { 'X-API-Token': token },
    });
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: 'not_found' });
  });
});
