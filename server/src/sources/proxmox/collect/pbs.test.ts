import { PbsBackup, PbsInstance } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { FakeApi } from '../../../../testing/fake-proxmox-api.ts';
import { collectPbs } from './pbs.ts';

const GiB = 1024 ** 3;
const now = 1_800_000_000_000;

function pbsApi() {
  return new FakeApi()
    .on('/version', { version: '4.0.14', release: '4.0', repoid: 'abcdef12' })
    .on('/nodes', [{ node: 'backup1' }])
    .on('/nodes/localhost/status', {
      cpu: 0.07,
      uptime: 86_400,
      loadavg: [0.2, 0.1, 0.05],
      memory: { total: 32 * GiB, used: 8 * GiB, free: 24 * GiB },
    })
    .on('/admin/datastore', [
      { store: 'tank', comment: 'main pool', 'mount-status': 'nonremovable', 'backend-type': 'filesystem' },
      { store: 'usb', 'mount-status': 'notmounted', 'backend-type': 'filesystem' },
    ])
    .on('/status/datastore-usage', [
      {
        store: 'tank',
        total: 8000 * GiB,
        used: 2000 * GiB,
        avail: 6000 * GiB,
        'estimated-full-date': 1_830_000_000,
        'gc-status': { 'index-data-bytes': 24_000 * GiB, 'disk-bytes': 2000 * GiB, upid: null },
      },
      { store: 'usb', error: "datastore 'usb' is not mounted", 'mount-status': 'notmounted' },
    ])
    .on('/admin/datastore/tank/namespace', [
      { ns: '' },
      { ns: 'prod', comment: 'production' },
      { ns: 'prod/db' },
    ])
    .on('/admin/datastore/usb/namespace', [{ ns: '' }])
    .on('/admin/datastore/tank/snapshots', [
      {
        'backup-type': 'vm',
        'backup-id': '100',
        'backup-time': 1_799_900_000,
        size: 40 * GiB,
        owner: 'sync@pbs',
        protected: false,
        verification: { state: 'ok', upid: 'UPID:backup1:x' },
        files: [
          { filename: 'index.json.blob', size: 500, 'crypt-mode': 'none' },
          { filename: 'drive-scsi0.img.fidx', size: 40 * GiB, 'crypt-mode': 'encrypt' },
        ],
      },
      {
        'backup-type': 'host',
        'backup-id': 'laptop',
        'backup-time': 1_799_800_000,
        size: GiB,
        files: ['catalog.pcat1.didx'],
        protected: true,
        comment: 'weekly',
      },
    ])
    .on(
      '/admin/datastore/tank/snapshots',
      [{ 'backup-type': 'ct', 'backup-id': '200', 'backup-time': 1_799_950_000, size: 2 * GiB, files: [] }],
      { ns: 'prod' },
    )
    .on('/admin/datastore/tank/snapshots', [], { ns: 'prod/db' })
    .on('/nodes/localhost/tasks', [
      {
        upid: 'UPID:backup1:1',
        worker_type: 'backup',
        worker_id: 'tank:vm/100',
        starttime: 1_799_900_000,
        endtime: 1_799_900_300,
        status: 'OK',
      },
      {
        upid: 'UPID:backup1:0',
        worker_type: 'backup',
        worker_id: 'tank:vm/100',
        starttime: 1_799_800_000,
        endtime: 1_799_800_300,
        status: 'connection lost',
      },
      { upid: 'UPID:backup1:2', worker_type: 'backup', worker_id: 'tank:ct/200', starttime: 1_799_990_000 },
    ])
    .on('/admin/sync', [
      {
        id: 's-offsite',
        store: 'tank',
        remote: 'offsite',
        'remote-store': 'vault',
        schedule: 'daily',
        'next-run': 1_800_050_000,
        'last-run-upid': 'UPID:s',
        'last-run-state': 'OK',
        'last-run-endtime': 1_799_960_000,
      },
    ])
    .on('/admin/verify', [
      {
        id: 'v-weekly',
        store: 'tank',
        schedule: 'sat 03:00',
        'last-run-upid': 'UPID:v',
        'last-run-state': 'verification failed - 2 errors',
        'last-run-endtime': 1_799_000_000,
      },
    ])
    .fail('/admin/prune', 403, 'permission check failed')
    .on('/config/prune', [{ id: 'p-daily', store: 'tank', schedule: 'daily', 'keep-daily': 7 }])
    .on('/admin/gc', [
      {
        store: 'tank',
        schedule: 'daily',
        'last-run-upid': 'UPID:gc',
        'last-run-state': 'WARNINGS: 1',
        'next-run': 1_800_030_000,
      },
    ]);
}

