// The one place that changes the model: migrations, start/stop, new backups and counter bumps.
import { pbsSnapshot } from './build-pbs-pmg.ts';
import { pveUpid, vzdumpBackup } from './build-pve.ts';
import { guestUsage } from './metrics.ts';
import type { Counter, Guest, ProxmoxModel } from './model.ts';

export function findGuest(m: ProxmoxModel, vmid: number): Guest {
  const g = m.pve.guests.find((x) => x.vmid === vmid);
  if (!g) throw new Error(`no guest ${vmid} in the simulated cluster`);
  return g;
}

/** Records a finished task on node and returns its UPID. */
function addTask(
  m: ProxmoxModel,
  node: string,
  type: string,
  id: string,
  user: string,
  status = 'OK',
): string {
  const start = m.clock.now();
  const pid = 30_000 + m.pve.tasks.length;
  const upid = pveUpid(node, pid, 5_000_000 + m.pve.tasks.length, start, type, id, user);
  m.pve.tasks.push({
    node,
    upid,
    type,
    id,
    user,
    pid,
    pstart: 5_000_000 + m.pve.tasks.length,
    starttime: start,
    endtime: start + 1,
    status,
  });
  return upid;
}

/** Online migration: vmid stays, node changes; counters keep counting, like a live migration. */
export function migrate(m: ProxmoxModel, vmid: number, toNode: string, user = 'root@pam'): string {
  const g = findGuest(m, vmid);
  if (!m.pve.nodes.some((n) => n.name === toNode)) throw new Error(`no node ${toNode}`);
  const from = g.node;
  g.node = toNode;
  return addTask(m, from, g.type === 'qemu' ? 'qmigrate' : 'vzmigrate', String(vmid), user);
}

export function setGuestStatus(
  m: ProxmoxModel,
  vmid: number,
  status: 'running' | 'stopped',
  user = 'root@pam',
): string {
  const g = findGuest(m, vmid);
  if (g.status !== status && status === 'running') {
    // Restart counters from zero at this instant, as a fresh QEMU/LXC process does.
    const now = m.clock.now();
    g.startedAt = now;
    for (const c of Object.keys(g.counters) as Counter[]) g.counters[c] = -g.rates[c] * (now - m.epoch);
  }
  g.status = status;
  const type =
    g.type === 'qemu'
      ? status === 'running'
        ? 'qmstart'
        : 'qmstop'
      : status === 'running'
        ? 'vzstart'
        : 'vzstop';
  return addTask(m, g.node, type, String(vmid), user);
}

export function bumpCounter(m: ProxmoxModel, vmid: number, counter: Counter, delta: number): number {
  const g = findGuest(m, vmid);
  g.counters[counter] += delta;
  return guestUsage(m, g, m.clock.now())[counter];
}

export interface NewBackup {
  vmid: number;
  /** A PVE storage id: a vzdump file on dir/nfs/cephfs, a snapshot on the PBS datastore for pbs storages. */
  storage: string;
  ctime?: number;
  size?: number;
  notes?: string;
  protected?: boolean;
}

/** Adds a backup and its vzdump task; returns the volid PVE will list. */
export function addBackup(m: ProxmoxModel, b: NewBackup): string {
  const g = findGuest(m, b.vmid);
  const s = m.pve.storages.find((x) => x.storage === b.storage && (x.node === null || x.node === g.node));
  if (!s) throw new Error(`no storage ${b.storage} on ${g.node}`);
  const ctime = b.ctime ?? m.clock.now();
  const size = b.size ?? 1024 ** 3;
  addTask(m, g.node, 'vzdump', String(g.vmid), 'root@pam');
  if (s.type === 'pbs') {
    const snap = pbsSnapshot(s.datastore ?? 'main', '', g, ctime, size);
    snap.protected = b.protected === true;
    if (b.notes !== undefined) snap.comment = b.notes;
    m.pbs.snapshots.push(snap);
    return `${s.storage}:backup/${snap.backupType}/${snap.backupId}/${new Date(ctime * 1000).toISOString().replace('.000', '')}`;
  }
  const v = vzdumpBackup(s.storage, g, ctime, size);
  if (s.node !== null) v.node = g.node;
  if (b.notes !== undefined) v.notes = b.notes;
  v.protected = b.protected === true;
  m.pve.backups.push(v);
  return v.volid;
}
