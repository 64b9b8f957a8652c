import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  collectDisks,
  diskUsage,
  filterMounts,
  isReadOnly,
  type MountEntry,
  parseMounts,
  readMounts,
  skipReason,
} from './mounts.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const mount = (device: string, mountpoint: string, fstype: string, options = ['rw']): MountEntry => ({
  device,
  mountpoint,
  fstype,
  options,
});
const none = { include: [], exclude: [] };

describe('parseMounts', () => {
  const entries = parseMounts(fixture('mounts'));

  it('reads every line of the recorded mount table', () => {
    expect(entries).toHaveLength(44);
    expect(entries[5]).toEqual(mount('/dev/mapper/ubuntu--vg-ubuntu--lv', '/', 'ext4', ['rw', 'relatime']));
  });

  it('decodes octal escapes in paths', () => {
    expect(entries.find((e) => e.device === '/dev/sdb1')?.mountpoint).toBe('/mnt/My Backups');
    expect(parseMounts('/dev/sdx1 /mnt/a\\011b\\134c ext4 rw 0 0\n')[0]?.mountpoint).toBe('/mnt/a\tb\\c');
  });

  it('skips empty and garbled lines', () => {
    expect(parseMounts('')).toEqual([]);
    expect(parseMounts('garbage\n/dev/sda1 /data\nnone relative ext4 rw 0 0\n')).toEqual([]);
  });
});

describe('isReadOnly', () => {
  it('looks for the ro option, not a substring of another', () => {
    expect(isReadOnly(mount('/dev/loop0', '/snap/x', 'squashfs', ['ro', 'nodev']))).toBe(true);
    expect(isReadOnly(mount('/dev/sda1', '/', 'ext4', ['rw', 'errors=remount-ro']))).toBe(false);
  });
});

describe('filterMounts', () => {
  const entries = parseMounts(fixture('mounts'));

  it('keeps real disks, one per ZFS pool, the last mount on a path, sorted by mountpoint', () => {
    expect(filterMounts(entries, none)).toEqual([
      mount('/dev/mapper/ubuntu--vg-ubuntu--lv', '/', 'ext4', ['rw', 'relatime']),
      mount('/dev/nvme0n1p2', '/boot', 'ext4', ['rw', 'relatime']),
      mount('fast', '/fast/vm', 'zfs', ['rw', 'xattr', 'posixacl', 'casesensitive']),
      mount('/dev/sdb1', '/mnt/My Backups', 'ext4', ['rw', 'relatime']),
      mount('/dev/sda1', '/mnt/cache', 'ext4', ['rw', 'noatime']),
      mount('/dev/nvme1n1p1', '/mnt/scratch', 'ext4', ['rw', 'noatime', 'discard']),
      mount('/dev/sde1', '/snapshots', 'btrfs', [
        'rw',
        'relatime',
        'space_cache=v2',
        'subvolid=5',
        'subvol=/',
      ]),
      mount('/dev/sdd1', '/srv/data', 'xfs', [
        'rw',
        'relatime',
        'attr2',
        'inode64',
        'logbufs=8',
        'logbsize=32k',
        'noquota',
      ]),
      mount('tank', '/tank', 'zfs', ['rw', 'xattr', 'noacl', 'casesensitive']),
    ]);
  });

  it('applies exclude patterns to device name, device path, mountpoint and ZFS pool', () => {
    const kept = filterMounts(entries, {
      include: [],
      exclude: ['*cache*', 'nvme1*', '/dev/sdb1', 'tank', '/srv/data'],
    });
    expect(kept.map((e) => e.mountpoint)).toEqual(['/', '/boot', '/fast/vm', '/snapshots']);
  });

  it('lets include bring back what the automatic rules dropped, but not what exclude names', () => {
    const included = filterMounts(entries, { include: ['/var/lib/docker', 'nas.lan:*'], exclude: [] });
    expect(included.map((e) => e.mountpoint)).toContain('/var/lib/docker');
    expect(included.map((e) => e.mountpoint)).toContain('/mnt/media');
    const both = filterMounts(entries, { include: ['/var/lib/docker'], exclude: ['data-docker'] });
    expect(both.map((e) => e.mountpoint)).not.toContain('/var/lib/docker');
  });

  it('drops the earlier mount when a pseudo filesystem is mounted over a disk', () => {
    const shadowed = [mount('/dev/sdb1', '/data', 'ext4'), mount('tmpfs', '/data', 'tmpfs')];
    expect(filterMounts(shadowed, none)).toEqual([]);
  });

  it('matches system prefixes on path boundaries', () => {
    const paths = ['/devel', '/snapshots', '/runner', '/system', '/dev/vdb', '/snap/core', '/var/run/x'];
    const kept = filterMounts(
      paths.map((p) => mount('/dev/vdb1', p, 'ext4')),
      none,
    );
    expect(kept.map((e) => e.mountpoint)).toEqual(['/devel', '/runner', '/snapshots', '/system']);
  });

  it('gives an empty list for no mounts', () => {
    expect(filterMounts([], none)).toEqual([]);
  });
});

