// A running guest's memory: the VM's own /proc/meminfo (guest agent), else balloon statistics, else PVE's `mem`.
import type { GuestMemorySource, ProxmoxMemory } from '@pulse/shared';
import { asRecord, isRecord, optNum, optStr, percent, type Raw } from './read.ts';

/** What the guest itself says, in bytes: `free` is MemAvailable (agent) or the balloon's free memory. */
export interface GuestMemoryReading {
  source: Exclude<GuestMemorySource, 'host'>;
  /** The guest's own total (MemTotal, balloon `total_mem`); absent when it did not say. */
  total?: number;
  free: number;
}

/** `/proc/meminfo` lines look like "MemAvailable:    1234567 kB". */
function meminfoKb(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB\\s*$`, 'm').exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * The answer of `agent/file-read?file=/proc/meminfo` (`{ content, truncated? }`). Without
 * MemAvailable (kernels before 3.14) there is no cache-free figure, so no reading.
 */
export function parseMeminfo(data: unknown): GuestMemoryReading | undefined {
  const content = optStr(asRecord(data).content);
  if (content === undefined) return undefined;
  const available = meminfoKb(content, 'MemAvailable');
  if (available === undefined) return undefined;
  const total = meminfoKb(content, 'MemTotal');
  return {
    source: 'guest-agent',
    free: available * 1024,
    ...(total === undefined ? {} : { total: total * 1024 }),
  };
}

/** status/current of a VM with an active balloon driver: `ballooninfo.{total_mem,free_mem}` or `freemem`. */
export function parseBalloon(current: Raw): GuestMemoryReading | undefined {
  const info = isRecord(current.ballooninfo) ? current.ballooninfo : {};
  const free = optNum(info.free_mem) ?? optNum(current.freemem);
  if (free === undefined) return undefined;
  const total = optNum(info.total_mem);
  return { source: 'balloon', free, ...(total !== undefined && total > 0 ? { total } : {}) };
}

export function memoryOf(total: number, used: number): ProxmoxMemory {
  return { total, used, free: Math.max(0, total - used), usage: percent(used, total) };
}

/**
 * `total` stays the configured size (maxmem) so the percent means the same whatever the source;
 * `used` is what the guest uses of what it has: its own total (when smaller than maxmem, e.g. with
 * the balloon inflated or memory the firmware keeps) minus what it calls available or free.
 */
export function memoryFromReading(maxmem: number, reading: GuestMemoryReading): ProxmoxMemory {
  const guestTotal = reading.total !== undefined && reading.total < maxmem ? reading.total : maxmem;
  const used = Math.min(maxmem, Math.max(0, guestTotal - reading.free));
  return memoryOf(maxmem, used);
}
