import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArcSize, parseMeminfo, readMemory } from './memory.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const kib = (n: number) => n * 1024;

describe('parseMeminfo', () => {
  it('uses MemAvailable on a 5.15 kernel', () => {
    expect(parseMeminfo(fixture('meminfo-5.15'))).toEqual({
      totalBytes: kib(16303412),
      usedBytes: kib(16303412 - 9876544),
      freeBytes: kib(1234568),
      cacheBytes: kib(9876544 - 1234568),
      usage: ((16303412 - 9876544) / 16303412) * 100,
      swapTotalBytes: kib(2097148),
      swapUsedBytes: kib(2097148 - 1835004),
    });
  });

  it('estimates available as free + buffers + cached on a 2.6.32 kernel without MemAvailable', () => {
    const available = 312448 + 201116 + 2318792;
    expect(parseMeminfo(fixture('meminfo-2.6.32'))).toEqual({
      totalBytes: kib(4045084),
      usedBytes: kib(4045084 - available),
      freeBytes: kib(312448),
      cacheBytes: kib(available - 312448),
      usage: ((4045084 - available) / 4045084) * 100,
      swapTotalBytes: kib(6160376),
      swapUsedBytes: 0,
    });
  });

  it('moves the ZFS ARC from used to cache and keeps used + cache + free = total', () => {
    const arc = 32212254720; // `size` row of the arcstats fixture, 31457280 kB
    const usedBeforeArc = kib(65758652 - 14567432);
    const m = parseMeminfo(fixture('meminfo-zfs'), fixture('arcstats'));
    expect(m).toEqual({
      totalBytes: kib(65758652),
      usedBytes: usedBeforeArc - arc,
      freeBytes: kib(10234876),
      cacheBytes: kib(14567432 - 10234876) + arc,
      usage: ((65758652 - 14567432 - 31457280) / 65758652) * 100,
      swapTotalBytes: 0,
      swapUsedBytes: 0,
    });
    expect((m.usedBytes ?? 0) + (m.cacheBytes ?? 0) + (m.freeBytes ?? 0)).toBe(m.totalBytes);
  });

  it('does not take used below zero when the ARC is larger than used', () => {
    const text = 'MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 400 kB\n';
    const arcstats = 'name type data\nc 4 999999\nsize 4 1024000\n';
    expect(parseMeminfo(text, arcstats)).toEqual({
      totalBytes: kib(1000),
      usedBytes: 0,
      freeBytes: kib(100),
      cacheBytes: kib(300 + 600),
      usage: 0,
    });
  });

  it('ignores arcstats without a size row', () => {
    const m = parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 400 kB\n', 'name type data\n');
    expect(m.usedBytes).toBe(kib(600));
  });

  it('gives an empty metric for empty or garbled text', () => {
    expect(parseMeminfo('')).toEqual({});
    expect(parseMeminfo('MemTotal: lots\nMemFree: 3 kB\n')).toEqual({});
    expect(parseMeminfo('MemTotal: 0 kB\n')).toEqual({});
  });
});

describe('parseArcSize', () => {
  it('reads the type-4 size row', () => {
    expect(parseArcSize(fixture('arcstats'))).toBe(32212254720);
    expect(parseArcSize('garbage')).toBeUndefined();
  });
});

describe('readMemory', () => {
  it('reads this machine, or nothing where /proc is missing', () => {
    expect(readMemory('/nonexistent/meminfo')).toBeUndefined();
    const own = readMemory('/proc/meminfo', '/nonexistent/arcstats');
    if (own !== undefined) expect(own.totalBytes).toBeGreaterThan(0);
  });
});
