import {
  ProxmoxGuest,
  ProxmoxNode,
  ProxmoxStorage,
  PveBackupTask,
  PveCephCluster,
  PveGuestSnapshot,
  PvePhysicalDisk,
  PveReplicationJob,
  PveStorageBackup,
} from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import {
  clusterApi,
  clusterGuests,
  context,
  GiB,
  resource,
  standaloneApi,
} from '../../../../testing/pve-scenario.ts';
import { collectPve, type PveSnapshot } from './pve.ts';

/** Every entity the collector produced must be what /api/state promises. */
function expectValid(snap: PveSnapshot) {
  for (const n of snap.nodes) ProxmoxNode.parse(n);
  for (const g of [...snap.vms, ...snap.containers]) ProxmoxGuest.parse(g);
  for (const s of snap.storage) ProxmoxStorage.parse(s);
  if (snap.ceph) PveCephCluster.parse(snap.ceph);
  for (const d of snap.physicalDisks ?? []) PvePhysicalDisk.parse(d);
  for (const t of snap.backupTasks ?? []) PveBackupTask.parse(t);
  for (const b of snap.storageBackups ?? []) PveStorageBackup.parse(b);
  for (const s of snap.guestSnapshots ?? []) PveGuestSnapshot.parse(s);
  for (const r of snap.replicationJobs ?? []) PveReplicationJob.parse(r);
}

describe('collectPve: membership and nodes', () => {
  it('reads a standalone node: no cluster, ids scoped by the instance name', async () => {
    const snap = await collectPve(standaloneApi(), context());
    expectValid(snap);
    expect(snap.cluster).toEqual({
      isCluster: false,
      endpoints: [{ node: 'pve-solo', ip: '192.168.7.2', online: true }],
    });
    expect(snap.scope).toBe('lab');
    const [node] = snap.nodes;
    expect(node).toMatchObject({
      id: 'lab-pve-solo',
      name: 'pve-solo',
      instance: 'lab',
      host: 'https://pve1.lab.example:8006',
      status: 'online',
      connectionHealth: 'healthy',
      isClusterMember: false,
      clusterName: '',
      cpu: 0.05,
      uptime: 500_000,
      loadAverage: [0.5, 0.4, 0.3],
      kernelVersion: '6.14.8-2-pve',
      pveVersion: 'pve-manager/9.1.3/0123456789abcdef',
      cpuInfo: { model: 'Example CPU 9000', cores: 8, sockets: 1, mhz: 3200 },
      lastSeen: 1_800_000_000_000,
    });
    // used = total − available (page cache is not counted as used)
    expect(node?.memory).toMatchObject({ total: 64 * GiB, used: 4 * GiB, free: 60 * GiB, usage: 6.25 });
    expect(node?.disk).toEqual({ total: 100 * GiB, used: 25 * GiB, free: 70 * GiB, usage: 25 });
    expect(snap.vms.map((v) => v.id)).toEqual(['lab:100']);
    expect(snap.errors).toEqual([]);
  });

  it('reads a three-node cluster: ids scoped by the cluster name, the offline node listed but not queried', async () => {
    const api = clusterApi();
    const snap = await collectPve(api, context());
    expectValid(snap);
    expect(snap.cluster).toEqual({
      isCluster: true,
      name: 'homelab',
      endpoints: [
        { node: 'pve1', ip: '10.0.0.11', online: true },
        { node: 'pve2', ip: '10.0.0.12', online: true },
        { node: 'pve3', ip: '10.0.0.13', online: false },
      ],
    });
    expect(snap.nodes.map((n) => [n.id, n.status, n.connectionHealth, n.host])).toEqual([
      ['homelab-pve1', 'online', 'healthy', 'https://10.0.0.11:8006'],
      ['homelab-pve2', 'online', 'healthy', 'https://10.0.0.12:8006'],
      ['homelab-pve3', 'offline', 'error', 'https://10.0.0.13:8006'],
    ]);
    expect(snap.nodes.every((n) => n.isClusterMember && n.clusterName === 'homelab')).toBe(true);
    expect(api.called('/nodes/pve3/status')).toBe(false);
    expect(api.called('/nodes/pve3/storage')).toBe(false);
    expect(snap.nodes[2]).toMatchObject({ cpu: 0, uptime: 0, lastSeen: 0 });
    // Ceph not installed is not an error.
    expect(snap.ceph).toBeUndefined();
    expect(snap.errors).toEqual([]);
  });

  it('keeps an offline node’s last-seen time from the previous poll', async () => {
    const first = await collectPve(clusterApi(), context());
    const seen = first.nodes.map((n) => (n.name === 'pve3' ? { ...n, lastSeen: 1_799_999_000_000 } : n));
    const snap = await collectPve(clusterApi(), context({ previous: { ...first, nodes: seen } }));
    expect(snap.nodes.find((n) => n.name === 'pve3')?.lastSeen).toBe(1_799_999_000_000);
  });
});

