// Bytes-per-second rates from cumulative counters of two consecutive reports.
import type { HostReport } from '@pulse/shared';

export interface CounterSample {
  at: number;
  netRx: Map<string, number>;
  netTx: Map<string, number>;
  diskRead: Map<string, number>;
  diskWrite: Map<string, number>;
}

export interface Rates {
  netInRate: number;
  netOutRate: number;
  diskReadRate: number;
  diskWriteRate: number;
}

function counters<T>(
  items: readonly T[] | undefined,
  key: (t: T) => string,
  value: (t: T) => number | undefined,
) {
  const map = new Map<string, number>();
  for (const item of items ?? []) {
    const v = value(item);
    if (v !== undefined) map.set(key(item), v);
  }
  return map;
}

export function sampleCounters(report: HostReport, at: number): CounterSample {
  // Loopback traffic never leaves the machine; counting it would inflate the host's network rate.
  const nics = (report.network ?? []).filter((n) => n.name !== 'lo');
  return {
    at,
    netRx: counters(
      nics,
      (n) => n.name,
      (n) => n.rxBytes,
    ),
    netTx: counters(
      nics,
      (n) => n.name,
      (n) => n.txBytes,
    ),
    diskRead: counters(
      report.diskIO,
      (d) => d.device,
      (d) => d.readBytes,
    ),
    diskWrite: counters(
      report.diskIO,
      (d) => d.device,
      (d) => d.writeBytes,
    ),
  };
}

/** Sum of per-key increases; a key that went backwards (counter reset, device replaced) is skipped. */
function increase(prev: Map<string, number>, cur: Map<string, number>): number {
  let sum = 0;
  for (const [key, value] of cur) {
    const before = prev.get(key);
    if (before !== undefined && value >= before) sum += value - before;
  }
  return sum;
}

export function ratesBetween(prev: CounterSample | undefined, cur: CounterSample): Rates | undefined {
  if (!prev) return undefined;
  const seconds = (cur.at - prev.at) / 1000;
  if (!(seconds > 0)) return undefined;
  return {
    netInRate: increase(prev.netRx, cur.netRx) / seconds,
    netOutRate: increase(prev.netTx, cur.netTx) / seconds,
    diskReadRate: increase(prev.diskRead, cur.diskRead) / seconds,
    diskWriteRate: increase(prev.diskWrite, cur.diskWrite) / seconds,
  };
}
