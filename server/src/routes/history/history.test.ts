import {
  ChartsResponse,
  ErrorEnvelope,
  HistoryAllMetricsResponse,
  HistoryResponse,
  MetricsStoreStats,
  SystemConfigResponse,
} from '@pulse/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../../../testing/harness.ts';
import { hostWithHistory } from '../../../testing/history-fixture.ts';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

async function withHistory(): ReturnType<typeof hostWithHistory> {
  const fixture = await hostWithHistory();
  h = fixture.h;
  return fixture;
}

function get(app: Harness['app'], path: string, token: string): Promise<Response> {
  return Promise.resolve(app.request(path, { headers: { 'X-API-Token': token } }));
}

describe('GET /api/metrics-store/history', () => {
  it('returns the reported CPU of a host, raw tier for an hour', async () => {
    const { h, token, hostId } = await withHistory();
    const cpu = h.deps.state.hosts.list()[0]?.cpuUsage ?? Number.NaN;
    const res = await get(
      h.app,
      `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&metric=cpu&range=1h`,
      token,
    );
    expect(res.status).toBe(200);
    const body = HistoryResponse.parse(await res.json());
    expect(body).toMatchObject({
      resourceType: 'agent',
      resourceId: hostId,
      metric: 'cpu',
      range: '1h',
      tier: 'raw',
    });
    expect(body.points).toHaveLength(12);
    for (const p of body.points) expect(p.value).toBeCloseTo(cpu, 2);
    expect(body.points[1]?.timestamp).toBe((body.points[0]?.timestamp ?? 0) + 10_000);
  });

  it('carries the window it read as start and end, in epoch ms', async () => {
    const { h, token, hostId, clock } = await withHistory();
    const res = await get(
      h.app,
      `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&metric=cpu&range=1h`,
      token,
    );
    const body = HistoryResponse.parse(await res.json());
    const end = Math.floor(clock.now() / 1000) * 1000;
    expect(body).toMatchObject({ start: end - 3_600_000, end });
    for (const p of body.points) {
      expect(p.timestamp).toBeGreaterThanOrEqual(body.start);
      expect(p.timestamp).toBeLessThanOrEqual(body.end);
    }
  });

  it('without metric answers every metric of the resource, each as the single-metric query would', async () => {
    const { h, token, hostId, clock } = await withHistory();
    const base = `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&range=1h`;
    const res = await get(h.app, base, token);
    expect(res.status).toBe(200);
    const body = HistoryAllMetricsResponse.parse(await res.json());
    const end = Math.floor(clock.now() / 1000) * 1000;
    expect(body).toMatchObject({
      resourceType: 'agent',
      resourceId: hostId,
      range: '1h',
      start: end - 3_600_000,
      end,
      source: 'store',
    });
    expect(body).not.toHaveProperty('metric');
    // The recorded report gives at least cpu, memory and disk, twelve samples each.
    const names = Object.keys(body.metrics);
    expect(names).toEqual(expect.arrayContaining(['cpu', 'memory', 'disk']));
    expect(names).toEqual([...names].sort());
    for (const name of names) {
      const one = HistoryResponse.parse(await (await get(h.app, `${base}&metric=${name}`, token)).json());
      expect(body.metrics[name]).toEqual(one.points);
      expect(body.tiers[name]).toBe(one.tier);
    }
    expect(body.metrics.cpu).toHaveLength(12);
  });

  it('reads an empty metric= as every metric, and applies maxPoints to each', async () => {
    const { h, token, hostId } = await withHistory();
    const res = await get(
      h.app,
      `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&metric=&range=1h&maxPoints=60`,
      token,
    );
    expect(res.status).toBe(200);
    const body = HistoryAllMetricsResponse.parse(await res.json());
    expect(Object.keys(body.metrics).length).toBeGreaterThanOrEqual(3);
    for (const points of Object.values(body.metrics)) {
      expect(points.length).toBeGreaterThanOrEqual(2);
      expect(points.length).toBeLessThanOrEqual(3);
    }
  });

  it('without metric answers no metrics for an unknown resource', async () => {
    const { h, token } = await withHistory();
    const res = await get(h.app, '/api/metrics-store/history?resourceType=guest&resourceId=x', token);
    expect(res.status).toBe(200);
    expect(HistoryAllMetricsResponse.parse(await res.json())).toMatchObject({
      resourceType: 'guest',
      range: '24h',
      metrics: {},
      tiers: {},
    });
  });

  it('buckets to maxPoints with min and max', async () => {
    const { h, token, hostId } = await withHistory();
    const res = await get(
      h.app,
      `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&metric=cpu&range=1h&maxPoints=60`,
      token,
    );
    const body = HistoryResponse.parse(await res.json());
    // 60 s buckets: twelve 10 s samples fall into two or three of them.
    expect(body.points.length).toBeGreaterThanOrEqual(2);
    expect(body.points.length).toBeLessThanOrEqual(3);
  });

  it('answers an empty series for an unknown resource and accepts the aliases', async () => {
    const { h, token } = await withHistory();
    for (const type of ['guest', 'docker']) {
      const res = await get(
        h.app,
        `/api/metrics-store/history?resourceType=${type}&resourceId=x&metric=cpu`,
        token,
      );
      expect(res.status).toBe(200);
      expect(HistoryResponse.parse(await res.json())).toMatchObject({
        resourceType: type,
        range: '24h',
        points: [],
      });
    }
  });

  it.each([
    ['resourceType=planet&resourceId=a&metric=cpu', 'resourceType', 'dockerContainer'],
    ['resourceType=agent&resourceId=a&metric=cpu&range=fortnight', 'range', '365d'],
    ['resourceType=agent&resourceId=a&metric=cpu&range=400d', 'range', '365d'],
    ['resourceType=agent&resourceId=a&metric=cpu&maxPoints=0', 'maxPoints', '5000'],
    ['resourceType=agent&resourceId=a&metric=cpu&maxPoints=5001', 'maxPoints', '5000'],
    ['resourceType=agent&resourceId=a&metric=cpu&maxPoints=ten', 'maxPoints', '5000'],
    ['resourceType=agent&metric=cpu', 'resourceId', 'resourceId'],
    ['resourceType=agent&resourceId=a&metric=cpu%3Bdrop', 'metric', 'left out for every metric'],
  ])('refuses %s with 400 naming %s and the accepted values', async (query, field, hint) => {
    const { h, token } = await withHistory();
    const res = await get(h.app, `/api/metrics-store/history?${query}`, token);
    expect(res.status).toBe(400);
    const body = ErrorEnvelope.parse(await res.json());
    expect(body.code).toBe('bad_request');
    expect(body.details?.[field]).toContain(hint);
  });
});