describe('collectPve: guests', () => {
  it('maps /cluster/resources guests into vms and containers', async () => {
    const snap = await collectPve(clusterApi(), context());
    expectValid(snap);
    expect(snap.vms.map((v) => v.id)).toEqual(['homelab:100', 'homelab:101', 'homelab:9000']);
    expect(snap.containers.map((c) => c.id)).toEqual(['homelab:200']);
    const web = snap.vms[0];
    expect(web).toMatchObject({
      vmid: 100,
      name: 'web',
      node: 'pve1',
      instance: 'lab',
      status: 'running',
      type: 'qemu',
      cpu: 0.25,
      cpus: 4,
      memory: { total: 8 * GiB, used: 2 * GiB, free: 6 * GiB, usage: 25 },
      uptime: 3600,
      template: false,
      tags: ['prod', 'web'],
      networkIn: 0,
      networkOut: 0,
    });
    // A VM's disk usage is unknown without the guest agent; a container's is reported.
    expect(web?.disk).toMatchObject({ total: 32 * GiB, usageUnavailable: true });
    expect(snap.containers[0]?.disk).toEqual({
      total: 32 * GiB,
      used: 3 * GiB,
      free: 29 * GiB,
      usage: 9.375,
    });
    expect(snap.vms[1]).toMatchObject({ status: 'stopped', cpu: 0, diskStatusReason: 'vm-stopped' });
    expect(snap.vms[2]?.template).toBe(true);
  });

  it('keeps a guest’s id when it moves to another node, and its rates keep counting', async () => {
    const t0 = 1_800_000_000_000;
    const before = await collectPve(clusterApi(), context({ now: t0 }));
    const moved = clusterGuests.map((g) =>
      g.vmid === 100 ? { ...g, node: 'pve2', netin: 1_000_000 + 50_000, netout: 2_000_000 } : g,
    );
    const after = await collectPve(clusterApi(moved), context({ now: t0 + 10_000, previous: before }));
    const vm = after.vms.find((v) => v.vmid === 100);
    expect(vm?.id).toBe(before.vms.find((v) => v.vmid === 100)?.id);
    expect(vm?.node).toBe('pve2');
    expect(vm?.networkIn).toBe(5_000);
    expect(after.vms.filter((v) => v.vmid === 100)).toHaveLength(1);
  });

  it('derives bytes/s from two polls; zero on the first poll and after a counter reset', async () => {
    const t0 = 1_800_000_000_000;
    const first = await collectPve(clusterApi(), context({ now: t0 }));
    expect(first.containers[0]).toMatchObject({ networkIn: 0, networkOut: 0, diskRead: 0, diskWrite: 0 });
    expect(first.counters.at).toBe(t0);
    expect(first.counters.guests['homelab:200']).toEqual({
      netIn: 1_000_000,
      netOut: 2_000_000,
      diskRead: 5_000_000,
      diskWrite: 7_000_000,
    });

    const grown = clusterGuests.map((g) =>
      g.vmid === 200
        ? { ...g, netin: 1_020_000, netout: 2_040_000, diskread: 5_100_000, diskwrite: 7_000_000 }
        : g.vmid === 100
          ? { ...g, netin: 10, netout: 20, diskread: 30, diskwrite: 40 }
          : g,
    );
    const second = await collectPve(clusterApi(grown), context({ now: t0 + 20_000, previous: first }));
    expect(second.containers[0]).toMatchObject({
      networkIn: 1_000,
      networkOut: 2_000,
      diskRead: 5_000,
      diskWrite: 0,
    });
    // vm 100 restarted: its counters went down, so no rate this time.
    expect(second.vms[0]).toMatchObject({ networkIn: 0, networkOut: 0, diskRead: 0, diskWrite: 0 });
  });

  it('falls back to the per-node lists when /cluster/resources fails', async () => {
    const api = clusterApi()
      .fail('/cluster/resources', 500, 'cluster not ready - no quorum?')
      .on('/nodes/pve1/qemu', [
        { ...resource(clusterGuests[0] ?? { type: 'qemu', vmid: 0, node: '', name: '' }), cpus: 2 },
      ])
      .on('/nodes/pve1/lxc', [])
      .on('/nodes/pve2/qemu', [])
      .on('/nodes/pve2/lxc', [resource({ type: 'lxc', vmid: 200, node: 'pve2', name: 'dns' })]);
    const snap = await collectPve(api, context());
    expectValid(snap);
    expect(snap.vms.map((v) => [v.id, v.node])).toEqual([['homelab:100', 'pve1']]);
    expect(snap.containers.map((c) => [c.id, c.node, c.type])).toEqual([['homelab:200', 'pve2', 'lxc']]);
    expect(snap.errors).toEqual([
      { path: '/cluster/resources', message: 'cluster not ready - no quorum?', status: 500 },
    ]);
  });

  it('throws when neither /cluster/resources nor any node list can be read', async () => {
    const api = clusterApi()
      .fail('/cluster/resources', 500, 'no quorum')
      .fail('/nodes/pve1/qemu', 500, 'x')
      .fail('/nodes/pve1/lxc', 500, 'x')
      .fail('/nodes/pve2/qemu', 500, 'x')
      .fail('/nodes/pve2/lxc', 500, 'x');
    await expect(collectPve(api, context())).rejects.toThrow('no quorum');
  });

  it('throws when membership or the node list cannot be read', async () => {
    await expect(
      collectPve(clusterApi().fail('/cluster/status', 401, 'authentication failure'), context()),
    ).rejects.toMatchObject({
      status: 401,
    });
    await expect(
      collectPve(clusterApi().fail('/nodes', 596, 'connection timed out'), context()),
    ).rejects.toThrow('connection timed out');
  });

  it('leaves out VMs or containers the instance does not monitor', async () => {
    const snap = await collectPve(
      clusterApi(),
      context({
        monitor: {
          vms: false,
          containers: true,
          storage: false,
          backups: false,
          physicalDisks: false,
          ceph: false,
        },
      }),
    );
    expect(snap.vms).toEqual([]);
    expect(snap.containers).toHaveLength(1);
    expect(snap.storage).toEqual([]);
  });
});

