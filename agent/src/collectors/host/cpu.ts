// Whole-machine CPU busy percentage from the cumulative jiffy counters in /proc/stat.
import { readText } from './read-text.ts';

/** Cumulative jiffies of the aggregate `cpu ` line, plus how many `cpuN` lines (logical CPUs) follow it. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
  cpuCount: number;
}

const FIELDS = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guestNice',
] as const;

/**
 * Parses /proc/stat. Kernels before 2.6.33 print fewer columns (2.6.24 has no guest_nice, older ones
 * no guest or steal); the missing ones read as 0 because those kernels never accounted that time.
 * Undefined when there is no usable aggregate line, so a garbled read is never mistaken for an idle CPU.
 */
export function parseProcStat(text: string): CpuTimes | undefined {
  let aggregate: number[] | undefined;
  let cpuCount = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const label = fields[0] ?? '';
    if (label === 'cpu') aggregate = fields.slice(1).map(Number);
    else if (/^cpu\d+$/.test(label)) cpuCount++;
  }
  // user, nice, system and idle exist on every Linux kernel; without them the line is not /proc/stat.
  if (aggregate === undefined || aggregate.length < 4) return undefined;
  if (!aggregate.every((n) => Number.isFinite(n) && n >= 0)) return undefined;
  const times: CpuTimes = {
    user: 0,
    nice: 0,
    system: 0,
    idle: 0,
    iowait: 0,
    irq: 0,
    softirq: 0,
    steal: 0,
    guest: 0,
    guestNice: 0,
    cpuCount,
  };
  for (const [i, field] of FIELDS.entries()) times[field] = aggregate[i] ?? 0;
  return times;
}

/**
 * Busy share of the time between two samples, 0–100. iowait counts as idle (the CPU was free to run
 * something else). The kernel already adds guest and guest_nice into user and nice, so they are not
 * added again: summing all ten columns (as some tools do) counts a VM's CPU time twice. Undefined when
 * no time passed or a counter went backwards (reboot, VM restore), so the caller falls back instead of
 * reporting a nonsense delta.
 */
export function cpuUsagePercent(prev: CpuTimes, cur: CpuTimes): number | undefined {
  // idle and iowait are compared as one sum: the kernel documents that iowait alone can decrease
  // (it is attributed per runqueue on NO_HZ systems), which is not a reset.
  const counters = ['user', 'nice', 'system', 'irq', 'softirq', 'steal', 'guest', 'guestNice'] as const;
  if (counters.some((k) => cur[k] < prev[k])) return undefined;
  if (idleOf(cur) < idleOf(prev)) return undefined;
  const busy = busyOf(cur) - busyOf(prev);
  const total = busy + idleOf(cur) - idleOf(prev);
  if (!(total > 0)) return undefined;
  return Math.min(100, Math.max(0, (busy / total) * 100));
}

function busyOf(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.irq + t.softirq + t.steal;
}

function idleOf(t: CpuTimes): number {
  return t.idle + t.iowait;
}

/** /proc/stat of this machine; undefined where it cannot be read or parsed. */
export function readCpuTimes(path = '/proc/stat'): CpuTimes | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseProcStat(text);
}