describe('skipReason', () => {
  it('names why a mount is left out', () => {
    expect(skipReason(mount('tmpfs', '/tmp', 'tmpfs'))).toBe('virtual filesystem tmpfs');
    expect(skipReason(mount('h:/x', '/mnt/x', 'nfs4'))).toBe('network filesystem nfs4');
    expect(skipReason(mount('/dev/sr0', '/media/cd', 'iso9660'))).toBe('read-only image iso9660');
    expect(skipReason(mount('/dev/sda1', '/boot/efi', 'vfat'))).toBe('system mount');
    expect(skipReason(mount('/dev/sda3', '/var/lib/containers/storage', 'xfs'))).toBe('system path');
    expect(skipReason(mount('pool/x', '/mnt/.ix-apps/docker/volumes/x', 'zfs'))).toBe('container layer');
    expect(skipReason(mount('/dev/sda2', '/home', 'ext4'))).toBeUndefined();
  });
});

describe('diskUsage (real statfs)', () => {
  it('reports the root filesystem with sizes that add up', async () => {
    const disk = await diskUsage(mount('rootfs', '/', 'ext4'));
    expect(disk).toBeDefined();
    if (disk === undefined) return;
    expect(disk.device).toBe('rootfs');
    expect(disk.mountpoint).toBe('/');
    expect(disk.filesystem).toBe('ext4');
    expect(disk.totalBytes).toBeGreaterThan(0);
    expect(disk.usedBytes).toBeGreaterThan(0);
    expect(disk.freeBytes).toBeGreaterThanOrEqual(0);
    expect(disk.usage).toBeGreaterThan(0);
    expect(disk.usage).toBeLessThanOrEqual(100);
  });

  it('gives undefined for a path that does not exist or has no blocks', async () => {
    expect(await diskUsage(mount('none', '/nonexistent/mount', 'ext4'))).toBeUndefined();
    expect(await diskUsage(mount('proc', '/proc', 'proc'))).toBeUndefined();
  });

  it('does not stack a second statfs on a path whose first one has not answered yet', async () => {
    const first = diskUsage(mount('a', '/', 'ext4'));
    expect(await diskUsage(mount('a', '/', 'ext4'))).toBeUndefined();
    expect(await first).toBeDefined();
  });

  it('collects several mounts and drops the ones without an answer', async () => {
    const disks = await collectDisks([mount('a', '/', 'ext4'), mount('b', '/nonexistent', 'ext4')]);
    expect(disks.map((d) => d.device)).toEqual(['a']);
  });
});

describe('readMounts', () => {
  it('gives an empty list when the mount table cannot be read', () => {
    expect(readMounts('/nonexistent/mounts')).toEqual([]);
  });
});
