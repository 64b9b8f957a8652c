// Test scenarios for the PVE collectors: our own invented values, shaped like real API answers.

import type { PveCollectContext } from '../src/sources/proxmox/collect/pve.ts';
import { FakeApi } from './fake-proxmox-api.ts';

const GiB = 1024 ** 3;

export function context(overrides: Partial<PveCollectContext> = {}): PveCollectContext {
  return {
    instanceName: 'lab',
    now: 1_800_000_000_000,
    monitor: { vms: true, containers: true, storage: true, backups: true, physicalDisks: true, ceph: true },
    include: { backups: false, physicalDisks: false, updates: false, guestAgent: false },
    host: 'https://pve1.lab.example:8006',
    ...overrides,
  };
}

export function nodeStatus(cpu: number, usedGiB: number) {
  return {
    cpu,
    uptime: 500_000,
    loadavg: ['0.50', '0.40', '0.30'],
    pveversion: 'pve-manager/9.1.3/0123456789abcdef',
    'current-kernel': { sysname: 'Linux', release: '6.14.8-2-pve', machine: 'x86_64', version: '#1 SMP' },
    cpuinfo: { model: 'Example CPU 9000', cores: 8, cpus: 16, sockets: 1, mhz: '3200.000' },
    memory: {
      total: 64 * GiB,
      used: (usedGiB + 4) * GiB,
      free: (60 - usedGiB) * GiB,
      available: (64 - usedGiB) * GiB,
    },
    swap: { total: 8 * GiB, used: GiB, free: 7 * GiB },
    rootfs: { total: 100 * GiB, used: 25 * GiB, avail: 70 * GiB, free: 75 * GiB },
  };
}

export interface GuestSpec {
  type: 'qemu' | 'lxc';
  vmid: number;
  node: string;
  name: string;
  status?: string;
  template?: 0 | 1;
  netin?: number;
  netout?: number;
  diskread?: number;
  diskwrite?: number;
}

export function resource(g: GuestSpec) {
  const running = (g.status ?? 'running') === 'running';
  return {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node: g.node,
    name: g.name,
    status: g.status ?? 'running',
    template: g.template ?? 0,
    cpu: running ? 0.25 : 0,
    maxcpu: 4,
    mem: running ? 2 * GiB : 0,
    maxmem: 8 * GiB,
    disk: g.type === 'lxc' ? 3 * GiB : 0,
    maxdisk: 32 * GiB,
    uptime: running ? 3600 : 0,
    netin: g.netin ?? 1_000_000,
    netout: g.netout ?? 2_000_000,
    diskread: g.diskread ?? 5_000_000,
    diskwrite: g.diskwrite ?? 7_000_000,
    tags: 'prod;web',
  };
}

export const clusterGuests: GuestSpec[] = [
  { type: 'qemu', vmid: 100, node: 'pve1', name: 'web' },
  { type: 'qemu', vmid: 101, node: 'pve2', name: 'db', status: 'stopped' },
  { type: 'lxc', vmid: 200, node: 'pve2', name: 'dns' },
  { type: 'qemu', vmid: 9000, node: 'pve1', name: 'tmpl', status: 'stopped', template: 1 },
];

function storageOn(node: string) {
  return [
    {
      storage: 'local',
      type: 'dir',
      content: 'iso,vztmpl,backup',
      active: 1,
      enabled: 1,
      shared: 0,
      total: 100 * GiB,
      used: node === 'pve1' ? 40 * GiB : 10 * GiB,
      avail: 60 * GiB,
    },
    {
      storage: 'ceph-vm',
      type: 'rbd',
      content: 'images,rootdir',
      active: 1,
      enabled: 1,
      shared: 1,
      total: 3000 * GiB,
      used: 1000 * GiB,
      avail: 2000 * GiB,
    },
    {
      storage: 'backup-pbs',
      type: 'pbs',
      content: 'backup',
      active: 1,
      enabled: 1,
      shared: 0,
      total: 4000 * GiB,
      used: 500 * GiB,
      avail: 3500 * GiB,
    },
  ];
}

/** A three-node cluster "homelab"; pve3 is down. */
export function clusterApi(guests: GuestSpec[] = clusterGuests): FakeApi {
  return new FakeApi()
    .on('/cluster/status', [
      { type: 'cluster', id: 'cluster', name: 'homelab', nodes: 3, quorate: 1, version: 5 },
      { type: 'node', id: 'node/pve1', name: 'pve1', nodeid: 1, ip: '10.0.0.11', online: 1, local: 1 },
      { type: 'node', id: 'node/pve2', name: 'pve2', nodeid: 2, ip: '10.0.0.12', online: 1, local: 0 },
      { type: 'node', id: 'node/pve3', name: 'pve3', nodeid: 3, ip: '10.0.0.13', online: 0, local: 0 },
    ])
    .on('/nodes', [
      {
        node: 'pve1',
        status: 'online',
        cpu: 0.1,
        maxcpu: 16,
        mem: 20 * GiB,
        maxmem: 64 * GiB,
        uptime: 500_000,
      },
      {
        node: 'pve2',
        status: 'online',
        cpu: 0.2,
        maxcpu: 16,
        mem: 30 * GiB,
        maxmem: 64 * GiB,
        uptime: 400_000,
      },
      { node: 'pve3', status: 'offline' },
    ])
    .on('/nodes/pve1/status', nodeStatus(0.11, 20))
    .on('/nodes/pve2/status', nodeStatus(0.22, 30))
    .on('/cluster/resources', guests.map(resource), { type: 'vm' })
    .on('/nodes/pve1/storage', storageOn('pve1'))
    .on('/nodes/pve2/storage', storageOn('pve2'))
    .fail('/cluster/ceph/status', 500, 'binary not installed: /usr/bin/ceph-mon');
}

/** One standalone node "pve-solo" with one VM. */
export function standaloneApi(): FakeApi {
  return new FakeApi()
    .on('/cluster/status', [
      {
        type: 'node',
        id: 'node/pve-solo',
        name: 'pve-solo',
        ip: '192.168.7.2',
        local: 1,
        online: 1,
        nodeid: 0,
      },
    ])
    .on('/nodes', [
      {
        node: 'pve-solo',
        status: 'online',
        cpu: 0.05,
        maxcpu: 4,
        mem: 4 * GiB,
        maxmem: 16 * GiB,
        uptime: 1000,
      },
    ])
    .on('/nodes/pve-solo/status', nodeStatus(0.05, 4))
    .on('/cluster/resources', [resource({ type: 'qemu', vmid: 100, node: 'pve-solo', name: 'solo-vm' })], {
      type: 'vm',
    })
    .on('/nodes/pve-solo/storage', storageOn('pve-solo'))
    .fail('/cluster/ceph/status', 500, 'rados_connect failed - No such file or directory');
}

export { GiB };
