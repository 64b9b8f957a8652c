// Cumulative I/O counters of whole block devices from /proc/diskstats; the server derives the rates.
import { readdirSync } from 'node:fs';
import type { DiskIO } from '@pulse/shared';
import { matchesAny } from './device-patterns.ts';
import { readText } from './read-text.ts';

/** diskstats counts in 512-byte sectors whatever the device's real sector size. */
const SECTOR_BYTES = 512;

// Virtual devices whose I/O is already counted on the physical disks beneath them (loop, dm-*, zvols)
// or never reaches a disk at all (ram, zram), plus optical and floppy drives.
const SKIPPED_PREFIXES = ['loop', 'ram', 'zram', 'dm-', 'zd', 'sr', 'fd'];

/**
 * One entry per whole device, sorted by name. Partitions are recognised by not being in
 * `wholeDevices` (the names under /sys/block) rather than by name shape, which cannot tell `nvme0n1p1`
 * from `md0` reliably. Lines with fewer than the 14 fields every kernel since 2.6 prints are skipped.
 */
export function parseDiskstats(text: string, wholeDevices: ReadonlySet<string>, exclude: string[]): DiskIO[] {
  const devices: DiskIO[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    if (f.length < 14 || name === undefined) continue;
    if (!wholeDevices.has(name)) continue;
    if (SKIPPED_PREFIXES.some((p) => name.startsWith(p))) continue;
    if (matchesAny(exclude, name)) continue;
    const n = f.slice(3, 14).map(Number);
    if (!n.every((v) => Number.isSafeInteger(v) && v >= 0)) continue;
    const [
      reads = 0,
      ,
      readSectors = 0,
      readTime = 0,
      writes = 0,
      ,
      writeSectors = 0,
      writeTime = 0,
      ,
      ioTime = 0,
    ] = n;
    devices.push({
      device: name,
      readBytes: readSectors * SECTOR_BYTES,
      writeBytes: writeSectors * SECTOR_BYTES,
      readOps: reads,
      writeOps: writes,
      readTimeMs: readTime,
      writeTimeMs: writeTime,
      ioTimeMs: ioTime,
    });
  }
  return devices.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
}

/**
 * Names of whole block devices. sysfs writes a `/` in a device name as `!` (`cciss!c0d0`) while
 * diskstats keeps the slash, so it is turned back. Empty when /sys is not mounted or not readable.
 */
export function listBlockDevices(path = '/sys/block'): Set<string> {
  try {
    return new Set(readdirSync(path).map((name) => name.replaceAll('!', '/')));
  } catch {
    return new Set();
  }
}

/** This machine's disk I/O counters; empty where /proc/diskstats or /sys/block cannot be read. */
export function readDiskIO(exclude: string[], path = '/proc/diskstats'): DiskIO[] {
  const text = readText(path);
  return text === undefined ? [] : parseDiskstats(text, listBlockDevices(), exclude);
}
