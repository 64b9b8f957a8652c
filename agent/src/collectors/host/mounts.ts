// Which mounted filesystems count as the host's disks, and their usage by statfs with a hang guard.
import { statfs } from 'node:fs/promises';
import type { Disk } from '@pulse/shared';
import { matchesAny } from './device-patterns.ts';
import { readText } from './read-text.ts';

export interface MountEntry {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string[];
}

export interface MountFilterOptions {
  /** --disk-include: brings back a mount the automatic rules dropped. */
  include: string[];
  /** --disk-exclude: always wins over include. */
  exclude: string[];
}

/** The kernel writes space, tab, newline and backslash in paths as 3-digit octal (`\040`). */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** /proc/self/mounts (fstab format) in mount order; malformed lines are skipped. */
export function parseMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, mountpoint, fstype, options] = line.trim().split(/\s+/);
    if (device === undefined || mountpoint === undefined || fstype === undefined || options === undefined)
      continue;
    if (!mountpoint.startsWith('/')) continue;
    entries.push({
      device: unescapeOctal(device),
      mountpoint: unescapeOctal(mountpoint),
      fstype,
      options: options.split(','),
    });
  }
  return entries;
}

export function isReadOnly(entry: MountEntry): boolean {
  return entry.options.includes('ro');
}

// biome-ignore format: one name per line would make this list four screens long
const VIRTUAL_FS = new Set([
  'tmpfs', 'devtmpfs', 'cgroup', 'cgroup2', 'sysfs', 'proc', 'devpts', 'securityfs', 'debugfs', 'tracefs',
  'fusectl', 'configfs', 'pstore', 'hugetlbfs', 'mqueue', 'bpf', 'overlay', 'overlayfs', 'autofs', 'fdescfs',
  'devfs', 'linprocfs', 'linsysfs',
]);
const NETWORK_FS = ['sshfs', '9p', 'nfs', 'cifs', 'smb'];
// Always 100 % full by construction, so they would only ever raise false "disk full" alerts.
const READ_ONLY_IMAGES = new Set(['erofs', 'squashfs', 'iso9660', 'cdfs', 'udf', 'cramfs', 'romfs']);
// Matched on path boundaries, so /snap drops /snap/core/123 but keeps a user's /snapshots.
const SYSTEM_PREFIXES = [
  '/dev',
  '/proc',
  '/sys',
  '/run',
  '/var/run',
  '/var/lib/docker',
  '/var/lib/containers',
  '/snap',
];
const SYSTEM_MOUNTS = new Set(['/boot/efi', '/boot/firmware', '/etc/pve', '/var/run']);
// Container layers seen through bind mounts outside /var/lib/docker (Podman rootless, TrueNAS apps on ZFS).
const CONTAINER_FRAGMENTS = ['/overlay2/', '/overlay/', '/diff/', '/merged/', '/.ix-apps/docker/'];

function underPrefix(mountpoint: string, prefix: string): boolean {
  return mountpoint === prefix || mountpoint.startsWith(`${prefix}/`);
}

/**
 * Why the automatic rules leave a mount out, or undefined when it is a real disk. Network mounts are
 * left out because their capacity belongs to another machine and a dead server would hang statfs.
 */
export function skipReason(entry: MountEntry): string | undefined {
  const { fstype, mountpoint } = entry;
  if (VIRTUAL_FS.has(fstype)) return `virtual filesystem ${fstype}`;
  if (NETWORK_FS.some((n) => fstype.includes(n))) return `network filesystem ${fstype}`;
  if (READ_ONLY_IMAGES.has(fstype)) return `read-only image ${fstype}`;
  if (SYSTEM_MOUNTS.has(mountpoint)) return 'system mount';
  if (SYSTEM_PREFIXES.some((p) => underPrefix(mountpoint, p))) return 'system path';
  if (CONTAINER_FRAGMENTS.some((f) => mountpoint.includes(f)) || mountpoint.endsWith('/merged')) {
    return 'container layer';
  }
  return undefined;
}

