// Builds the PBS side (datastores, snapshots of the PVE guests, jobs, tasks) and the PMG side (cluster, queue).
import { hex8, seededRandom } from './clock.ts';
import type { Guest, PbsJob, PbsSnapshot, PbsTask, ProxmoxModel } from './model.ts';

const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
export const PBS_HOST = 'pbs1';

/** UPID:node:pid:pstart:task-id:starttime:type:id:auth-id: as PBS prints it (one more field than PVE). */
export function pbsUpid(start: number, n: number, type: string, id: string, user = 'root@pam'): string {
  // PBS escapes worker ids systemd-style inside a UPID: '-' and ':' become \x2d and \x3a.
  const wid = id.replaceAll('-', '\\x2d').replaceAll(':', '\\x3a');
  return `UPID:${PBS_HOST}:${hex8(900 + n)}:${hex8(4_000_000 + n)}:${hex8(n)}:${hex8(start)}:${type}:${wid}:${user}:`;
}

export function pbsSnapshot(
  store: string,
  ns: string,
  g: Pick<Guest, 'vmid' | 'type'>,
  time: number,
  size: number,
): PbsSnapshot {
  const vm = g.type === 'qemu';
  const archive = vm ? 'drive-scsi0.img.fidx' : 'root.pxar.didx';
  return {
    store,
    ns,
    backupType: vm ? 'vm' : 'ct',
    backupId: String(g.vmid),
    backupTime: time,
    size,
    protected: false,
    owner: 'pve-sync@pbs!pve',
    comment: `${vm ? 'vm' : 'ct'}-${g.vmid}`,
    files: [
      { filename: 'index.json.blob', size: 620, 'crypt-mode': 'none' },
      { filename: vm ? 'qemu-server.conf.blob' : 'pct.conf.blob', size: 540, 'crypt-mode': 'none' },
      { filename: archive, size, 'crypt-mode': 'none' },
      { filename: 'client.log.blob', size: 2100, 'crypt-mode': 'none' },
    ],
  };
}

