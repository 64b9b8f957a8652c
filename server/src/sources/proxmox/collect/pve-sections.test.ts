import {
  ProxmoxGuest,
  PveBackupTask,
  PveCephCluster,
  PveGuestSnapshot,
  PvePhysicalDisk,
  PveReplicationJob,
  PveStorageBackup,
} from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { clusterApi, context, GiB } from '../../../../testing/pve-scenario.ts';
import { collectPve } from './pve.ts';

const everything = { backups: true, physicalDisks: true, updates: true, guestAgent: true };

function withAgent() {
  return clusterApi()
    .on('/nodes/pve1/qemu/100/status/current', { status: 'running', qmpstatus: 'running', agent: 1 })
    .on('/nodes/pve1/qemu/100/agent/info', { result: { version: '9.0.1', supported_commands: [] } })
    .on('/nodes/pve1/qemu/100/agent/get-osinfo', {
      result: {
        id: 'debian',
        name: 'Debian GNU/Linux',
        'pretty-name': 'Debian GNU/Linux 13 (trixie)',
        version: '13 (trixie)',
        'version-id': '13',
      },
    })
    .on('/nodes/pve1/qemu/100/agent/get-fsinfo', {
      result: [
        {
          name: 'sda1',
          mountpoint: '/',
          type: 'ext4',
          'total-bytes': 30 * GiB,
          'used-bytes': 12 * GiB,
          disk: [{ dev: '/dev/sda1' }],
        },
        {
          name: 'sdb1',
          mountpoint: '/srv',
          type: 'xfs',
          'total-bytes': 10 * GiB,
          'used-bytes': 8 * GiB,
          disk: [],
        },
        { name: 'tmpfs', mountpoint: '/run', type: 'tmpfs', 'total-bytes': GiB, 'used-bytes': 0 },
        { name: 'sr0', mountpoint: '/media/cd', type: 'iso9660', 'total-bytes': GiB, 'used-bytes': GiB },
      ],
    })
    .on('/nodes/pve1/qemu/100/agent/network-get-interfaces', {
      result: [
        {
          name: 'lo',
          'hardware-address': '00:00:00:00:00:00',
          'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }],
        },
        {
          name: 'ens18',
          'hardware-address': 'bc:24:11:00:00:01',
          'ip-addresses': [
            { 'ip-address': '10.0.5.20', 'ip-address-type': 'ipv4', prefix: 24 },
            { 'ip-address': 'fe80::be24:11ff:fe00:1', 'ip-address-type': 'ipv6', prefix: 64 },
            { 'ip-address': '2001:db8::20', 'ip-address-type': 'ipv6', prefix: 64 },
          ],
          statistics: { 'rx-bytes': 111, 'tx-bytes': 222 },
        },
      ],
    })
    .on('/nodes/pve2/lxc/200/interfaces', [
      { name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8', inet6: '::1/128' },
      { name: 'eth0', hwaddr: 'bc:24:11:00:00:02', inet: '10.0.5.53/24', inet6: 'fe80::1/64' },
    ])
    .on('/nodes/pve2/lxc/200/config', { hostname: 'dns', ostype: 'alpine', cores: 1, memory: 512 });
}

describe('collectPve: guest agent', () => {
  it('merges guest-agent filesystems, addresses and OS into a running VM, and interfaces into a container', async () => {
    const api = withAgent();
    const snap = await collectPve(
      api,
      context({ include: { ...everything, backups: false, physicalDisks: false, updates: false } }),
    );
    const vm = snap.vms.find((v) => v.vmid === 100);
    ProxmoxGuest.parse(vm);
    expect(vm).toMatchObject({
      agentVersion: '9.0.1',
      osName: 'Debian GNU/Linux 13 (trixie)',
      osVersion: '13 (trixie)',
      ipAddresses: ['10.0.5.20', '2001:db8::20'],
      networkInterfaces: [
        {
          name: 'ens18',
          mac: 'bc:24:11:00:00:01',
          addresses: ['10.0.5.20', '2001:db8::20'],
          rxBytes: 111,
          txBytes: 222,
        },
      ],
      disk: { total: 40 * GiB, used: 20 * GiB, free: 20 * GiB, usage: 50 },
    });
    expect(vm?.disks.map((d) => [d.mountpoint, d.device, d.usage])).toEqual([
      ['/', '/dev/sda1', 40],
      ['/srv', 'sdb1', 80],
    ]);
    expect(vm?.diskStatusReason).toBeUndefined();
    const ct = snap.containers[0];
    ProxmoxGuest.parse(ct);
    expect(ct).toMatchObject({ ipAddresses: ['10.0.5.53'], osName: 'alpine', isOci: false });
    // Stopped guests and templates are not asked.
    expect(api.called('/nodes/pve2/qemu/101/status/current')).toBe(false);
    expect(api.called('/nodes/pve1/qemu/9000/status/current')).toBe(false);
    expect(snap.errors).toEqual([]);
  });

  it('keeps the last agent data between refreshes', async () => {
    const first = await collectPve(withAgent(), context({ include: { ...everything, backups: false } }));
    const second = await collectPve(clusterApi(), context({ previous: first }));
    expect(second.vms[0]).toMatchObject({
      osName: 'Debian GNU/Linux 13 (trixie)',
      ipAddresses: ['10.0.5.20', '2001:db8::20'],
    });
    expect(second.vms[0]?.disk.usage).toBe(50);
  });

  it('turns an agent that does not answer into a disk status reason, not an error', async () => {
    const api = clusterApi()
      .on('/nodes/pve1/qemu/100/status/current', { status: 'running', qmpstatus: 'running', agent: 1 })
      .fail('/nodes/pve1/qemu/100/agent/info', 500, 'QEMU guest agent is not running')
      .fail('/nodes/pve1/qemu/100/agent/get-fsinfo', 500, 'QEMU guest agent is not running')
      .fail('/nodes/pve1/qemu/100/agent/get-osinfo', 500, 'QEMU guest agent is not running')
      .fail('/nodes/pve1/qemu/100/agent/network-get-interfaces', 500, 'QEMU guest agent is not running')
      .on('/nodes/pve2/lxc/200/interfaces', [])
      .on('/nodes/pve2/lxc/200/config', { ostype: 'debian', entrypoint: '/usr/bin/app' });
    const snap = await collectPve(
      api,
      context({ include: { backups: false, physicalDisks: false, updates: false, guestAgent: true } }),
    );
    expect(snap.vms[0]).toMatchObject({
      diskStatusReason: 'agent-not-running',
      disk: { usageUnavailable: true },
    });
    expect(snap.containers[0]?.isOci).toBe(true);
    expect(snap.errors).toEqual([]);
  });

  it('reports a VM without the agent enabled as such, and a paused VM as paused', async () => {
    const api = clusterApi()
      .on('/nodes/pve1/qemu/100/status/current', { status: 'running', qmpstatus: 'paused', agent: 0 })
      .on('/nodes/pve2/lxc/200/interfaces', [])
      .on('/nodes/pve2/lxc/200/config', {});
    const snap = await collectPve(
      api,
      context({ include: { backups: false, physicalDisks: false, updates: false, guestAgent: true } }),
    );
    expect(snap.vms[0]).toMatchObject({ status: 'paused', diskStatusReason: 'agent-disabled' });
    expect(api.called('/nodes/pve1/qemu/100/agent/get-fsinfo')).toBe(false);
  });
});

function withBackups() {
  return clusterApi()
    .on(
      '/nodes/pve1/storage/local/content',
      [
        {
          volid: 'local:backup/vzdump-qemu-100-2027_01_10-02_00_00.vma.zst',
          content: 'backup',
          format: 'vma.zst',
          size: 5 * GiB,
          ctime: 1_799_000_000,
          vmid: 100,
          subtype: 'qemu',
          notes: 'nightly',
          protected: 1,
        },
      ],
      { content: 'backup' },
    )
    .on('/nodes/pve2/storage/local/content', [], { content: 'backup' })
    .on(
      '/nodes/pve1/storage/backup-pbs/content',
      [
        {
          volid: 'backup-pbs:backup/ct/200/2027-01-11T03:00:00Z',
          content: 'backup',
          format: 'pbs-ct',
          size: GiB,
          ctime: 1_799_100_000,
          vmid: 200,
          verification: { state: 'ok', upid: 'UPID:x' },
          encrypted: '12:34:ab',
        },
        {
          volid: 'backup-pbs:backup/vm/100/2027-01-09T03:00:00Z',
          content: 'backup',
          format: 'pbs-vm',
          size: 4 * GiB,
          ctime: 1_798_900_000,
          vmid: 100,
        },
      ],
      { content: 'backup' },
    )
    .on('/nodes/pve1/tasks', [
      {
        upid: 'UPID:pve1:0001:0002:6A000000:vzdump:100:root@pam:',
        node: 'pve1',
        type: 'vzdump',
        id: '100',
        user: 'root@pam',
        starttime: 1_799_050_000,
        endtime: 1_799_050_600,
        status: 'OK',
      },
      {
        upid: 'UPID:pve1:0003:0004:6A000100:vzdump::root@pam:',
        node: 'pve1',
        type: 'vzdump',
        id: '',
        user: 'root@pam',
        starttime: 1_799_060_000,
        endtime: 1_799_060_100,
        status: 'job errors',
      },
    ])
    .on('/nodes/pve2/tasks', [
      {
        upid: 'UPID:pve2:0005:0006:6A000200:vzdump:200:root@pam:',
        node: 'pve2',
        type: 'vzdump',
        id: '200',
        user: 'root@pam',
        starttime: 1_799_200_000,
      },
    ])
    .on('/nodes/pve1/qemu/100/snapshot', [
      { name: 'before-upgrade', description: 'pre 13', snaptime: 1_798_000_000, vmstate: 1 },
      { name: 'current', description: 'You are here!', parent: 'before-upgrade' },
    ])
    .on('/nodes/pve2/qemu/101/snapshot', [{ name: 'current', description: 'You are here!' }])
    .on('/nodes/pve2/lxc/200/snapshot', [
      { name: 'base', description: '', snaptime: 1_797_000_000 },
      { name: 'tuned', description: 'after tuning', snaptime: 1_797_500_000, parent: 'base' },
      { name: 'current', description: 'You are here!', parent: 'tuned' },
    ])
    .on('/cluster/replication', [
      { id: '100-0', type: 'local', target: 'pve2', guest: 100, jobnum: 0, schedule: '*/30', rate: 50 },
    ])
    .on('/nodes/pve1/replication', [
      {
        id: '100-0',
        guest: 100,
        target: 'pve2',
        last_sync: 1_799_990_000,
        next_sync: 1_799_991_800,
        duration: 4.2,
        fail_count: 0,
      },
    ]);
}

describe('collectPve: backups, snapshots and replication', () => {
  it('maps archives (shared storage read once), tasks, snapshots without "current", and each guest’s last backup', async () => {
    const api = withBackups();
    const snap = await collectPve(
      api,
      context({ include: { backups: true, physicalDisks: false, updates: false, guestAgent: false } }),
    );
    for (const b of snap.storageBackups ?? []) PveStorageBackup.parse(b);
    for (const t of snap.backupTasks ?? []) PveBackupTask.parse(t);
    for (const s of snap.guestSnapshots ?? []) PveGuestSnapshot.parse(s);
    for (const r of snap.replicationJobs ?? []) PveReplicationJob.parse(r);

    expect(api.called('/nodes/pve2/storage/backup-pbs/content')).toBe(false);
    expect(api.called('/nodes/pve1/storage/ceph-vm/content')).toBe(false);
    expect(snap.storageBackups?.map((b) => [b.id, b.type, b.vmid, b.isPBS, b.verified, b.encrypted])).toEqual(
      [
        ['homelab-backup-pbs:backup/ct/200/2027-01-11T03:00:00Z', 'lxc', 200, true, true, true],
        [
          'homelab-local:backup/vzdump-qemu-100-2027_01_10-02_00_00.vma.zst',
          'qemu',
          100,
          false,
          false,
          false,
        ],
        ['homelab-backup-pbs:backup/vm/100/2027-01-09T03:00:00Z', 'qemu', 100, true, false, false],
      ],
    );
    expect(snap.storageBackups?.[1]).toMatchObject({
      node: 'pve1',
      storage: 'local',
      notes: 'nightly',
      protected: true,
      time: 1_799_000_000_000,
      ctime: 1_799_000_000,
    });

    expect(snap.backupTasks?.map((t) => [t.node, t.vmid, t.status, t.error])).toEqual([
      ['pve2', 200, 'running', undefined],
      ['pve1', 0, 'error', 'job errors'],
      ['pve1', 100, 'ok', undefined],
    ]);

    expect(snap.guestSnapshots?.map((s) => [s.id, s.type, s.parent, s.vmstate])).toEqual([
      ['homelab-100-before-upgrade', 'qemu', undefined, true],
      ['homelab-200-base', 'lxc', undefined, false],
      ['homelab-200-tuned', 'lxc', 'base', false],
    ]);
    expect(snap.guestSnapshots?.some((s) => s.name === 'current')).toBe(false);

    // vm 100: its newest is the OK task (1_799_050_600) after the archives; ct 200: the PBS archive.
    expect(snap.vms.find((v) => v.vmid === 100)?.lastBackup).toBe(1_799_050_600_000);
    expect(snap.containers[0]?.lastBackup).toBe(1_799_100_000_000);
    expect(snap.vms.find((v) => v.vmid === 101)?.lastBackup).toBeUndefined();

    expect(snap.replicationJobs).toEqual([
      {
        id: 'homelab-replication-100-0',
        instance: 'lab',
        jobId: '100-0',
        guestId: 'homelab:100',
        vmid: 100,
        guestName: 'web',
        guestType: 'qemu',
        sourceNode: 'pve1',
        targetNode: 'pve2',
        schedule: '*/30',
        rateLimitMbps: 50,
        enabled: true,
        state: 'ok',
        lastSyncTime: 1_799_990_000_000,
        nextSyncTime: 1_799_991_800_000,
        durationSeconds: 4.2,
        failCount: 0,
        lastSeen: 1_800_000_000_000,
      },
    ]);
    expect(snap.errors).toEqual([]);
  });

  it('carries each guest’s last backup between backup polls and leaves the sections absent', async () => {
    const first = await collectPve(
      withBackups(),
      context({ include: { backups: true, physicalDisks: false, updates: false, guestAgent: false } }),
    );
    const second = await collectPve(clusterApi(), context({ previous: first }));
    expect(second.backupTasks).toBeUndefined();
    expect(second.storageBackups).toBeUndefined();
    expect(second.vms.find((v) => v.vmid === 100)?.lastBackup).toBe(1_799_050_600_000);
  });

  it('records a failing snapshot list without losing the other sections', async () => {
    const api = withBackups().fail('/nodes/pve2/lxc/200/snapshot', 500, 'timeout');
    const snap = await collectPve(
      api,
      context({ include: { backups: true, physicalDisks: false, updates: false, guestAgent: false } }),
    );
    expect(snap.guestSnapshots?.map((s) => s.name)).toEqual(['before-upgrade']);
    expect(snap.storageBackups).toHaveLength(3);
    expect(snap.errors).toEqual([{ path: '/nodes/pve2/lxc/200/snapshot', message: 'timeout', status: 500 }]);
  });
});

describe('collectPve: ceph, disks and updates', () => {
  it('reads Ceph when /cluster/ceph/status answers', async () => {
    const api = clusterApi()
      .on('/cluster/ceph/status', {
        fsid: '11111111-2222-3333-4444-555555555555',
        health: {
          status: 'HEALTH_WARN',
          checks: {
            OSD_NEARFULL: { severity: 'HEALTH_WARN', summary: { message: '1 nearfull osd(s)', count: 1 } },
          },
        },
        pgmap: { bytes_total: 9000 * GiB, bytes_used: 3000 * GiB, bytes_avail: 6000 * GiB, num_pgs: 129 },
        osdmap: { num_osds: 6, num_up_osds: 5, num_in_osds: 6 },
        monmap: { mons: [{ name: 'pve1' }, { name: 'pve2' }, { name: 'pve3' }] },
        quorum_names: ['pve1', 'pve2'],
        mgrmap: { active_name: 'pve1', standbys: [{ name: 'pve2' }] },
        fsmap: { by_rank: [], 'up:standby': 0 },
      })
      .on('/nodes/pve1/ceph/pool', [
        { pool: 1, pool_name: '.mgr', bytes_used: GiB, percent_used: 0.001 },
        { pool: 2, pool_name: 'vm-pool', bytes_used: 1000 * GiB, percent_used: 0.25 },
      ]);
    const snap = await collectPve(api, context());
    const ceph = PveCephCluster.parse(snap.ceph);
    expect(ceph).toMatchObject({
      id: 'homelab-ceph-11111111-2222-3333-4444-555555555555',
      health: 'HEALTH_WARN',
      healthMessage: '1 nearfull osd(s)',
      healthChecks: [{ code: 'OSD_NEARFULL', severity: 'HEALTH_WARN', summary: '1 nearfull osd(s)' }],
      totalBytes: 9000 * GiB,
      usedBytes: 3000 * GiB,
      numMons: 3,
      numMgrs: 2,
      numOsds: 6,
      numOsdsUp: 5,
      numOsdsIn: 6,
      numPGs: 129,
    });
    expect(ceph.services).toEqual([
      { type: 'mon', running: 2, total: 3 },
      { type: 'mgr', running: 2, total: 2 },
      { type: 'osd', running: 5, total: 6 },
    ]);
    expect(ceph.pools[1]).toEqual({
      id: 2,
      name: 'vm-pool',
      storedBytes: 1000 * GiB,
      availableBytes: 3000 * GiB,
      objects: 0,
      percentUsed: 25,
    });
  });

  it('reports Ceph vanishing only when the previous poll had it', async () => {
    const snap = await collectPve(clusterApi(), context());
    const ceph = PveCephCluster.parse({
      id: 'x',
      instance: 'lab',
      name: 'homelab',
      fsid: '',
      health: 'HEALTH_OK',
      healthMessage: '',
      healthChecks: [],
      totalBytes: 0,
      usedBytes: 0,
      availableBytes: 0,
      usagePercent: 0,
      numMons: 0,
      numMgrs: 0,
      numOsds: 0,
      numOsdsUp: 0,
      numOsdsIn: 0,
      numPGs: 0,
      pools: [],
      services: [],
      lastUpdated: 0,
    });
    const next = await collectPve(clusterApi(), context({ previous: { ...snap, ceph } }));
    expect(next.errors.map((e) => e.path)).toEqual(['/cluster/ceph/status']);
  });

  it('lists physical disks and pending updates when included; a 403 on apt is tolerated', async () => {
    const api = clusterApi()
      .on('/nodes/pve1/disks/list', [
        {
          devpath: '/dev/nvme0n1',
          model: 'Example NVMe 2TB',
          serial: 'S1',
          wwn: 'eui.1',
          type: 'nvme',
          size: 2000 * GiB,
          health: 'PASSED',
          wearout: 97,
          rpm: 0,
          used: 'ZFS',
          gpt: 1,
          mounted: 0,
          osdid: -1,
        },
        {
          devpath: '/dev/sda',
          vendor: 'ATA     ',
          model: 'Example HDD',
          serial: 'S2',
          type: 'hdd',
          size: 4000 * GiB,
          health: 'PASSED',
          wearout: 'N/A',
          rpm: 7200,
          gpt: 1,
          mounted: 0,
          osdid: -1,
        },
        { devpath: '/dev/sda1', parent: '/dev/sda', size: 4000 * GiB, gpt: 1, mounted: 0, osdid: -1 },
      ])
      .on('/nodes/pve2/disks/list', [])
      .on('/nodes/pve1/apt/update', [
        {
          Package: 'pve-manager',
          Version: '9.1.4',
          OldVersion: '9.1.3',
          Title: 'x',
          Description: 'x',
          Origin: 'Proxmox',
          Priority: 'optional',
          Section: 'admin',
          Arch: 'amd64',
        },
      ])
      .fail('/nodes/pve2/apt/update', 403, 'Permission check failed (/nodes/pve2, Sys.Modify)');
    const snap = await collectPve(
      api,
      context({ include: { backups: false, physicalDisks: true, updates: true, guestAgent: false } }),
    );
    for (const d of snap.physicalDisks ?? []) PvePhysicalDisk.parse(d);
    expect(snap.physicalDisks?.map((d) => [d.id, d.type, d.wearout, d.rpm, d.vendor])).toEqual([
      ['homelab-pve1-nvme0n1', 'nvme', 97, undefined, ''],
      ['homelab-pve1-sda', 'hdd', undefined, 7200, 'ATA'],
    ]);
    expect(snap.nodes.map((n) => [n.name, n.pendingUpdates, n.pendingUpdatesCheckedAt])).toEqual([
      ['pve1', 1, 1_800_000_000_000],
      ['pve2', undefined, undefined],
      ['pve3', undefined, undefined],
    ]);
    expect(snap.errors).toEqual([]);
  });
});
