import { ChartsResponse, ErrorEnvelope, HistoryResponse } from '@pulse/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { hostWithHistory } from '../../../testing/history-fixture.ts';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const CONTAINERS = 300;
const containerId = (i: number): string => `c-${String(i).padStart(3, '0')}`;

/**
 * 300 Docker containers with cpu, memory and disk, six samples 10 s apart, recorded straight into the
 * store: 900 series, more than the default point budget holds at 60 points each.
 */
async function withFleet(): Promise<{ h: Harness; token: string }> {
  const clock = new FakeClock();
  h = await makeHarness({ clock });
  const token = await h.token(['*']);
  for (let k = 0; k < 6; k++) {
    for (let i = 0; i < CONTAINERS; i++) {
      h.deps.history.record('dockerContainer', containerId(i), 'cpu', clock.now(), i % 100);
      h.deps.history.record('dockerContainer', containerId(i), 'memory', clock.now(), 50);
      h.deps.history.record('dockerContainer', containerId(i), 'disk', clock.now(), 20);
    }
    clock.advance(10_000);
  }
  await h.deps.history.tick();
  return { h, token };
}

async function charts(
  app: Harness['app'],
  token: string,
  query: string,
): Promise<{ text: string; body: ChartsResponse }> {
  const res = await app.request(`/api/charts?${query}`, { headers: { 'X-API-Token': token } });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, body: ChartsResponse.parse(JSON.parse(text)) };
}

describe('GET /api/charts bounds', () => {
  it('answers one page of 25 resources per group by default for a fleet past the budget, and says what it left out', async () => {
    const { h, token } = await withFleet();
    const { text, body } = await charts(h.app, token, 'range=15m');
    const ids = Object.keys(body.dockerData);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => containerId(i)));
    expect(body.dockerData[containerId(3)]?.cpu).toHaveLength(6);
    expect(body.stats).toMatchObject({ seriesCount: 75, pointCount: 450 });
    expect(body.meta).toEqual({
      capped: true,
      maxPoints: 60,
      limit: 25,
      page: 1,
      groups: {
        data: { total: 0, returned: 0 },
        nodeData: { total: 0, returned: 0 },
        storageData: { total: 0, returned: 0 },
        dockerData: { total: CONTAINERS, returned: 25 },
        dockerHostData: { total: 0, returned: 0 },
        agentData: { total: 0, returned: 0 },
      },
    });
    // 75 series of 6 points: the whole fleet (5,400 points) would be twelve times this.
    expect(text.length).toBeLessThan(30_000);
  });

  it('pages through the rest with type, limit and page, each resource once', async () => {
    const { h, token } = await withFleet();
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const { body } = await charts(h.app, token, `range=15m&type=docker&limit=100&page=${page}`);
      expect(body.meta?.groups.dockerData).toEqual({ total: CONTAINERS, returned: 100 });
      expect(body.meta?.capped).toBe(true);
      seen.push(...Object.keys(body.dockerData));
    }
    expect(seen).toEqual(Array.from({ length: CONTAINERS }, (_, i) => containerId(i)));
    const past = await charts(h.app, token, 'range=15m&type=docker&limit=100&page=4');
    expect(past.body.dockerData).toEqual({});
    expect(past.body.meta?.groups.dockerData).toEqual({ total: CONTAINERS, returned: 0 });
    const others = await charts(h.app, token, 'range=15m&type=agent,node');
    expect(others.body.dockerData).toEqual({});
    expect(others.body.meta).toMatchObject({
      capped: false,
      groups: { dockerData: { total: 0, returned: 0 } },
    });
  });

  it('buckets a long series to maxPoints; a small fleet keeps every stored point by default', async () => {
    const clock = new FakeClock();
    h = await makeHarness({ clock });
    const token = await h.token(['*']);
    for (let k = 0; k < 150; k++) {
      h.deps.history.record('agent', 'a-1', 'cpu', clock.now(), k % 7);
      clock.advance(5_000);
    }
    await h.deps.history.tick();
    const bucketed = await charts(h.app, token, 'range=15m&maxPoints=60');
    expect(bucketed.body.agentData['a-1']?.cpu?.length).toBeLessThanOrEqual(60);
    expect(bucketed.body.agentData['a-1']?.cpu?.length).toBeGreaterThanOrEqual(40);
    const byDefault = await charts(h.app, token, 'range=15m');
    expect(byDefault.body.agentData['a-1']?.cpu).toHaveLength(150);
    expect(byDefault.body.meta).toMatchObject({ capped: false, maxPoints: 500, limit: 1 });
  });

  it('under the caps answers every series as stored, with capped false', async () => {
    const fixture = await hostWithHistory();
    h = fixture.h;
    const { token, hostId } = fixture;
    const { body } = await charts(h.app, token, 'range=15m');
    expect(body.meta).toMatchObject({ capped: false, groups: { agentData: { total: 1, returned: 1 } } });
    const metrics = body.agentData[hostId] ?? {};
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['cpu', 'memory', 'disk']));
    for (const [name, points] of Object.entries(metrics)) {
      const res = await h.app.request(
        `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&metric=${name}&range=15m`,
        { headers: { 'X-API-Token': token } },
      );
      const stored = HistoryResponse.parse(await res.json()).points;
      expect(points).toEqual(stored.map((p) => ({ timestamp: p.timestamp, value: p.value })));
    }
    expect(metrics.cpu).toHaveLength(12);
  });

  it.each([
    ['maxPoints=0', 'maxPoints', '500'],
    ['maxPoints=501', 'maxPoints', '500'],
    ['limit=201', 'limit', '200'],
    ['page=0', 'page', 'page must be'],
    ['type=planet', 'type', 'dockerContainer'],
  ])('refuses %s with 400 naming %s', async (query, field, hint) => {
    h = await makeHarness();
    const res = await h.app.request(`/api/charts?${query}`, {
      headers: { 'X-API-Token': await h.token(['*']) },
    });
    expect(res.status).toBe(400);
    const body = ErrorEnvelope.parse(await res.json());
    expect(JSON.stringify(body.details)).toContain(hint);
    expect(Object.keys(body.details ?? {}).join()).toContain(field);
  });
});