export function buildPbs(seed: number, now: number, guests: Guest[]): ProxmoxModel['pbs'] {
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const day0 = now - (now % 86400);
  const snapshots: PbsSnapshot[] = [];
  const tasks: PbsTask[] = [];
  let n = 0;
  for (const g of guests) {
    if (g.template) continue;
    for (const days of [3, 2, 1]) {
      const t = day0 - days * 86400 + 7200 + (g.vmid % 900) * 3;
      const s = pbsSnapshot('main', '', g, t, Math.round(g.maxdisk * (0.1 + rand() * 0.4)));
      if (days === 1) s.verification = undefined;
      else
        s.verification = {
          state: g.vmid % 17 === 9 ? 'failed' : 'ok',
          upid: pbsUpid(t + 600, ++n, 'verify', 'main'),
        };
      snapshots.push(s);
    }
  }
  const firstVm = snapshots.find((s) => s.backupType === 'vm');
  if (firstVm) firstVm.protected = true;
  for (const s of snapshots.filter((x) => x.backupType === 'ct').slice(0, 5)) {
    snapshots.push({ ...s, store: 'offsite', ns: 'mirror', verification: undefined, owner: 'sync@pbs' });
  }
  for (const days of [2, 1]) {
    const t = day0 - days * 86400 + 4 * 3600;
    snapshots.push({
      store: 'main',
      ns: 'hosts',
      backupType: 'host',
      backupId: 'pbs1',
      backupTime: t,
      size: 5 * GiB,
      protected: false,
      owner: 'root@pam',
      files: [
        { filename: 'index.json.blob', size: 410, 'crypt-mode': 'encrypt' },
        { filename: 'root.pxar.didx', size: 5 * GiB, 'crypt-mode': 'encrypt' },
      ],
    });
  }
  const job = (kind: PbsJob['kind'], config: PbsJob['config'], state: string, offset: number): PbsJob => {
    const end = day0 - 86400 + offset;
    const type = kind === 'sync' ? 'syncjob' : kind === 'verify' ? 'verificationjob' : 'prunejob';
    const id = String(config.id);
    const upid = pbsUpid(end - 300, ++n, type, `${String(config.store)}:${id}`);
    tasks.push({
      upid,
      pid: 900 + n,
      pstart: 4_000_000 + n,
      starttime: end - 300,
      workerType: type,
      workerId: `${String(config.store)}:${id}`,
      user: 'root@pam',
      endtime: end,
      status: state,
    });
    return {
      kind,
      config,
      lastRunUpid: upid,
      lastRunState: state,
      lastRunEndtime: end,
      nextRun: day0 + 86400 + offset,
    };
  };
  const jobs = [
    job(
      'sync',
      {
        id: 's-offsite',
        store: 'offsite',
        ns: 'mirror',
        'remote-store': 'main',
        'remove-vanished': false,
        schedule: 'daily',
        owner: 'sync@pbs',
        comment: 'copy containers to USB',
      },
      'OK',
      5 * 3600,
    ),
    job(
      'verify',
      {
        id: 'v-main',
        store: 'main',
        'ignore-verified': true,
        'outdated-after': 30,
        schedule: 'daily',
        comment: 'nightly verify',
      },
      'OK',
      6 * 3600,
    ),
    job(
      'prune',
      {
        id: 'p-main',
        store: 'main',
        schedule: 'daily',
        'keep-daily': 7,
        'keep-weekly': 4,
        'keep-monthly': 3,
      },
      'TASK ERROR: unable to acquire lock on backup group directory',
      7 * 3600,
    ),
  ];
  const gc = (store: string, total: number, i: number) => {
    const end = day0 - 86400 + 8 * 3600 + i * 600;
    const upid = pbsUpid(end - 420, ++n, 'garbage_collection', store);
    tasks.push({
      upid,
      pid: 900 + n,
      pstart: 4_000_000 + n,
      starttime: end - 420,
      workerType: 'garbage_collection',
      workerId: store,
      user: 'root@pam',
      endtime: end,
      status: 'OK',
    });
    const diskBytes = Math.round(total * 0.38);
    return {
      upid,
      indexFileCount: 300 + i * 40,
      indexDataBytes: diskBytes * (6 + i),
      diskBytes,
      diskChunks: Math.round(diskBytes / 2_400_000),
      removedBytes: 9 * GiB,
      removedChunks: 3500,
      pendingBytes: 2 * GiB,
      pendingChunks: 800,
      endtime: end,
      duration: 420,
    };
  };
  return {
    hostname: PBS_HOST,
    version: { version: '4.1.0', release: '4.1', repoid: 'a47c3e10d92b' },
    bootTime: now - 19 * 86400,
    datastores: [
      {
        store: 'main',
        comment: 'ZFS mirror',
        path: '/mnt/datastore/main',
        total: 4 * TiB,
        used: Math.round(1.6 * TiB),
        gc: gc('main', 4 * TiB, 0),
      },
      {
        store: 'offsite',
        comment: 'USB rotation disk',
        path: '/mnt/datastore/offsite',
        total: 8 * TiB,
        used: Math.round(0.9 * TiB),
        gc: gc('offsite', 8 * TiB, 1),
      },
    ],
    namespaces: [
      { store: 'main', ns: '' },
      { store: 'main', ns: 'hosts', comment: 'host backups' },
      { store: 'offsite', ns: '' },
      { store: 'offsite', ns: 'mirror' },
    ],
    snapshots,
    jobs,
    tasks,
  };
}

export function buildPmg(seed: number, now: number): ProxmoxModel['pmg'] {
  const rand = seededRandom(seed ^ 0x27d4eb2d);
  const domains = ['example.org', 'shop.example.org', 'lab.example.net'];
  const queue = Array.from({ length: 7 }, (_, i) => ({
    queue: (i < 4 ? 'deferred' : i < 6 ? 'active' : 'hold') as 'deferred' | 'active' | 'hold',
    queueId: `4Q${hex8(Math.floor(rand() * 0xffffffff))}Z`,
    arrivalTime: now - Math.floor(60 + rand() * 20_000),
    size: Math.round(2000 + rand() * 90_000),
    sender: `notify@${domains[i % 3] ?? 'example.org'}`,
    receiver: `user${i}@remote.example.com`,
    reason: i < 4 ? 'connect to mx.remote.example.com[192.0.2.25]:25: Connection timed out' : '',
  }));
  return {
    version: { version: '9.0.2', release: '9.0', repoid: '3f1e2d7a' },
    nodes: [
      { cid: 1, name: 'pmg1', type: 'master', ip: '10.30.0.11' },
      { cid: 2, name: 'pmg2', type: 'node', ip: '10.30.0.12' },
    ],
    bootTime: now - 11 * 86400,
    domains: domains.map((domain, i) => ({ domain, comment: i === 0 ? 'primary' : '' })),
    hourlyIn: 240,
    quarantine: {
      spam: { count: 1312, bytes: 1312 * 18_400, avgspam: 7.4 },
      virus: { count: 9, bytes: 9 * 210_000 },
    },
    queue,
  };
}
