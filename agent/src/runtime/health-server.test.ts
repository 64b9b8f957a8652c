import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type HealthSnapshot, startHealthServer } from './health-server.ts';
import { ModuleRegistry } from './module-status.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const snap: HealthSnapshot = {
  version: '1.2.3',
  ready: false,
  startedAt: 0,
  agentId: 'agent-1',
  hostname: 'box',
  reportsSent: 0,
  reportsBuffered: 2,
  reportsDropped: 1,
  lastSuccessAt: undefined,
  lastError: 'ECONNREFUSED',
};

async function start(s: () => HealthSnapshot) {
  const modules = new ModuleRegistry();
  modules.set('host', { enabled: true, state: 'running' });
  modules.set('docker', { enabled: false, state: 'disabled' });
  server = await startHealthServer({ host: '127.0.0.1', port: 0 }, s, modules);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('health server', () => {
  it('answers /healthz always and /readyz 503 until the first report is delivered', async () => {
    let current = snap;
    const base = await start(() => current);
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, lastError: 'ECONNREFUSED' });
    current = { ...snap, ready: true, reportsSent: 1 };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('serves module states on /status and Prometheus text on /metrics', async () => {
    const base = await start(() => snap);
    const status = (await (await fetch(`${base}/status`)).json()) as {
      modules: Array<{ name: string; state: string }>;
    };
    expect(status.modules.map((m) => [m.name, m.state])).toEqual([
      ['host', 'running'],
      ['docker', 'disabled'],
    ]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(
      'pulse_agent_info{version="1.2.3",host_enabled="true",docker_enabled="false",kubernetes_enabled="false"} 1',
    );
    expect(metrics).toContain('pulse_agent_module_ready{module="host"} 1');
    expect(metrics).toContain('pulse_agent_module_enabled{module="docker"} 0');
    expect(metrics).toContain('pulse_agent_reports_buffered 2');
    expect(metrics).toContain('pulse_agent_reports_dropped_total 1');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
