// Memory use from /proc/meminfo, with the ZFS ARC counted as reclaimable cache rather than used.
import type { MemoryMetric } from '@pulse/shared';
import { readText } from './read-text.ts';

const KIB = 1024;

/** `Key:   1234 kB` rows as bytes; rows without the kB unit (HugePages_Total) are page counts and skipped. */
function meminfoBytes(text: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:\s]+):\s+(\d+)\s+kB\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) rows.set(m[1], Number(m[2]) * KIB);
  }
  return rows;
}

/**
 * ARC size in bytes from /proc/spl/kstat/zfs/arcstats (`name type data` table; `size` is type 4,
 * a uint64). Undefined when the row is absent, i.e. ZFS is not loaded.
 */
export function parseArcSize(text: string): number | undefined {
  for (const line of text.split('\n')) {
    const [name, type, data] = line.trim().split(/\s+/);
    if (name === 'size' && type === '4' && data !== undefined && /^\d+$/.test(data)) return Number(data);
  }
  return undefined;
}

/**
 * Used is total − MemAvailable (what applications could not get back), not total − free, because page
 * cache is handed back on demand. Kernels before 3.14 have no MemAvailable; free + buffers + cached is
 * the estimate those kernels' own tools used. The ARC is not part of MemAvailable
 * (openzfs/zfs#10255) yet shrinks under pressure like page cache, so it moves from used to cache.
 * Returns {} when MemTotal is missing: a garbled read is not a machine with no memory.
 */
export function parseMeminfo(text: string, arcstats?: string): MemoryMetric {
  const rows = meminfoBytes(text);
  const total = rows.get('MemTotal');
  if (total === undefined || total === 0) return {};
  const free = rows.get('MemFree') ?? 0;
  const available = rows.get('MemAvailable') ?? free + (rows.get('Buffers') ?? 0) + (rows.get('Cached') ?? 0);
  let used = Math.max(0, total - Math.min(available, total));
  let cache = Math.max(0, available - free);
  let freeBytes = free;

  const arc = arcstats === undefined ? undefined : parseArcSize(arcstats);
  if (arc !== undefined && arc > 0) {
    const reclaimed = Math.min(arc, used);
    used -= reclaimed;
    cache += reclaimed;
    // Keep used + cache + free = total after the move; cache gives way if the sum overshoots.
    if (used + cache <= total) freeBytes = total - used - cache;
    else {
      cache = total - used;
      freeBytes = 0;
    }
  }

  const swapTotal = rows.get('SwapTotal');
  const swapFree = rows.get('SwapFree') ?? 0;
  return {
    totalBytes: total,
    usedBytes: used,
    freeBytes,
    cacheBytes: cache,
    usage: Math.min(100, Math.max(0, (used / total) * 100)),
    ...(swapTotal === undefined
      ? {}
      : { swapTotalBytes: swapTotal, swapUsedBytes: Math.max(0, swapTotal - swapFree) }),
  };
}

/** This machine's memory; undefined where /proc/meminfo cannot be read or parsed. */
export function readMemory(
  meminfoPath = '/proc/meminfo',
  arcstatsPath = '/proc/spl/kstat/zfs/arcstats',
): MemoryMetric | undefined {
  const text = readText(meminfoPath);
  if (text === undefined) return undefined;
  const memory = parseMeminfo(text, readText(arcstatsPath));
  return memory.totalBytes === undefined ? undefined : memory;
}