describe('collectPve: storage', () => {
  it('folds a shared storage into one cluster entry and keeps local ones per node', async () => {
    const snap = await collectPve(clusterApi(), context());
    expectValid(snap);
    expect(snap.storage.map((s) => [s.id, s.node, s.nodes, s.nodeCount, s.shared])).toEqual([
      ['homelab-cluster-backup-pbs', 'cluster', ['pve1', 'pve2'], 2, true],
      ['homelab-cluster-ceph-vm', 'cluster', ['pve1', 'pve2'], 2, true],
      ['homelab-pve1-local', 'pve1', ['pve1'], 1, false],
      ['homelab-pve2-local', 'pve2', ['pve2'], 1, false],
    ]);
    const ceph = snap.storage.find((s) => s.storage === 'ceph-vm');
    expect(ceph).toMatchObject({
      nodeIds: ['homelab-pve1', 'homelab-pve2'],
      type: 'rbd',
      status: 'available',
      total: 3000 * GiB,
      used: 1000 * GiB,
      free: 2000 * GiB,
      avail: 2000 * GiB,
      content: 'images,rootdir',
      enabled: true,
      active: true,
    });
    expect(ceph?.usage).toBeCloseTo(33.333, 2);
  });
});

describe('collectPve: failures of optional calls', () => {
  it('records a failing node status and storage call in errors instead of throwing', async () => {
    const api = clusterApi()
      .fail('/nodes/pve2/status', 500, 'proxy loop detected')
      .fail('/nodes/pve1/storage', 403, 'Permission check failed (/storage, Datastore.Audit)');
    const snap = await collectPve(api, context());
    expectValid(snap);
    expect(snap.nodes.find((n) => n.name === 'pve2')).toMatchObject({
      status: 'online',
      connectionHealth: 'degraded',
      cpu: 0.2,
    });
    expect(snap.storage.map((s) => s.id)).toEqual([
      'homelab-cluster-backup-pbs',
      'homelab-cluster-ceph-vm',
      'homelab-pve2-local',
    ]);
    expect([...snap.errors].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      {
        path: '/nodes/pve1/storage',
        message: 'Permission check failed (/storage, Datastore.Audit)',
        status: 403,
      },
      { path: '/nodes/pve2/status', message: 'proxy loop detected', status: 500 },
    ]);
  });
});
