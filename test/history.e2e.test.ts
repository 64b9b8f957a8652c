// The real server: host reports become history that /api/metrics-store/history returns with the reported
// values, before and after a restart (the shutdown flush).
import { randomBytes } from 'node:crypto';
import { HistoryResponse, MetricsStoreStats, StateResponse } from '@pulse/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { reportFor } from '../server/testing/reports.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const token = randomBytes(32).toString('hex');
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('X-API-Token', token);
  return fetch(`${server?.url}${path}`, { ...init, headers });
}

async function cpuHistory(hostId: string): Promise<HistoryResponse> {
  const res = await api(
    `/api/metrics-store/history?resourceType=agent&resourceId=${hostId}&metric=cpu&range=30m`,
  );
  expect(res.status).toBe(200);
  return HistoryResponse.parse(await res.json());
}

describe('metrics history on a real server', () => {
  it('returns the CPU values reported over several reports, and keeps them across a restart', async () => {
    server = await startServer({ env: { API_TOKENS: token } });
    const reported = [12.5, 37.25, 88, 5.75, 61.5];
    for (const cpu of reported) {
      const report = reportFor({ hostname: 'db-1', machineId: 'machine-db-1' });
      report.metrics.cpuUsagePercent = cpu;
      const res = await api('/api/agents/host/report', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(report),
      });
      expect(res.status).toBe(200);
      // The store keeps one sample per series per second.
      await new Promise((r) => setTimeout(r, 1100));
    }
    const state = StateResponse.parse(await (await api('/api/state')).json());
    const hostId = state.hosts[0]?.id ?? '';
    expect((await cpuHistory(hostId)).points.map((p) => p.value)).toEqual(reported);

    const dataDir = server.dataDir;
    expect(await server.stop()).toBe(0);
    server = await startServer({ dataDir, env: { API_TOKENS: token } });
    const after = await cpuHistory(hostId);
    expect(after.points.map((p) => p.value)).toEqual(reported);
    expect(after.points.every((p) => p.min === p.value && p.max === p.value)).toBe(true);
    const stats = MetricsStoreStats.parse(await (await api('/api/metrics-store/stats')).json());
    expect(stats.seriesCount).toBeGreaterThan(0);
  });
});
