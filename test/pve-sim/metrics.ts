// Time-varying numbers: pure functions of the model and a time, so tests can compute what a poll saw.
import { noise } from './clock.ts';
import type { Counter, Guest, ProxmoxModel, PveNode } from './model.ts';

/** cpu and memory move every STEP seconds; counters grow every second. */
export const STEP = 10;
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

export interface GuestUsage {
  cpu: number;
  mem: number;
  uptime: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
}

export function guestUsage(m: ProxmoxModel, g: Guest, t: number): GuestUsage {
  if (g.status !== 'running')
    return { cpu: 0, mem: 0, uptime: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0 };
  const step = Math.floor(t / STEP);
  const counter = (c: Counter) => Math.max(0, Math.round(g.counters[c] + g.rates[c] * (t - m.epoch)));
  const jitter = noise(m.seed, `mem:${g.vmid}`, step) - 0.5;
  return {
    cpu: round4(Math.min(1, g.load * (0.5 + noise(m.seed, `cpu:${g.vmid}`, step)))),
    mem: Math.round(g.maxmem * Math.min(0.98, Math.max(0.05, g.memFraction + jitter * 0.1))),
    uptime: Math.max(0, t - g.startedAt),
    netin: counter('netin'),
    netout: counter('netout'),
    diskread: counter('diskread'),
    diskwrite: counter('diskwrite'),
  };
}

/** /proc/meminfo of a running VM with the agent, in kB as the file prints them. */
export interface GuestMeminfo {
  memTotal: number;
  memFree: number;
  memAvailable: number;
  cached: number;
}

/** The firmware and kernel keep this much of maxmem: the guest's MemTotal is smaller than maxmem. */
const RESERVED_KB = 100 * 1024;

/**
 * The guest's own view differs from the host's `mem` (guestUsage) on purpose: 40 % of what the host
 * counts is page cache, so the guest uses 60 % of `mem` and MemAvailable = MemTotal − 0.6 × mem.
 */
export function guestMeminfo(m: ProxmoxModel, g: Guest, t: number): GuestMeminfo {
  const memTotal = Math.floor(g.maxmem / 1024) - RESERVED_KB;
  const hostKb = Math.round(guestUsage(m, g, t).mem / 1024);
  const usedKb = Math.round(hostKb * 0.6);
  const cached = hostKb - usedKb;
  const memAvailable = Math.max(0, memTotal - usedKb);
  return { memTotal, memFree: Math.max(0, memAvailable - cached), memAvailable, cached };
}

/** MemAvailable in bytes, as a collector reading /proc/meminfo through the agent gets it. */
export function guestMemAvailable(m: ProxmoxModel, g: Guest, t: number): number {
  return guestMeminfo(m, g, t).memAvailable * 1024;
}

export interface NodeUsage {
  cpu: number;
  mem: number;
  swap: number;
  uptime: number;
  loadavg: [string, string, string];
  wait: number;
}

export function nodeUsage(m: ProxmoxModel, n: PveNode, t: number): NodeUsage {
  const step = Math.floor(t / STEP);
  const cpu = round4(Math.min(1, n.load * (0.5 + noise(m.seed, `ncpu:${n.name}`, step))));
  const running = m.pve.guests.filter((g) => g.node === n.name && g.status === 'running');
  const guestMem = running.reduce((sum, g) => sum + guestUsage(m, g, t).mem, 0);
  const mem = Math.min(n.maxmem - 1024 ** 3, 3 * 1024 ** 3 + guestMem);
  const load = (f: number) => (cpu * n.maxcpu * f).toFixed(2);
  return {
    cpu,
    mem,
    swap: Math.round(n.swapTotal * 0.02 * noise(m.seed, `swap:${n.name}`, step)),
    uptime: Math.max(0, t - n.bootTime),
    loadavg: [load(1), load(0.9), load(0.8)],
    wait: round4(0.01 * noise(m.seed, `wait:${n.name}`, step)),
  };
}

/** One hour of PMG mail traffic starting at hourStart (unix seconds, a multiple of 3600). */
export function mailHour(m: ProxmoxModel, hourStart: number) {
  const r = (k: string) => noise(m.seed, `mail:${k}`, hourStart);
  const countIn = Math.round(m.pmg.hourlyIn * (0.5 + r('in')));
  const countOut = Math.round(countIn * 0.4 * (0.5 + r('out')));
  const spamIn = Math.round(countIn * 0.3 * r('spam'));
  const virusIn = Math.round(countIn * 0.005 * r('virus') * 2);
  return {
    count_in: countIn,
    count_out: countOut,
    spamcount_in: spamIn,
    spamcount_out: 0,
    viruscount_in: virusIn,
    viruscount_out: 0,
    bounces_in: Math.round(countIn * 0.02),
    bounces_out: Math.round(countOut * 0.01),
    rbl_rejects: Math.round(countIn * 0.1 * r('rbl')),
    pregreet_rejects: Math.round(countIn * 0.02 * r('pregreet')),
    glcount: Math.round(countIn * 0.05 * r('grey')),
    spfcount: Math.round(countIn * 0.01 * r('spf')),
    bytes_in: countIn * 48_000,
    bytes_out: countOut * 31_000,
    ptime: 0.4 + r('ptime'),
  };
}