describe('chart and store endpoints', () => {
  it('GET /api/charts groups agent series by host with ms timestamps', async () => {
    const { h, token, hostId, clock } = await withHistory();
    const res = await get(h.app, '/api/charts?range=15m', token);
    expect(res.status).toBe(200);
    const body = ChartsResponse.parse(await res.json());
    expect(Object.keys(body.agentData)).toEqual([hostId]);
    expect(body.agentData[hostId]?.cpu).toHaveLength(12);
    expect(body.timestamp).toBe(clock.now());
    expect(body.data).toEqual({});
    const bad = await get(h.app, '/api/charts?range=2h', token);
    expect(bad.status).toBe(400);
    expect(ErrorEnvelope.parse(await bad.json()).error).toContain('5m, 15m, 30m, 1h, 4h, 12h, 24h, 7d');
  });

  it('GET /api/storage-charts answers an empty map without Proxmox storage', async () => {
    const { h, token } = await withHistory();
    const res = await get(h.app, '/api/storage-charts?range=24h', token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ storageData: {} });
  });

  it('GET /api/metrics-store/stats counts series and samples without file paths', async () => {
    const { h, token, hostId } = await withHistory();
    await h.deps.history.flush();
    const res = await get(h.app, '/api/metrics-store/stats', token);
    const text = await res.text();
    const body = MetricsStoreStats.parse(JSON.parse(text));
    // The store holds this one host: its series and raw samples are what its history answers. Gauges
    // (cpu, memory, disk) have a sample per report; rates, where counters are reported, one fewer.
    const history = await get(
      h.app,
      `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&range=1h`,
      token,
    );
    const all = HistoryAllMetricsResponse.parse(await history.json());
    const samples = Object.values(all.metrics).reduce((n, points) => n + points.length, 0);
    expect(body.seriesCount).toBe(Object.keys(all.metrics).length);
    expect(body.seriesCount).toBeGreaterThanOrEqual(3);
    expect(body.tiers.map((t) => t.tier)).toEqual(['raw', 'minute', 'hourly', 'daily']);
    expect(body.tiers[0]?.samples).toBe(samples);
    expect(all.metrics.cpu).toHaveLength(12);
    expect(text).not.toContain(h.dataDir);
  });

  it('GET /api/config/system shows the retention, and needs settings:read', async () => {
    h = await makeHarness();
    const res = await get(h.app, '/api/config/system', await h.token(['settings:read']));
    expect(SystemConfigResponse.parse(await res.json())).toEqual({
      metricsRetentionRawHours: 2,
      metricsRetentionMinuteHours: 24,
      metricsRetentionHourlyDays: 7,
      metricsRetentionDailyDays: 90,
    });
    const denied = await get(h.app, '/api/config/system', await h.token(['monitoring:read']));
    expect(denied.status).toBe(403);
  });
});
