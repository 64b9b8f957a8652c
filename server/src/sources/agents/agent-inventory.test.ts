import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerReportFor, kubernetesReportFor } from '../../../testing/container-reports.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { postReport, reportFor } from '../../../testing/reports.ts';
import { StatementClient } from '../../db/statement-client.ts';
import { ROW_REWRITE_MS } from './agent-inventory.ts';

const MACHINE = 'eeeeeeee-1111-2222-3333-444444444444';
const STREAM = 'f'.repeat(32);

let dataDir: string;
let clock: FakeClock;
let harnesses: Harness[];
let token: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pulse-inventory-'));
  clock = new FakeClock();
  harnesses = [];
});
afterEach(() => {
  for (const h of harnesses) h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<Harness> {
  const h = await makeHarness({ clock, dataDir });
  harnesses.push(h);
  return h;
}

/** What main.ts does on SIGTERM for the inventory, then the process ends. */
async function stop(h: Harness): Promise<void> {
  await h.deps.agentInventory.close();
  h.close();
  harnesses = harnesses.filter((x) => x !== h);
}

function hostReport(seq: number, cpu: number) {
  const r = reportFor({
    hostname: 'keeper',
    machineId: MACHINE,
    timestamp: new Date(clock.now()).toISOString(),
    sequenceId: `v1:${STREAM}:${seq}`,
  });
  r.metrics.cpuUsagePercent = cpu;
  return r;
}

async function state(h: Harness): Promise<StateResponse> {
  const reader = await h.token(['monitoring:read'], 'reader');
  const res = await h.app.request('/api/state', { headers: { 'X-API-Token': reader } });
  return StateResponse.parse(await res.json());
}

async function reportAll(h: Harness): Promise<void> {
  const now = new Date(clock.now()).toISOString();
  expect((await postReport(h.app, token, hostReport(5, 42))).status).toBe(200);
  const docker = await postReport(h.app, token, dockerReportFor({ timestamp: now }), {
    path: '/api/agents/docker/report',
  });
  expect(docker.status).toBe(200);
  const kube = await postReport(h.app, token, kubernetesReportFor({ timestamp: now }), {
    path: '/api/agents/kubernetes/report',
  });
  expect(kube.status).toBe(200);
}

const offline = <T extends { status: string }>(items: T[]) => items.map((i) => ({ ...i, status: 'offline' }));

describe('agents across a restart', () => {
  it('come back offline with their last data, and an older replay of the same stream is not applied', async () => {
    const first = await start();
    token = await first.token(['*'], 'agent');
    await reportAll(first);
    const before = await state(first);
    await stop(first);

    clock.advance(60_000);
    const second = await start();
    const after = await state(second);
    expect(after.hosts).toEqual(offline(before.hosts));
    expect(after.dockerHosts).toEqual(offline(before.dockerHosts));
    expect(after.kubernetesClusters).toEqual(offline(before.kubernetesClusters));
    expect(after.hosts[0]).toMatchObject({ id: MACHINE, cpuUsage: 42 });

    const replay = await postReport(second.app, token, hostReport(3, 7));
    expect(replay.status).toBe(200);
    expect(second.deps.state.hosts.get(MACHINE)).toMatchObject({ status: 'offline', cpuUsage: 42 });

    expect((await postReport(second.app, token, hostReport(6, 43))).status).toBe(200);
    expect(second.deps.state.hosts.get(MACHINE)).toMatchObject({ status: 'online', cpuUsage: 43 });
  });

  it('keeps what the last tick wrote when the process ends without a clean stop', async () => {
    const first = await start();
    token = await first.token(['*'], 'agent');
    await reportAll(first);
    await first.deps.agentInventory.flush();
    expect(first.deps.agentInventory.pending).toBe(0);

    const second = await start();
    expect(second.deps.state.hosts.get(MACHINE)?.status).toBe('offline');
    expect(second.deps.state.dockerHosts.size).toBe(1);
  });

  it('forgets a removed agent, and writes only rows that changed', async () => {
    const first = await start();
    token = await first.token(['*'], 'agent');
    await reportAll(first);
    await first.deps.agentInventory.flush();

    clock.advance(11 * 60_000);
    first.deps.hostAgents.sweep();
    const del = await first.app.request(`/api/agents/host/${MACHINE}`, {
      method: 'DELETE',
      headers: { 'X-API-Token': token },
    });
    expect(del.status).toBe(200);
    expect(first.deps.agentInventory.pending).toBe(1);
    await stop(first);

    const rows = new StatementClient(join(dataDir, 'pulse.db'));
    try {
      const stored = await rows.execute('SELECT kind, id FROM agent_inventory ORDER BY kind');
      expect(stored.rows.map((r) => r.kind)).toEqual(['docker', 'kubernetes']);
    } finally {
      rows.close();
    }
    const second = await start();
    expect(second.deps.state.hosts.size).toBe(0);
    expect(second.deps.state.dockerHosts.size).toBe(1);
  });

  it('rewrites a stored agent that keeps reporting at most every ROW_REWRITE_MS, and everything on a clean stop', async () => {
    const first = await start();
    token = await first.token(['*'], 'agent');
    const storedCpu = async () => {
      const db = new StatementClient(join(dataDir, 'pulse.db'));
      try {
        const row = await db.execute("SELECT item FROM agent_inventory WHERE kind = 'host'");
        return JSON.parse(String(row.rows[0]?.item ?? '{}')).cpuUsage;
      } finally {
        db.close();
      }
    };
    expect((await postReport(first.app, token, hostReport(1, 10))).status).toBe(200);
    await first.deps.agentInventory.flush();
    expect(await storedCpu()).toBe(10);

    // Reports every 30 s for a while: the row waits for its rewrite time.
    for (let seq = 2; seq <= 10; seq++) {
      clock.advance(30_000);
      expect((await postReport(first.app, token, hostReport(seq, seq * 10))).status).toBe(200);
      await first.deps.agentInventory.flush();
    }
    expect(await storedCpu()).toBe(10);
    expect(first.deps.agentInventory.pending).toBe(1);

    clock.advance(ROW_REWRITE_MS);
    expect((await postReport(first.app, token, hostReport(11, 77))).status).toBe(200);
    await first.deps.agentInventory.flush();
    expect(await storedCpu()).toBe(77);

    clock.advance(30_000);
    expect((await postReport(first.app, token, hostReport(12, 88))).status).toBe(200);
    await stop(first);
    expect(await storedCpu()).toBe(88);
  });
});
