// ZFS pool capacity from `zpool list`, one Disk per pool.
import type { Disk } from '@pulse/shared';
import { type Collected, runTool } from './tools.ts';

export const ZPOOL_LIST_ARGS = ['list', '-Hp', '-o', 'name,size,allocated,free,health'];

/**
 * `zpool list -Hp -o name,size,allocated,free,health`: tab-separated, exact bytes. Pool capacity is
 * raw space (before RAID-Z parity), so it is the pool's own view, not what `zfs list` calls available.
 * Health has no field on Disk and is ignored here. Rows that are not five columns of numbers are skipped.
 */
export function parseZpoolList(text: string): Disk[] {
  const pools: Disk[] = [];
  for (const line of text.split('\n')) {
    const [name, size, allocated, free] = line.split('\t').map((f) => f.trim());
    if (
      name === undefined ||
      name === '' ||
      size === undefined ||
      allocated === undefined ||
      free === undefined
    )
      continue;
    const [totalBytes, usedBytes, freeBytes] = [size, allocated, free].map((f) =>
      /^\d+$/.test(f) ? Number(f) : Number.NaN,
    );
    if (totalBytes === undefined || usedBytes === undefined || freeBytes === undefined) continue;
    if (![totalBytes, usedBytes, freeBytes].every(Number.isSafeInteger) || totalBytes === 0) continue;
    pools.push({
      device: name,
      mountpoint: `zpool:${name}`,
      filesystem: 'zfs',
      type: 'zfs',
      totalBytes,
      usedBytes,
      freeBytes,
      usage: Math.min(100, (usedBytes / totalBytes) * 100),
    });
  }
  return pools;
}

/** Every imported pool; the reason says why there are none when zpool failed or is not installed. */
export async function readZpools(run = runTool): Promise<Collected<Disk[]>> {
  const result = await run('zpool', ZPOOL_LIST_ARGS, { timeoutMs: 5000, maxBytes: 256 * 1024 });
  return result.ok ? { value: parseZpoolList(result.stdout) } : { value: [], reason: result.detail };
}
