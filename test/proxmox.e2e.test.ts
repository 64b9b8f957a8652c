// End to end: the real server polls the Proxmox simulator (a 3-node VE cluster, a Backup Server and a Mail
// Gateway) after they are added through the API, and /api/state follows what the simulator serves:
// migrations, a cluster node going down and coming back, without a restart.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NodeConfigView, StateResponse } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postReport, reportFor } from '../server/testing/reports.ts';
import { guestUsage, nodeUsage, type ProxmoxSim, startProxmoxSim } from './pve-sim/index.ts';
import { guestMemAvailable, guestMeminfo } from './pve-sim/metrics.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const TOKEN = 'e2e-admin-token-0123456789abcdef0123456789abcdef';
const CLUSTER = 'sim-cluster';

let sim: ProxmoxSim;
let server: ServerProcess;

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { 'X-API-Token': TOKEN, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function state(): Promise<StateResponse> {
  return StateResponse.parse(await (await api('GET', '/api/state')).json());
}

/** Polls until check passes (returns a value) or the time is up; the last failure is rethrown. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

interface Health {
  breakers: { instance: string; type: string; state: string }[];
  endpoints: { instance: string; node?: string; healthy: boolean; lastError?: string }[];
  instances: { instance: string; consecutiveFailures: number; lastSuccess?: string }[];
}

beforeAll(async () => {
  sim = await startProxmoxSim({ nodes: 3, guestsPerNode: 4, clusterName: CLUSTER });
  // Frozen simulator time: every poll sees the same figures, so they can be compared exactly.
  sim.model.clock.freeze(sim.model.clock.now());
  server = await startServer({
    env: { API_TOKENS: TOKEN, PBS_POLLING_INTERVAL: '10', PMG_POLLING_INTERVAL: '10' },
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
  await sim?.close();
});

describe('Proxmox polling against the simulator', () => {
  it('adds a VE cluster with a token and PBS/PMG with passwords through the API', async () => {
    const [first] = sim.pve.endpoints;
    const added = [
      await api('POST', '/api/config/nodes', {
        type: 'pve',
        name: 'Sim cluster',
        host: first?.url,
        tokenName: sim.credentials.pveToken.tokenName,
        tokenValue: sim.credentials.pveToken.tokenValue,
        verifySSL: false,
      }),
      await api('POST', '/api/config/nodes', {
        type: 'pbs',
        name: 'Sim PBS',
        host: sim.pbs.url,
        user: sim.credentials.pbsUser.user,
        password: sim.credentials.pbsUser.password,
        verifySSL: true,
        fingerprint: sim.pbs.fingerprintColon,
      }),
      await api('POST', '/api/config/nodes', {
        type: 'pmg',
        name: 'Sim PMG',
        host: sim.pmg.url,
        user: sim.credentials.pmgUser.user,
        password: sim.credentials.pmgUser.password,
        verifySSL: false,
      }),
    ];
    for (const res of added) expect(res.status).toBe(201);
    const list = NodeConfigView.array().parse(await (await api('GET', '/api/config/nodes')).json());
    expect(list.map((n) => n.type).sort()).toEqual(['pbs', 'pmg', 'pve']);
  });

  it('tests a connection step by step and discovers the cluster members', async () => {
    const [first] = sim.pve.endpoints;
    const good = {
      type: 'pve',
      host: first?.url,
      tokenName: sim.credentials.pveToken.tokenName,
      tokenValue: sim.credentials.pveToken.tokenValue,
      fingerprint: first?.fingerprintColon,
    };
    const ok = (await (await api('POST', '/api/config/nodes/test-connection', good)).json()) as {
      success: boolean;
      fingerprint: string;
      cluster?: { name: string; nodes: unknown[] };
    };
    expect(ok).toMatchObject({ success: true, fingerprint: first?.fingerprint, cluster: { name: CLUSTER } });
    expect(ok.cluster?.nodes).toHaveLength(3);
    const wrongToken = (await (
      await api('POST', '/api/config/nodes/test-connection', { ...good, tokenValue: 'not-the-secret' })
    ).json()) as { success: boolean; failedStep: string };
    expect(wrongToken).toMatchObject({ success: false, failedStep: 'auth' });
    const limited = (await (
      await api('POST', '/api/config/nodes/test-connection', {
        ...good,
        tokenName: sim.credentials.limitedPveToken.tokenName,
        tokenValue: sim.credentials.limitedPveToken.tokenValue,
      })
    ).json()) as { success: boolean; message: string };
    expect(limited.success).toBe(false);
    expect(limited.message).toMatch(/privilege|permission/i);

    const refreshed = (await (
      await api('POST', '/api/config/nodes/pve-sim-cluster/refresh-cluster')
    ).json()) as {
      name: string;
      endpoints: { nodeName: string; ip: string }[];
    };
    expect(refreshed.name).toBe(CLUSTER);
    expect(refreshed.endpoints.map((e) => e.ip).sort()).toEqual(sim.model.pve.nodes.map((n) => n.ip).sort());
  });

  it('fills every collection with what the simulator serves within two poll cycles', async () => {
    const t = sim.model.clock.now();
    const s = await eventually(async () => {
      const s = await state();
      expect(s.nodes).toHaveLength(3);
      expect(s.pbs).toHaveLength(1);
      expect(s.pmg).toHaveLength(1);
      expect(s.pveBackups.storageBackups.length).toBeGreaterThan(0);
      return s;
    }, 25_000);

    for (const n of sim.model.pve.nodes) {
      const got = s.nodes.find((x) => x.name === n.name);
      const usage = nodeUsage(sim.model, n, t);
      expect(got).toMatchObject({
        id: `${CLUSTER}-${n.name}`,
        status: 'online',
        isClusterMember: true,
        clusterName: CLUSTER,
      });
      expect(got?.cpu).toBe(usage.cpu);
      expect(got?.memory.total).toBe(n.maxmem);
      expect(got?.uptime).toBe(usage.uptime);
    }
    const guests = [...s.vms, ...s.containers];
    expect(s.vms.length + s.containers.length).toBe(sim.model.pve.guests.length);
    for (const g of sim.model.pve.guests) {
      const got = guests.find((x) => x.vmid === g.vmid);
      expect(got, `guest ${g.vmid}`).toMatchObject({
        id: `${CLUSTER}:${g.vmid}`,
        name: g.name,
        node: g.node,
        type: g.type,
        status: g.status,
      });
      const usage = guestUsage(sim.model, g, t);
      expect(got?.cpu).toBe(usage.cpu);
      if (g.status === 'running' && g.type === 'qemu' && g.agent) {
        // The guest's own /proc/meminfo: its MemTotal (below maxmem) minus MemAvailable.
        const guestTotal = Math.min(g.maxmem, guestMeminfo(sim.model, g, t).memTotal * 1024);
        expect(got?.memory.used).toBe(guestTotal - guestMemAvailable(sim.model, g, t));
        expect(got?.memory.used).toBeLessThan(usage.mem);
        expect(got?.memorySource).toBe('guest-agent');
      } else if (g.status === 'running') {
        expect(got?.memory.used).toBe(usage.mem);
        expect(got?.memorySource).toBe('host');
      } else {
        expect(got?.memorySource).toBeUndefined();
      }
      if (g.status === 'running') expect(got?.memory.total).toBe(g.maxmem);
    }
    expect(s.vms.some((v) => v.memorySource === 'guest-agent')).toBe(true);

    // Shared storage once for the cluster, local storage per node.
    const expectedStorage = sim.model.pve.storages.map((st) =>
      st.node === null ? `${CLUSTER}-cluster-${st.storage}` : `${CLUSTER}-${st.node}-${st.storage}`,
    );
    expect(s.storage.map((x) => x.id).sort()).toEqual([...new Set(expectedStorage)].sort());
    const shared = s.storage.find((x) => x.shared);
    expect(shared?.nodes.sort()).toEqual(sim.model.pve.nodes.map((n) => n.name).sort());

    expect(s.cephClusters).toHaveLength(1);
    expect(s.cephClusters[0]?.fsid).toBe(sim.model.pve.ceph.fsid);
    const wholeDisks = sim.model.pve.disks;
    expect(s.physicalDisks.map((d) => d.devPath).sort()).toEqual(wholeDisks.map((d) => d.devpath).sort());
    expect(s.physicalDisks.filter((d) => d.health === 'FAILED').length).toBe(
      wholeDisks.filter((d) => d.health === 'FAILED').length,
    );

    const vzdump = sim.model.pve.backups.length;
    const viaPbsStorage = s.pveBackups.storageBackups.filter((b) => b.isPBS).length;
    expect(s.pveBackups.storageBackups.length - viaPbsStorage).toBe(vzdump);
    const snapshots = sim.model.pve.guests.reduce((n, g) => n + g.snapshots.length, 0);
    expect(s.pveBackups.guestSnapshots).toHaveLength(snapshots);
    expect(s.pveBackups.guestSnapshots.some((x) => x.name === 'current')).toBe(false);

    const pbs = s.pbs[0];
    expect(pbs?.datastores.map((d) => d.name).sort()).toEqual(
      sim.model.pbs.datastores.map((d) => d.store).sort(),
    );
    expect(s.pbsBackups).toHaveLength(sim.model.pbs.snapshots.length);
    const pmg = s.pmg[0];
    expect(pmg?.status).toBe('online');
    expect(pmg?.nodes.length).toBeGreaterThan(0);
    expect(pmg?.mailCount.length).toBeGreaterThan(0);

    expect(s.connectionHealth).toMatchObject({
      'pve-sim-cluster': true,
      'pbs-sim-pbs': true,
      'pmg-sim-pmg': true,
    });
    expect(s.performance.totalApiCalls).toBeGreaterThan(0);
    const configured = NodeConfigView.array().parse(await (await api('GET', '/api/config/nodes')).json());
    expect(configured.map((n) => n.status)).toEqual(['connected', 'connected', 'connected']);

    const types = new Set(s.resources.map((r) => r.type));
    for (const type of [
      'agent',
      'vm',
      'system-container',
      'storage',
      'ceph',
      'physical_disk',
      'pbs',
      'pmg',
    ]) {
      expect(types.has(type as never), type).toBe(true);
    }
  }, 40_000);

  it('records guest, node and storage history from the polls', async () => {
    const vm = sim.model.pve.guests.find((g) => g.type === 'qemu' && g.status === 'running' && !g.template);
    if (!vm) throw new Error('the simulator has no running VM');
    const expected = Math.round(guestUsage(sim.model, vm, sim.model.clock.now()).cpu * 10_000) / 100;
    const history = async (q: string) =>
      (await (await api('GET', `/api/metrics-store/history?${q}&range=1h`)).json()) as {
        points: { timestamp: number; value: number }[];
      };
    const got = await history(
      `resourceType=guest&resourceId=${encodeURIComponent(`${CLUSTER}:${vm.vmid}`)}&metric=cpu`,
    );
    expect(got.points.length).toBeGreaterThan(0);
    expect(got.points.every((p) => Math.abs(p.value - expected) < 0.011)).toBe(true);
    const node = await history(`resourceType=node&resourceId=${CLUSTER}-pve1&metric=memory`);
    expect(node.points.length).toBeGreaterThan(0);
    const storage = await history(`resourceType=storage&resourceId=${CLUSTER}-cluster-ceph-vm&metric=usage`);
    expect(storage.points.length).toBeGreaterThan(0);

    const charts = (await (await api('GET', '/api/charts?range=5m')).json()) as {
      data: Record<string, { cpu?: { timestamp: number; value: number }[] }>;
      nodeData: Record<string, unknown>;
      guestTypes: Record<string, string>;
    };
    const vmKey = `${CLUSTER}:${vm.vmid}`;
    expect(charts.data[vmKey]?.cpu?.length).toBeGreaterThan(0);
    expect(charts.guestTypes[vmKey]).toBe('vm');
    expect(Object.keys(charts.nodeData)).toContain(`${CLUSTER}-pve1`);
    const storageCharts = (await (await api('GET', '/api/storage-charts?range=5m')).json()) as {
      storageData: Record<string, unknown>;
    };
    expect(Object.keys(storageCharts.storageData)).toContain(`${CLUSTER}-cluster-ceph-vm`);
  });

  it('keeps a migrated guest under the same id on its new node', async () => {
    const vm = sim.model.pve.guests.find((g) => g.type === 'qemu' && g.status === 'running' && !g.template);
    if (!vm) throw new Error('the simulator has no running VM');
    const target = sim.model.pve.nodes.find((n) => n.name !== vm.node)?.name ?? '';
    const before = (await state()).vms.find((x) => x.vmid === vm.vmid);
    const resourceBefore = (await state()).resources.find((r) => r.metricsTarget.resourceId === before?.id);
    sim.migrate(vm.vmid, target);
    const moved = await eventually(async () => {
      const s = await state();
      const got = s.vms.find((x) => x.vmid === vm.vmid);
      expect(got?.node).toBe(target);
      expect(s.vms.filter((x) => x.vmid === vm.vmid)).toHaveLength(1);
      return { got, resource: s.resources.find((r) => r.metricsTarget.resourceId === got?.id) };
    }, 25_000);
    expect(moved.got?.id).toBe(before?.id);
    expect(moved.resource?.id).toBe(resourceBefore?.id);
  }, 30_000);

  it('takes a stopped node out of rotation, keeps polling the others, and recovers without a restart', async () => {
    const [down, ...others] = sim.pve.endpoints;
    if (!down) throw new Error('no endpoints');
    await sim.faults.nodeDown(down.node, true);

    const during = await eventually(async () => {
      const s = await state();
      expect(s.nodes.find((n) => n.name === down.node)?.status).toBe('offline');
      const health = (await (await api('GET', '/api/monitoring/scheduler/health')).json()) as Health;
      const breaker = health.breakers.find((b) => b.instance === `pve-sim-cluster/${down.node}`);
      expect(breaker?.state).toBe('open');
      expect(health.endpoints.find((e) => e.node === down.node)?.lastError).toBeTruthy();
      return s;
    }, 30_000);
    expect(during.connectionHealth['pve-sim-cluster']).toBe(true);

    // The remaining nodes are still polled every cycle: their lastSeen moves on.
    const seen = (s: StateResponse) =>
      others.map((o) => s.nodes.find((n) => n.name === o.node)?.lastSeen ?? 0);
    const first = seen(during);
    const later = await eventually(async () => {
      const now = seen(await state());
      for (const [i, v] of now.entries()) expect(v).toBeGreaterThan(first[i] ?? 0);
      return now;
    }, 25_000);
    expect(later.every((v, i) => v - (first[i] ?? 0) <= 25_000)).toBe(true);
    const health = (await (await api('GET', '/api/monitoring/scheduler/health')).json()) as Health;
    expect(health.instances.find((i) => i.instance === 'pve-sim-cluster')?.consecutiveFailures).toBe(0);

    await sim.faults.nodeDown(down.node, false);
    await eventually(async () => {
      const s = await state();
      expect(s.nodes.find((n) => n.name === down.node)?.status).toBe('online');
      const h = (await (await api('GET', '/api/monitoring/scheduler/health')).json()) as Health;
      expect(h.breakers.find((b) => b.instance === `pve-sim-cluster/${down.node}`)?.state).toBe('closed');
    }, 40_000);
  }, 100_000);

  it('keeps the last Ceph picture through a failing Ceph call instead of dropping the cluster', async () => {
    const health = async () =>
      ((await (await api('GET', '/api/monitoring/scheduler/health')).json()) as Health).instances.find(
        (i) => i.instance === 'pve-sim-cluster',
      );
    sim.faults.fail500('pve', /^\/cluster\/ceph\/status$/);
    try {
      const before = (await health())?.lastSuccess;
      await eventually(async () => expect((await health())?.lastSuccess).not.toBe(before), 25_000);
      const s = await state();
      expect(s.cephClusters).toHaveLength(1);
      expect(s.connectionHealth['pve-sim-cluster']).toBe(true);
    } finally {
      sim.faults.fail500('pve', null);
    }
  }, 30_000);

  it('shows a node that also runs pulse-agent once, with both sources', async () => {
    const report = reportFor({ hostname: 'pve2', machineId: 'e2e0pve2machine000000000000000001' });
    expect(
      (await postReport({ request: (p, init) => fetch(`${server.url}${p}`, init) }, TOKEN, report)).status,
    ).toBe(200);
    const s = await eventually(async () => {
      const s = await state();
      expect(s.hosts.find((h) => h.hostname === 'pve2')?.linkedNodeId).toBe(`${CLUSTER}-pve2`);
      return s;
    });
    expect(s.nodes.find((n) => n.name === 'pve2')?.linkedAgentId).toBe(
      s.hosts.find((h) => h.hostname === 'pve2')?.id,
    );
    const named = s.resources.filter((r) => r.type === 'agent' && r.name === 'pve2');
    expect(named).toHaveLength(1);
    expect(named[0]?.sources.sort()).toEqual(['agent', 'proxmox']);
    expect(named[0]?.proxmox?.clusterName).toBe(CLUSTER);
    // Its guests hang under the merged resource.
    const guests = s.resources.filter((r) => r.proxmox?.vmid !== undefined && r.proxmox.nodeName === 'pve2');
    expect(guests.length).toBeGreaterThan(0);
    for (const guest of guests) expect(guest.parentId).toBe(named[0]?.id);
  });

  it('logs in again when tickets expire, and dead-letters a changed certificate until the pin is fixed', async () => {
    const health = async () =>
      (await (await api('GET', '/api/monitoring/scheduler/health')).json()) as Health & {
        deadLetter: { count: number; tasks: { instance: string; lastError?: string }[] };
      };
    const pbsSuccess = async () =>
      (await health()).instances.find((i) => i.instance === 'pbs-sim-pbs')?.lastSuccess;
    sim.faults.expireTickets('pbs');
    const before = await pbsSuccess();
    await eventually(async () => {
      const h = await health();
      const pbs = h.instances.find((i) => i.instance === 'pbs-sim-pbs');
      expect(pbs?.lastSuccess).not.toBe(before);
      expect(pbs?.consecutiveFailures).toBe(0);
    }, 25_000);

    await sim.faults.wrongCertificate('pbs', true);
    const dead = await eventually(async () => {
      const h = await health();
      const task = h.deadLetter.tasks.find((t) => t.instance === 'pbs-sim-pbs');
      expect(task).toBeDefined();
      return task;
    }, 25_000);
    expect(dead?.lastError).toMatch(/fingerprint/i);
    expect((await state()).connectionHealth['pbs-sim-pbs']).toBe(false);
    const nodes = NodeConfigView.array().parse(await (await api('GET', '/api/config/nodes')).json());
    expect(nodes.find((n) => n.id === 'pbs-sim-pbs')?.status).toBe('disconnected');

    await sim.faults.wrongCertificate('pbs', false);
    const fix = await api('PUT', '/api/config/nodes/pbs-sim-pbs', { fingerprint: sim.pbs.fingerprint });
    expect(fix.status).toBe(200);
    await eventually(async () => {
      expect((await state()).connectionHealth['pbs-sim-pbs']).toBe(true);
      expect((await health()).deadLetter.count).toBe(0);
    }, 25_000);
  }, 80_000);

  it('keeps every secret out of the data directory, the API answers and the log', async () => {
    const secrets = [
      sim.credentials.pveToken.tokenValue,
      sim.credentials.pbsUser.password,
      sim.credentials.pmgUser.password,
    ];
    for (const file of readdirSync(server.dataDir)) {
      const path = join(server.dataDir, file);
      if (!statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      for (const secret of secrets) expect(bytes.includes(secret), `${file} holds a secret`).toBe(false);
    }
    const answers = await Promise.all(
      ['/api/config/nodes', '/api/state', '/api/monitoring/scheduler/health', '/api/backups/unified'].map(
        async (p) => (await api('GET', p)).text(),
      ),
    );
    for (const text of [...answers, server.logs.join('\n')]) {
      for (const secret of secrets) expect(text.includes(secret)).toBe(false);
    }
  });
});
