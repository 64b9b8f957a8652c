// Network and block I/O counters from a stats answer, cumulative since the container started.
import { count, obj, objList, str, type View } from './json.ts';

export interface NetworkTotals {
  rxBytes: number;
  txBytes: number;
}

/**
 * rx/tx summed over the container's interfaces; undefined when the answer has no `networks` (dockerd
 * leaves it out for `--network none` and for host networking, where the counters would be the host's).
 */
export function networkTotals(networks: unknown): NetworkTotals | undefined {
  const byInterface = obj<View<string>>(networks);
  if (byInterface === undefined) return undefined;
  let rxBytes = 0;
  let txBytes = 0;
  let seen = false;
  for (const value of Object.values(byInterface)) {
    const iface = obj<View<'rx_bytes' | 'tx_bytes'>>(value);
    const rx = count(iface?.rx_bytes);
    const tx = count(iface?.tx_bytes);
    if (rx === undefined && tx === undefined) continue;
    seen = true;
    rxBytes += rx ?? 0;
    txBytes += tx ?? 0;
  }
  return seen ? { rxBytes, txBytes } : undefined;
}

export interface BlockIoTotals {
  readBytes: number;
  writeBytes: number;
}

/**
 * Bytes read and written, summed over devices from `blkio_stats.io_service_bytes_recursive`. cgroup v1
 * names the ops `Read`/`Write` (next to `Sync`, `Async`, `Total`, which would count the same bytes
 * again), dockerd on v2 and Podman `read`/`write`. A null or missing list (a stopped container, a daemon
 * without blkio accounting) is undefined; an empty list from a running container is a real zero.
 */
export function blockIoTotals(blkioStats: unknown): BlockIoTotals | undefined {
  const entries = obj<View<'io_service_bytes_recursive'>>(blkioStats)?.io_service_bytes_recursive;
  if (!Array.isArray(entries)) return undefined;
  const totals: BlockIoTotals = { readBytes: 0, writeBytes: 0 };
  for (const entry of objList<View<'op' | 'value'>>(entries)) {
    const op = str(entry.op)?.toLowerCase();
    const value = count(entry.value) ?? 0;
    if (op === 'read') totals.readBytes += value;
    else if (op === 'write') totals.writeBytes += value;
  }
  return totals;
}
