import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBlockDevices, parseDiskstats, readDiskIO } from './diskio.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

// What /sys/block lists on the machine the 5.15 fixture was recorded on.
const sysBlock515 = new Set([
  'loop0',
  'loop1',
  'loop2',
  'nvme0n1',
  'sda',
  'sdb',
  'sr0',
  'dm-0',
  'dm-1',
  'md0',
  'zd0',
  'zram0',
]);

describe('parseDiskstats', () => {
  it('keeps whole physical devices of a 5.15 kernel, sorted, with sectors as bytes', () => {
    expect(parseDiskstats(fixture('diskstats-5.15'), sysBlock515, [])).toEqual([
      {
        device: 'md0',
        readBytes: 415467822 * 512,
        writeBytes: 123456789 * 512,
        readOps: 834123,
        writeOps: 410579,
        readTimeMs: 0,
        writeTimeMs: 0,
        ioTimeMs: 0,
      },
      {
        device: 'nvme0n1',
        readBytes: 98234112 * 512,
        writeBytes: 312834112 * 512,
        readOps: 1834521,
        writeOps: 9823412,
        readTimeMs: 412345,
        writeTimeMs: 8234123,
        ioTimeMs: 3123456,
      },
      {
        device: 'sda',
        readBytes: 412345678 * 512,
        writeBytes: 123456789 * 512,
        readOps: 812345,
        writeOps: 312456,
        readTimeMs: 1234567,
        writeTimeMs: 2345678,
        ioTimeMs: 987654,
      },
      {
        device: 'sdb',
        readBytes: 3123456 * 512,
        writeBytes: 0,
        readOps: 23456,
        writeOps: 0,
        readTimeMs: 45678,
        writeTimeMs: 0,
        ioTimeMs: 34567,
      },
    ]);
  });

  it('reads the 14-field lines of a 3.10 kernel', () => {
    const devices = parseDiskstats(fixture('diskstats-3.10'), new Set(['sda', 'sdb', 'dm-0', 'sr0']), []);
    expect(devices).toEqual([
      {
        device: 'sda',
        readBytes: 198234112 * 512,
        writeBytes: 91234112 * 512,
        readOps: 4123412,
        writeOps: 2823412,
        readTimeMs: 3123412,
        writeTimeMs: 41234123,
        ioTimeMs: 4123123,
      },
      {
        device: 'sdb',
        readBytes: 7296 * 512,
        writeBytes: 0,
        readOps: 912,
        writeOps: 0,
        readTimeMs: 123,
        writeTimeMs: 0,
        ioTimeMs: 123,
      },
    ]);
  });

  it('honours excluded device patterns', () => {
    const names = parseDiskstats(fixture('diskstats-5.15'), sysBlock515, ['nvme*', '/dev/sdb']).map(
      (d) => d.device,
    );
    expect(names).toEqual(['md0', 'sda']);
  });

  it('gives an empty list for empty or garbled text, or when /sys/block listed nothing', () => {
    expect(parseDiskstats('', sysBlock515, [])).toEqual([]);
    expect(parseDiskstats('8 0 sda 1 2 3\nnot diskstats at all\n', sysBlock515, [])).toEqual([]);
    expect(parseDiskstats('8 0 sda x 0 0 0 0 0 0 0 0 0 0\n', sysBlock515, [])).toEqual([]);
    expect(parseDiskstats(fixture('diskstats-5.15'), new Set(), [])).toEqual([]);
  });
});

describe('listBlockDevices', () => {
  it('gives an empty set for a directory that does not exist', () => {
    expect(listBlockDevices('/nonexistent/sys/block')).toEqual(new Set());
  });

  it('reads this machine without throwing', () => {
    expect(listBlockDevices()).toBeInstanceOf(Set);
    expect(Array.isArray(readDiskIO([]))).toBe(true);
  });
});