describe('collectPbs', () => {
  it('reads the server, datastores with their dedup factor and namespaces, and every job list', async () => {
    const snap = await collectPbs(pbsApi(), { instanceName: 'vault', now, host: 'https://backup1:8007' });
    const pbs = PbsInstance.parse(snap.instance);
    expect(pbs).toMatchObject({
      id: 'pbs-vault',
      name: 'vault',
      host: 'https://backup1:8007',
      nodeName: 'backup1',
      status: 'online',
      version: '4.0.14',
      cpu: 0.07,
      memoryUsed: 8 * GiB,
      memoryTotal: 32 * GiB,
      uptime: 86_400,
      loadAverage: [0.2, 0.1, 0.05],
      connectionHealth: 'healthy',
      lastSeen: now,
    });
    expect(pbs.datastores).toEqual([
      {
        name: 'tank',
        total: 8000 * GiB,
        used: 2000 * GiB,
        free: 6000 * GiB,
        usage: 25,
        status: 'available',
        comment: 'main pool',
        mountStatus: 'nonremovable',
        namespaces: [
          { path: '', depth: 0 },
          { path: 'prod', depth: 1, parent: '', comment: 'production' },
          { path: 'prod/db', depth: 2, parent: 'prod' },
        ],
        deduplicationFactor: 12,
        estimatedFullDate: 1_830_000_000_000,
      },
      {
        name: 'usb',
        total: 0,
        used: 0,
        free: 0,
        usage: 0,
        status: 'unavailable',
        error: "datastore 'usb' is not mounted",
        mountStatus: 'notmounted',
        namespaces: [{ path: '', depth: 0 }],
        deduplicationFactor: 0,
      },
    ]);
    expect(pbs.syncJobs).toEqual([
      {
        id: 's-offsite',
        type: 'sync',
        store: 'tank',
        status: 'ok',
        enabled: true,
        schedule: 'daily',
        lastRunState: 'OK',
        lastRunUpid: 'UPID:s',
        lastRunEnd: 1_799_960_000_000,
        nextRun: 1_800_050_000_000,
        remote: 'offsite',
        remoteStore: 'vault',
      },
    ]);
    expect(pbs.verifyJobs.map((j) => [j.id, j.status, j.error])).toEqual([
      ['v-weekly', 'error', 'verification failed - 2 errors'],
    ]);
    // The prune job state is not readable: the config still lists the job.
    expect(pbs.pruneJobs.map((j) => [j.id, j.status, j.schedule])).toEqual([['p-daily', 'never', 'daily']]);
    expect(pbs.garbageJobs.map((j) => [j.id, j.store, j.status])).toEqual([['tank', 'tank', 'warning']]);
    expect(pbs.backupJobs.map((j) => [j.id, j.store, j.status])).toEqual([
      ['tank:vm/100', 'tank', 'ok'],
      ['tank:ct/200', 'tank', 'running'],
    ]);
    expect(snap.errors).toEqual([]);
  });

  it('lists backups of every namespace of every reachable datastore with stable ids', async () => {
    const api = pbsApi();
    const snap = await collectPbs(api, { instanceName: 'vault', now });
    for (const b of snap.backups) PbsBackup.parse(b);
    expect(api.called('/admin/datastore/usb/snapshots')).toBe(false);
    expect(
      snap.backups.map((b) => [b.id, b.namespace, b.backupType, b.vmid, b.verified, b.encrypted]),
    ).toEqual([
      ['vault-tank-prod-ct-200-1799950000', 'prod', 'ct', '200', false, false],
      ['vault-tank-root-vm-100-1799900000', '', 'vm', '100', true, true],
      ['vault-tank-root-host-laptop-1799800000', '', 'host', 'laptop', false, false],
    ]);
    expect(snap.backups[1]).toMatchObject({
      datastore: 'tank',
      backupTime: 1_799_900_000_000,
      size: 40 * GiB,
      owner: 'sync@pbs',
      verificationRaw: 'ok',
      files: ['index.json.blob', 'drive-scsi0.img.fidx'],
    });
    expect(snap.backups[2]).toMatchObject({
      protected: true,
      comment: 'weekly',
      files: ['catalog.pcat1.didx'],
    });
  });

  it('keeps the previous backups when snapshots are not listed this time', async () => {
    const first = await collectPbs(pbsApi(), { instanceName: 'vault', now });
    const api = pbsApi();
    const next = await collectPbs(api, {
      instanceName: 'vault',
      now: now + 60_000,
      previous: first,
      include: { backups: false },
    });
    expect(api.called('/admin/datastore/tank/snapshots')).toBe(false);
    expect(next.backups).toEqual(first.backups);
  });

  it('falls back to per-store status when datastore-usage fails, and records what failed', async () => {
    const api = pbsApi()
      .fail('/status/datastore-usage', 500, 'rrd error')
      .on(
        '/admin/datastore/tank/status',
        {
          total: 100 * GiB,
          used: 10 * GiB,
          avail: 90 * GiB,
          'gc-status': { 'index-data-bytes': 30 * GiB, 'disk-bytes': 10 * GiB },
        },
        { verbose: 1 },
      )
      .fail('/admin/datastore/usb/status', 400, "datastore 'usb' is not mounted");
    const snap = await collectPbs(api, { instanceName: 'vault', now });
    expect(snap.instance.datastores.map((d) => [d.name, d.status, d.usage, d.deduplicationFactor])).toEqual([
      ['tank', 'available', 10, 3],
      ['usb', 'unavailable', 0, 0],
    ]);
    expect(snap.instance.connectionHealth).toBe('degraded');
    expect(snap.errors.map((e) => e.path).sort()).toEqual([
      '/admin/datastore/usb/status',
      '/status/datastore-usage',
    ]);
  });

  it('throws when the server does not answer /version', async () => {
    await expect(
      collectPbs(pbsApi().fail('/version', 401, 'authentication failure'), { instanceName: 'vault', now }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
