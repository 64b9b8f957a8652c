// PVE backups: vzdump archives on backup storages, vzdump tasks, guest snapshots and each guest's last backup.
import type { GuestKind, PveBackupTask, PveGuestSnapshot, PveStorageBackup } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { backupTaskId, snapshotId, storageBackupId } from './ids.ts';
import { isSharedStorage, type StorageEntry } from './pve-storage.ts';
import { asArray, asRecord, bool, num, optNum, optStr, type Raw, secondsToMs, str } from './read.ts';
import { type CollectError, mapLimit, toCollectError } from './run.ts';

export interface BackupContext {
  scope: string;
  instanceName: string;
  now: number;
  concurrency: number;
  errors: CollectError[];
}

/** How many recent vzdump tasks to read per node. */
export const TASK_LIMIT = 50;

/** Each shared storage is read once (through the first node that has it active); local ones per node. */
export function backupTargets(storage: readonly StorageEntry[]): StorageEntry[] {
  const seen = new Set<string>();
  const targets: StorageEntry[] = [];
  const candidates = storage
    .filter((s) => s.enabled && s.active && s.content.split(',').includes('backup'))
    .sort((a, b) => a.node.localeCompare(b.node));
  for (const s of candidates) {
    const key = isSharedStorage(s) ? s.storage : `${s.node}/${s.storage}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(s);
  }
  return targets;
}

/** `subtype` when given, else the volid: vzdump-qemu-100-… / vzdump-lxc-… or PBS backup/vm/100/… / backup/ct/…. */
export function backupKind(item: Raw): GuestKind | 'unknown' {
  const subtype = str(item.subtype);
  if (subtype === 'qemu' || subtype === 'lxc') return subtype;
  const volid = str(item.volid);
  if (/vzdump-qemu-|\/vm\//.test(volid)) return 'qemu';
  if (/vzdump-(lxc|openvz)-|\/ct\//.test(volid)) return 'lxc';
  return 'unknown';
}

function vmidFromVolid(volid: string): number {
  const m = /vzdump-(?:qemu|lxc|openvz)-(\d+)-|\/(?:vm|ct)\/(\d+)\//.exec(volid);
  return Number(m?.[1] ?? m?.[2] ?? 0);
}

export function toStorageBackup(ctx: BackupContext, target: StorageEntry, item: Raw): PveStorageBackup {
  const volid = str(item.volid);
  const ctime = num(item.ctime);
  const verification = optStr(asRecord(item.verification).state);
  const backup: PveStorageBackup = {
    id: storageBackupId(ctx.scope, volid),
    storage: target.storage,
    node: target.node,
    instance: ctx.instanceName,
    type: backupKind(item),
    vmid: num(item.vmid, vmidFromVolid(volid)),
    time: ctime * 1000,
    ctime,
    size: num(item.size),
    format: str(item.format),
    protected: bool(item.protected),
    volid,
    isPBS: target.type === 'pbs',
    verified: verification === 'ok',
    encrypted: bool(item.encrypted) || (typeof item.encrypted === 'string' && item.encrypted.length > 1),
  };
  const notes = optStr(item.notes);
  if (notes !== undefined) backup.notes = notes;
  if (verification !== undefined) backup.verification = verification;
  return backup;
}

export async function collectStorageBackups(
  api: ProxmoxApi,
  ctx: BackupContext,
  storage: readonly StorageEntry[],
): Promise<PveStorageBackup[]> {
  const perTarget = await mapLimit(backupTargets(storage), ctx.concurrency, async (target) => {
    const path = `/nodes/${target.node}/storage/${target.storage}/content`;
    try {
      return asArray(await api.get(path, { content: 'backup' }))
        .filter((item) => str(item.content, 'backup') === 'backup' && str(item.volid) !== '')
        .map((item) => toStorageBackup(ctx, target, item));
    } catch (err) {
      ctx.errors.push(toCollectError(path, err));
      return [];
    }
  });
  const byId = new Map<string, PveStorageBackup>();
  for (const b of perTarget.flat()) if (!byId.has(b.id)) byId.set(b.id, b);
  return [...byId.values()].sort((a, b) => b.time - a.time || a.id.localeCompare(b.id));
}

/** A task without `status` is still running; "OK" and "WARNINGS: n" finished; anything else is the error. */
export function toBackupTask(ctx: BackupContext, node: string, t: Raw): PveBackupTask {
  const upid = str(t.upid);
  const raw = optStr(t.status);
  const endTime = secondsToMs(t.endtime);
  let status: string;
  if (raw === undefined || raw === 'running') status = endTime === undefined ? 'running' : 'unknown';
  else if (raw === 'OK') status = 'ok';
  else if (raw.startsWith('WARNINGS')) status = 'warning';
  else status = 'error';
  const task: PveBackupTask = {
    id: backupTaskId(ctx.scope, upid),
    upid,
    node: str(t.node, node),
    instance: ctx.instanceName,
    type: str(t.type, 'vzdump'),
    vmid: num(t.id),
    status,
    startTime: num(t.starttime) * 1000,
  };
  if (endTime !== undefined) task.endTime = endTime;
  if (status === 'error' && raw !== undefined) task.error = raw;
  return task;
}

export async function collectBackupTasks(
  api: ProxmoxApi,
  ctx: BackupContext,
  onlineNodes: readonly string[],
): Promise<PveBackupTask[]> {
  const perNode = await mapLimit(onlineNodes, ctx.concurrency, async (node) => {
    const path = `/nodes/${node}/tasks`;
    try {
      const query = { typefilter: 'vzdump', source: 'all', limit: TASK_LIMIT };
      return asArray(await api.get(path, query))
        .filter((t) => str(t.upid) !== '')
        .map((t) => toBackupTask(ctx, node, t));
    } catch (err) {
      ctx.errors.push(toCollectError(path, err));
      return [];
    }
  });
  return perNode.flat().sort((a, b) => b.startTime - a.startTime);
}

export interface SnapshotTarget {
  node: string;
  type: GuestKind;
  vmid: number;
}

/** The `current` entry is the live state ("You are here!"), not a snapshot. */
export function toSnapshots(ctx: BackupContext, target: SnapshotTarget, data: unknown): PveGuestSnapshot[] {
  return asArray(data)
    .filter((s) => str(s.name) !== '' && s.name !== 'current')
    .map((s) => {
      const name = str(s.name);
      const snap: PveGuestSnapshot = {
        id: snapshotId(ctx.scope, target.vmid, name),
        name,
        node: target.node,
        instance: ctx.instanceName,
        type: target.type,
        vmid: target.vmid,
        time: num(s.snaptime) * 1000,
        description: str(s.description),
        vmstate: bool(s.vmstate),
      };
      const parent = optStr(s.parent);
      const size = optNum(s.size);
      if (parent !== undefined && parent !== 'current') snap.parent = parent;
      if (size !== undefined) snap.sizeBytes = size;
      return snap;
    });
}

export async function collectSnapshots(
  api: ProxmoxApi,
  ctx: BackupContext,
  targets: readonly SnapshotTarget[],
): Promise<PveGuestSnapshot[]> {
  const perGuest = await mapLimit(targets, ctx.concurrency, async (target) => {
    const path = `/nodes/${target.node}/${target.type}/${target.vmid}/snapshot`;
    try {
      return toSnapshots(ctx, target, await api.get(path));
    } catch (err) {
      ctx.errors.push(toCollectError(path, err));
      return [];
    }
  });
  return perGuest.flat();
}

/** Newest backup per vmid (unix ms): archives on storage and vzdump tasks that finished without error. */
export function lastBackupByVmid(
  backups: readonly PveStorageBackup[],
  tasks: readonly PveBackupTask[],
): Map<number, number> {
  const last = new Map<number, number>();
  const offer = (vmid: number, at: number) => {
    if (vmid > 0 && at > (last.get(vmid) ?? 0)) last.set(vmid, at);
  };
  for (const b of backups) offer(b.vmid, b.time);
  for (const t of tasks) {
    if ((t.status === 'ok' || t.status === 'warning') && t.endTime !== undefined) offer(t.vmid, t.endTime);
  }
  return last;
}
