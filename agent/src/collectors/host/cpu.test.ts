import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CpuTimes, cpuUsagePercent, parseProcStat, readCpuTimes } from './cpu.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function times(over: Partial<CpuTimes>): CpuTimes {
  return {
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
    cpuCount: 1,
    ...over,
  };
}

describe('parseProcStat', () => {
  it('reads the ten aggregate columns of a 4.19 kernel and counts the cpuN lines', () => {
    expect(parseProcStat(fixture('proc-stat-4.19'))).toEqual({
      user: 1000000,
      nice: 2000,
      system: 300000,
      idle: 8000000,
      iowait: 50000,
      irq: 0,
      softirq: 12000,
      steal: 3000,
      guest: 400000,
      guestNice: 1000,
      cpuCount: 4,
    });
  });

  it('reads the eight columns of a 2.6 kernel, the missing guest columns as 0', () => {
    expect(parseProcStat(fixture('proc-stat-2.6'))).toEqual({
      user: 52341,
      nice: 120,
      system: 18234,
      idle: 4231987,
      iowait: 9123,
      irq: 311,
      softirq: 1402,
      steal: 0,
      guest: 0,
      guestNice: 0,
      cpuCount: 2,
    });
  });

  it('reads a 6.x kernel sample recorded on a two-CPU VM', () => {
    expect(parseProcStat(fixture('proc-stat-6.18'))).toMatchObject({
      user: 31707,
      idle: 142723,
      cpuCount: 2,
    });
  });

  it('gives undefined, not zeros, for empty or garbled text', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('cpu  12 abc 3 4\n')).toBeUndefined();
    expect(parseProcStat('cpu  12 3\ncpu0 12 3\n')).toBeUndefined();
    expect(parseProcStat('intr 1 2 3\nctxt 4\n')).toBeUndefined();
  });
});

describe('cpuUsagePercent', () => {
  it('is the busy share of the delta between two recorded samples', () => {
    const prev = parseProcStat(fixture('proc-stat-4.19'));
    const cur = parseProcStat(fixture('proc-stat-4.19-later'));
    if (prev === undefined || cur === undefined) throw new Error('fixture did not parse');
    // Deltas: user 600 (guest 200 already inside it), nice 10 (guest_nice 10 inside it), system 200,
    // softirq 40, steal 50 → busy 900; idle 3000 + iowait 100 = 3100; total 4000 → 22.5 %.
    expect(cpuUsagePercent(prev, cur)).toBe(22.5);
  });

  it('counts iowait as idle', () => {
    expect(cpuUsagePercent(times({}), times({ user: 25, iowait: 75 }))).toBe(25);
  });

  it('counts guest time once, inside user', () => {
    expect(cpuUsagePercent(times({}), times({ user: 50, guest: 50, idle: 50 }))).toBe(50);
  });

  it('is undefined when no time passed', () => {
    const t = times({ user: 10, idle: 90 });
    expect(cpuUsagePercent(t, t)).toBeUndefined();
  });

  it('is undefined when a counter went backwards (reboot, VM restore)', () => {
    expect(cpuUsagePercent(times({ user: 500, idle: 500 }), times({ user: 100, idle: 900 }))).toBeUndefined();
    expect(cpuUsagePercent(times({ user: 10, idle: 500 }), times({ user: 20, idle: 400 }))).toBeUndefined();
  });

  it('tolerates iowait alone dipping, which the kernel documents as normal', () => {
    expect(cpuUsagePercent(times({ idle: 100, iowait: 50 }), times({ user: 50, idle: 200, iowait: 0 }))).toBe(
      50,
    );
  });

  it('stays within 0–100', () => {
    expect(cpuUsagePercent(times({}), times({ user: 100 }))).toBe(100);
    expect(cpuUsagePercent(times({}), times({ idle: 100 }))).toBe(0);
  });
});

describe('readCpuTimes', () => {
  it('gives undefined for a file that does not exist', () => {
    expect(readCpuTimes('/nonexistent/proc/stat')).toBeUndefined();
  });
});
