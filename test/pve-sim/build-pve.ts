// Builds a seeded PVE cluster: nodes, guests, storages, vzdump backups, tasks, disks, ceph, replication, apt.

import { nodeDisks } from './build-pve-hardware.ts';
import { hex8, seededRandom } from './clock.ts';
import type { Guest, ProxmoxModel, Storage, Task, VzdumpBackup } from './model.ts';

const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const ROLES = ['web', 'db', 'cache', 'mail', 'git', 'dns', 'proxy', 'build', 'media', 'vault', 'wiki', 'mon'];
const OSES = [
  { id: 'debian', name: 'Debian GNU/Linux', version: '13 (trixie)', kernel: '6.12.48+deb13-amd64' },
  { id: 'ubuntu', name: 'Ubuntu', version: '24.04.3 LTS (Noble Numbat)', kernel: '6.8.0-85-generic' },
  { id: 'mswindows', name: 'Microsoft Windows Server 2022 Standard', version: '10.0', kernel: '10.0.20348' },
];

export interface PveBuildOptions {
  nodes: number;
  guestsPerNode: number;
  clusterName: string;
}

/** vzdump's file name stamp: 2026_11_20-01_00_07 (UTC here; real PVE uses the node's local time). */
export function vzdumpStamp(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}-${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}`;
}

/** UPID:node:pid:pstart:starttime:type:id:user: as PVE prints it. */
export function pveUpid(
  node: string,
  pid: number,
  pstart: number,
  start: number,
  type: string,
  id: string,
  user: string,
) {
  return `UPID:${node}:${hex8(pid)}:${hex8(pstart)}:${hex8(start)}:${type}:${id}:${user}:`;
}

export function vzdumpBackup(
  storage: string,
  g: Pick<Guest, 'vmid' | 'type'>,
  ctime: number,
  size: number,
): VzdumpBackup {
  const ext = g.type === 'qemu' ? 'vma.zst' : 'tar.zst';
  return {
    storage,
    volid: `${storage}:backup/vzdump-${g.type}-${g.vmid}-${vzdumpStamp(ctime)}.${ext}`,
    vmid: g.vmid,
    type: g.type,
    ctime,
    size,
    format: ext,
    notes: `${g.type === 'qemu' ? 'vm' : 'ct'} ${g.vmid} nightly`,
    protected: false,
  };
}

function buildGuest(rand: () => number, index: number, node: string, now: number): Guest {
  const vmid = 100 + index;
  const type = index % 2 === 0 ? 'qemu' : 'lxc';
  const stopped = index % 7 === 3;
  const template = index % 29 === 11;
  const role = ROLES[index % ROLES.length] ?? 'app';
  const rate = () => Math.round(1_000 + rand() * 200_000);
  const os = OSES[type === 'lxc' ? index % 2 : index % 3] ?? OSES[0];
  const mem = (type === 'qemu' ? 2 + Math.floor(rand() * 4) * 2 : 0.5 + Math.floor(rand() * 4) * 0.5) * GiB;
  return {
    vmid,
    type,
    node,
    name: `${role}-${String(index + 1).padStart(2, '0')}`,
    status: stopped || template ? 'stopped' : 'running',
    template,
    tags: index % 3 === 0 ? 'prod;managed' : index % 3 === 1 ? 'lab' : '',
    maxcpu: 1 + Math.floor(rand() * 4),
    maxmem: mem,
    maxdisk: (type === 'qemu' ? 32 : 8) * GiB,
    diskUsed: type === 'lxc' ? Math.round((1 + rand() * 5) * GiB) : 0,
    startedAt: now - Math.floor(3600 + rand() * 30 * 86400),
    agent: type === 'qemu' && index % 4 === 0 && !stopped && !template,
    ...(index % 5 === 0 ? { hastate: 'started' } : {}),
    ...(index === 5 ? { lock: 'backup' } : {}),
    ip: `10.20.${1 + Math.floor(index / 250)}.${10 + (index % 240)}`,
    mac: `BC:24:11:${hex8(index).slice(2, 4)}:${hex8(index).slice(4, 6)}:${hex8(index).slice(6, 8)}`,
    os: os ?? { id: 'debian', name: 'Debian GNU/Linux', version: '13', kernel: '6.12' },
    counters: {
      netin: Math.round(rand() * 5e9),
      netout: Math.round(rand() * 2e9),
      diskread: Math.round(rand() * 8e9),
      diskwrite: Math.round(rand() * 4e9),
    },
    rates: { netin: rate(), netout: rate(), diskread: rate(), diskwrite: rate() },
    load: 0.02 + rand() * 0.4,
    memFraction: 0.3 + rand() * 0.5,
    snapshots:
      index % 3 === 0
        ? [
            { name: 'pre-upgrade', description: 'before dist-upgrade', snaptime: now - 20 * 86400 },
            {
              name: 'weekly',
              description: '',
              snaptime: now - 3 * 86400,
              parent: 'pre-upgrade',
              vmstate: type === 'qemu',
            },
          ]
        : [],
  };
}

export function buildPve(seed: number, now: number, opts: PveBuildOptions): ProxmoxModel['pve'] {
  const rand = seededRandom(seed);
  const nodes = Array.from({ length: opts.nodes }, (_, i) => ({
    name: `pve${i + 1}`,
    nodeid: i + 1,
    ip: `10.20.0.${11 + i}`,
    online: true,
    bootTime: now - Math.floor(86400 * (3 + rand() * 40)),
    maxcpu: 16,
    sockets: 1,
    cpuModel: 'AMD EPYC 4344P 8-Core Processor',
    maxmem: 128 * GiB,
    swapTotal: 8 * GiB,
    rootfsTotal: 96 * GiB,
    rootfsUsed: Math.round((8 + rand() * 20) * GiB),
    load: 0.05 + rand() * 0.3,
  }));
  const guests: Guest[] = [];
  for (let i = 0; i < opts.nodes * opts.guestsPerNode; i++) {
    guests.push(buildGuest(rand, i, `pve${(i % opts.nodes) + 1}`, now));
  }
  const storages: Storage[] = nodes.flatMap((n) => [
    {
      storage: 'local',
      type: 'dir' as const,
      content: 'iso,vztmpl,backup',
      node: n.name,
      total: 96 * GiB,
      used: n.rootfsUsed,
    },
    {
      storage: 'local-lvm',
      type: 'lvmthin' as const,
      content: 'images,rootdir',
      node: n.name,
      total: 800 * GiB,
      used: Math.round(rand() * 500 * GiB),
    },
  ]);
  storages.push(
    {
      storage: 'nas-nfs',
      type: 'nfs',
      content: 'backup,iso,images',
      node: null,
      total: 16 * TiB,
      used: 7 * TiB,
    },
    {
      storage: 'pbs-main',
      type: 'pbs',
      content: 'backup',
      node: null,
      total: 4 * TiB,
      used: Math.round(1.6 * TiB),
      datastore: 'main',
    },
    {
      storage: 'ceph-vm',
      type: 'rbd',
      content: 'images,rootdir',
      node: null,
      total: 12 * TiB,
      used: Math.round(3.2 * TiB),
    },
    {
      storage: 'cephfs',
      type: 'cephfs',
      content: 'backup,iso,vztmpl',
      node: null,
      total: 12 * TiB,
      used: Math.round(0.4 * TiB),
    },
  );
  const backups: VzdumpBackup[] = [];
  const tasks: Task[] = [];
  const day0 = now - (now % 86400);
  for (const g of guests) {
    if (g.template) continue;
    for (const days of [2, 1]) {
      const start = day0 - days * 86400 + 3600 + (g.vmid % 600) * 5;
      const end = start + 40 + (g.vmid % 50);
      const failed = g.vmid % 23 === 4 && days === 1;
      if (!failed)
        backups.push(vzdumpBackup('nas-nfs', g, start + 2, Math.round((g.maxdisk / 8) * (0.5 + rand()))));
      const pid = 10_000 + ((g.vmid * 7 + days) % 50_000);
      tasks.push({
        node: g.node,
        upid: pveUpid(g.node, pid, 3_000_000 + g.vmid, start, 'vzdump', String(g.vmid), 'root@pam'),
        type: 'vzdump',
        id: String(g.vmid),
        user: 'root@pam',
        pid,
        pstart: 3_000_000 + g.vmid,
        starttime: start,
        endtime: end,
        status: failed ? `job errors` : 'OK',
      });
    }
  }
  const first = guests.find((g) => !g.template);
  if (first)
    backups.push({
      ...vzdumpBackup('local', first, day0 - 5 * 86400, 3 * GiB),
      node: first.node,
      protected: true,
      notes: 'keep: before migration',
    });
  const replication = guests
    .filter((g) => g.type === 'qemu' && !g.template && opts.nodes > 1)
    .slice(0, 2)
    .map((g, i) => {
      const target = `pve${(Number(g.node.slice(3)) % opts.nodes) + 1}`;
      const base = { id: `${g.vmid}-0`, guest: g.vmid, jobnum: 0, source: g.node, target, schedule: '*/15' };
      return i === 1
        ? {
            ...base,
            lastSync: now - 3 * 3600,
            duration: 0,
            failCount: 3,
            error: `unable to find local storage on target '${target}'`,
          }
        : { ...base, lastSync: now - 420, duration: 4.2, failCount: 0 };
    });
  const apt = Object.fromEntries(
    nodes.map((n, i) => [
      n.name,
      (i % 2 === 0
        ? [
            ['pve-manager', '9.1.3', '9.1.4', 'admin', 'The Proxmox Virtual Environment'],
            ['libpve-common-perl', '9.1.1', '9.1.2', 'perl', 'Proxmox VE base library'],
          ]
        : [['openssl', '3.5.1-1', '3.5.1-1+deb13u1', 'utils', 'Secure Sockets Layer toolkit']]
      ).map(([Package = '', OldVersion = '', Version = '', Section = '', Title = '']) => ({
        Package,
        Title,
        Description: `${Title}.`,
        Version,
        OldVersion,
        Origin: Package === 'openssl' ? 'Debian' : 'Proxmox',
        Priority: 'optional',
        Section,
        Arch: 'amd64',
      })),
    ]),
  );
  return {
    clusterName: opts.clusterName,
    version: { version: '9.1.3', release: '9.1', repoid: '5e1c07a2b94f1d36' },
    nodes,
    guests,
    storages,
    backups,
    tasks,
    disks: nodes.flatMap((n) => nodeDisks(n.name, n.nodeid, rand)),
    ceph: {
      fsid: '3c9a2e5e-5b1d-4f7e-9d83-2a61f0c4b7de',
      pools: [
        {
          pool: 1,
          name: '.mgr',
          size: 3,
          minSize: 2,
          pgNum: 1,
          bytesUsed: 3_145_728,
          maxAvail: 3 * TiB,
          application: 'mgr',
        },
        {
          pool: 2,
          name: 'ceph-vm',
          size: 3,
          minSize: 2,
          pgNum: 128,
          bytesUsed: Math.round(3.2 * TiB),
          maxAvail: 3 * TiB,
          application: 'rbd',
        },
        {
          pool: 3,
          name: 'cephfs_data',
          size: 3,
          minSize: 2,
          pgNum: 64,
          bytesUsed: Math.round(0.4 * TiB),
          maxAvail: 3 * TiB,
          application: 'cephfs',
        },
        {
          pool: 4,
          name: 'cephfs_metadata',
          size: 3,
          minSize: 2,
          pgNum: 16,
          bytesUsed: 180 * 1024 ** 2,
          maxAvail: 3 * TiB,
          application: 'cephfs',
        },
      ],
      osds: nodes.length * 2,
      osdsUp: nodes.length * 2,
      warning: '1 nearfull osd(s)',
    },
    replication,
    apt,
  };
}
