// How PVE prints nodes, guests and storages in /cluster/resources, /nodes and the per-node lists.
import { guestUsage, nodeUsage } from './metrics.ts';
import type { Guest, ProxmoxModel, PveNode, Storage } from './model.ts';
import { bit } from './reply.ts';

export const isOnline = (m: ProxmoxModel, node: string) =>
  m.pve.nodes.find((n) => n.name === node)?.online === true;

/** Storages visible on a node: its local ones and every shared one. */
export const nodeStorages = (m: ProxmoxModel, node: string) =>
  m.pve.storages.filter((s) => s.node === null || s.node === node);

export function nodeResource(m: ProxmoxModel, n: PveNode, t: number): Record<string, unknown> {
  const base = { id: `node/${n.name}`, type: 'node', node: n.name, level: '' };
  if (!n.online) return { ...base, status: 'offline' };
  const u = nodeUsage(m, n, t);
  return {
    ...base,
    status: 'online',
    'cgroup-mode': 2,
    cpu: u.cpu,
    maxcpu: n.maxcpu,
    mem: u.mem,
    maxmem: n.maxmem,
    disk: n.rootfsUsed,
    maxdisk: n.rootfsTotal,
    uptime: u.uptime,
  };
}

/** A guest as /cluster/resources lists it; a guest on an offline node keeps only its config values. */
export function guestResource(m: ProxmoxModel, g: Guest, t: number): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: `${g.type}/${g.vmid}`,
    type: g.type,
    vmid: g.vmid,
    node: g.node,
    name: g.name,
    template: bit(g.template),
    maxcpu: g.maxcpu,
    maxmem: g.maxmem,
    maxdisk: g.maxdisk,
  };
  if (g.tags) base.tags = g.tags;
  if (!isOnline(m, g.node)) return { ...base, status: 'unknown' };
  const u = guestUsage(m, g, t);
  return {
    ...base,
    status: g.status,
    cpu: u.cpu,
    mem: u.mem,
    disk: g.status === 'running' ? g.diskUsed : 0,
    netin: u.netin,
    netout: u.netout,
    diskread: u.diskread,
    diskwrite: u.diskwrite,
    uptime: u.uptime,
    ...(g.hastate ? { hastate: g.hastate } : {}),
    ...(g.lock ? { lock: g.lock } : {}),
  };
}

export function storageResource(m: ProxmoxModel, s: Storage, node: string): Record<string, unknown> {
  const online = isOnline(m, node);
  return {
    id: `storage/${node}/${s.storage}`,
    type: 'storage',
    node,
    storage: s.storage,
    plugintype: s.type,
    content: s.content,
    shared: bit(s.node === null),
    status: online ? 'available' : 'unknown',
    ...(online ? { disk: s.used, maxdisk: s.total } : {}),
  };
}

/** One row of GET /nodes/{node}/qemu or /lxc. */
export function guestListEntry(m: ProxmoxModel, g: Guest, t: number): Record<string, unknown> {
  const u = guestUsage(m, g, t);
  const row: Record<string, unknown> = {
    vmid: g.vmid,
    name: g.name,
    status: g.status,
    cpu: u.cpu,
    cpus: g.maxcpu,
    mem: u.mem,
    maxmem: g.maxmem,
    disk: g.status === 'running' ? g.diskUsed : 0,
    maxdisk: g.maxdisk,
    netin: u.netin,
    netout: u.netout,
    diskread: u.diskread,
    diskwrite: u.diskwrite,
    uptime: u.uptime,
  };
  if (g.type === 'lxc') Object.assign(row, { type: 'lxc', maxswap: 512 * 1024 ** 2, swap: 0 });
  if (g.type === 'qemu' && g.status === 'running') row.pid = 20_000 + g.vmid;
  if (g.tags) row.tags = g.tags;
  if (g.template) row.template = 1;
  if (g.lock) row.lock = g.lock;
  return row;
}

/** GET /nodes/{node}/{qemu|lxc}/{vmid}/status/current. */
export function guestStatus(m: ProxmoxModel, g: Guest, t: number): Record<string, unknown> {
  const row = guestListEntry(m, g, t);
  row.ha = g.hastate ? { managed: 1, state: g.hastate } : { managed: 0 };
  if (g.type === 'lxc') return row;
  row.qmpstatus = g.status;
  if (g.agent) row.agent = 1;
  if (g.status === 'running') {
    row['running-machine'] = 'pc-q35-10.0+pve1';
    row['running-qemu'] = '10.0.2';
    row.balloon = g.maxmem;
    if (g.agent) {
      const used = Number(row.mem);
      row.freemem = g.maxmem - used;
      row.ballooninfo = {
        actual: g.maxmem,
        max_mem: g.maxmem,
        total_mem: g.maxmem,
        free_mem: g.maxmem - used,
      };
    }
  }
  return row;
}
