// POST /api/agents/host/link and /unlink: an admin ties an agent host to its Proxmox node, or keeps it apart.
import type { ProxmoxNode } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { postReport, reportFor } from '../../../testing/reports.ts';

let h: Harness;
let token: string;

function node(name: string): ProxmoxNode {
  const zero = { total: 1, used: 0, free: 1, usage: 0 };
  return {
    id: `lab-${name}`,
    name,
    displayName: name,
    instance: 'lab',
    host: '',
    status: 'online',
    type: 'node',
    cpu: 0.1,
    memory: zero,
    disk: zero,
    uptime: 1,
    loadAverage: [0, 0, 0],
    kernelVersion: '',
    pveVersion: '',
    cpuInfo: { model: '', cores: 1, sockets: 1, mhz: 1 },
    lastSeen: h.deps.clock.now(),
    connectionHealth: 'healthy',
    isClusterMember: true,
    clusterName: 'lab',
  };
}

const call = (path: string, body: unknown) =>
  h.app.request(path, {
    method: 'POST',
    headers: { 'X-API-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

interface Loose {
  hosts: { id: string; linkedNodeId?: string }[];
  nodes: { id: string; linkedAgentId?: string }[];
  resources: { type: string; name: string; sources: string[] }[];
}
const state = async () =>
  (await (await h.app.request('/api/state', { headers: { 'X-API-Token': token } })).json()) as Loose;

beforeEach(async () => {
  h = await makeHarness({ clock: new FakeClock() });
  token = await h.token(['*']);
  expect(
    (await postReport(h.app, token, reportFor({ hostname: 'pve1', machineId: 'a'.repeat(32) }))).status,
  ).toBe(200);
  for (const n of ['pve1', 'pve2']) h.deps.state.nodes.upsert(node(n), h.deps.clock.now());
});
afterEach(() => h.close());

describe('host ↔ node links', () => {
  it('infers the link by name, and an unlink keeps them apart across a restart', async () => {
    const hostId = (await state()).hosts[0]?.id ?? '';
    let s = await state();
    expect(s.hosts[0]?.linkedNodeId).toBe('lab-pve1');
    expect(s.nodes.find((n) => n.id === 'lab-pve1')?.linkedAgentId).toBe(hostId);
    expect(s.resources.filter((r) => r.name === 'pve1').map((r) => r.sources.sort())).toEqual([
      ['agent', 'proxmox'],
    ]);

    expect((await call('/api/agents/host/unlink', { hostId })).status).toBe(200);
    s = await state();
    expect(s.hosts[0]?.linkedNodeId).toBeUndefined();
    expect(s.resources.filter((r) => r.name === 'pve1')).toHaveLength(2);

    const again = await makeHarness({ dataDir: h.dataDir });
    try {
      expect(again.deps.hostLinks.current().unlinked.has(hostId)).toBe(true);
    } finally {
      again.close();
    }
  });

  it('links explicitly to another node, and names what is missing', async () => {
    const hostId = (await state()).hosts[0]?.id ?? '';
    const res = await call('/api/agents/agent/link', { hostId, nodeId: 'lab-pve2' });
    expect(await res.json()).toMatchObject({ success: true, nodeId: 'lab-pve2' });
    expect((await state()).hosts[0]?.linkedNodeId).toBe('lab-pve2');

    const missingNode = await call('/api/agents/host/link', { hostId, nodeId: 'lab-pve9' });
    expect(missingNode.status).toBe(404);
    expect(((await missingNode.json()) as { error: string }).error).toContain('lab-pve9');
    expect((await call('/api/agents/host/link', { hostId: 'nope', nodeId: 'lab-pve2' })).status).toBe(404);
    const bad = await call('/api/agents/host/link', { hostId });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('nodeId');
  });
});