const isZfs = (e: MountEntry) => e.fstype === 'zfs' || e.fstype === 'fuse.zfs';
const zfsPool = (dataset: string) => dataset.split('/')[0] ?? dataset;

/**
 * The mounts to report as disks, sorted by mountpoint. Only the last mount on a path is visible (and is
 * what statfs sees), so earlier ones are dropped before the rules run. Every ZFS dataset reports the
 * whole pool's free space, so datasets collapse into one entry per pool: the pool's root dataset when
 * mounted, else its shallowest dataset, with `device` set to the pool name.
 */
export function filterMounts(entries: readonly MountEntry[], options: MountFilterOptions): MountEntry[] {
  const visible = new Map<string, MountEntry>();
  for (const entry of entries) {
    visible.delete(entry.mountpoint);
    visible.set(entry.mountpoint, entry);
  }

  const kept: MountEntry[] = [];
  const pools = new Map<string, MountEntry>();
  for (const entry of visible.values()) {
    if (matchesAny(options.exclude, entry.device, entry.mountpoint)) continue;
    if (isZfs(entry) && matchesAny(options.exclude, zfsPool(entry.device))) continue;
    const optedIn = matchesAny(options.include, entry.device, entry.mountpoint);
    if (skipReason(entry) !== undefined && !optedIn) continue;
    if (!isZfs(entry)) {
      kept.push(entry);
      continue;
    }
    const pool = zfsPool(entry.device);
    const current = pools.get(pool);
    if (current === undefined || poolRootFirst(entry, current, pool) < 0) pools.set(pool, entry);
  }
  for (const [pool, entry] of pools) kept.push({ ...entry, device: pool });
  return kept.sort((a, b) => (a.mountpoint < b.mountpoint ? -1 : a.mountpoint > b.mountpoint ? 1 : 0));
}

function poolRootFirst(a: MountEntry, b: MountEntry, pool: string): number {
  if ((a.device === pool) !== (b.device === pool)) return a.device === pool ? -1 : 1;
  return a.mountpoint.length - b.mountpoint.length;
}

export function readMounts(path = '/proc/self/mounts'): MountEntry[] {
  const text = readText(path);
  return text === undefined ? [] : parseMounts(text);
}

// A statfs stuck on a dead mount keeps a libuv pool thread until the kernel gives up; asking again every
// cycle would pile those threads up until every fs call in the agent queues behind them.
const pending = new Set<string>();

/**
 * Usage of one mount, undefined when statfs fails, is still pending from an earlier cycle, takes longer
 * than `timeoutMs`, or reports no blocks (pseudo filesystems do). Percent is used / (used + available)
 * as df prints it: blocks reserved for root are neither.
 */
export async function diskUsage(entry: MountEntry, timeoutMs = 5000): Promise<Disk | undefined> {
  const path = entry.mountpoint;
  if (pending.has(path)) return undefined;
  pending.add(path);
  const stats = statfs(path).then(
    (s) => s,
    () => undefined,
  );
  void stats.finally(() => pending.delete(path));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, undefined);
  });
  const s = await Promise.race([stats, timedOut]);
  clearTimeout(timer);
  if (s === undefined) return undefined;
  const totalBytes = s.blocks * s.bsize;
  if (!(totalBytes > 0)) return undefined;
  const usedBytes = Math.max(0, s.blocks - s.bfree) * s.bsize;
  const freeBytes = s.bavail * s.bsize;
  const usable = usedBytes + freeBytes;
  return {
    device: entry.device,
    mountpoint: entry.mountpoint,
    filesystem: entry.fstype,
    type: entry.fstype,
    totalBytes,
    usedBytes,
    freeBytes,
    ...(usable > 0 ? { usage: Math.min(100, (usedBytes / usable) * 100) } : {}),
  };
}

/** Usage of every mount in parallel, keeping the input order and dropping the ones without an answer. */
export async function collectDisks(entries: readonly MountEntry[], timeoutMs = 5000): Promise<Disk[]> {
  const disks = await Promise.all(entries.map((e) => diskUsage(e, timeoutMs)));
  return disks.filter((d): d is Disk => d !== undefined);
}
