import { describe, expect, it } from 'vitest';
import { candidateNames, matchesAny, matchesPattern } from './device-patterns.ts';

describe('matchesPattern', () => {
  it('treats a trailing star as prefix, stars on both ends as substring, a leading star as suffix', () => {
    expect(matchesPattern('nvme*', 'nvme0n1')).toBe(true);
    expect(matchesPattern('nvme*', 'sda')).toBe(false);
    expect(matchesPattern('*cache*', '/mnt/cache/x')).toBe(true);
    expect(matchesPattern('*-backup', '/mnt/usb-backup')).toBe(true);
    expect(matchesPattern('*-backup', '/mnt/usb-backup2')).toBe(false);
  });

  it('matches plain patterns exactly', () => {
    expect(matchesPattern('sda', 'sda')).toBe(true);
    expect(matchesPattern('sda', 'sda1')).toBe(false);
    expect(matchesPattern(' sda ', 'sda')).toBe(true);
    expect(matchesPattern('', '')).toBe(false);
  });
});

describe('candidateNames', () => {
  it('names a device with and without /dev/, and by its last component', () => {
    expect(candidateNames('/dev/sda1', '/data')).toEqual(['/dev/sda1', 'sda1', '/data']);
    expect(candidateNames('/dev/mapper/vg0-data')).toEqual([
      '/dev/mapper/vg0-data',
      'mapper/vg0-data',
      'vg0-data',
    ]);
    expect(candidateNames('nvme0n1')).toEqual(['nvme0n1', '/dev/nvme0n1']);
  });
});

describe('matchesAny', () => {
  it('matches any pattern against any name', () => {
    expect(matchesAny(['/dev/sdb*'], 'sdb')).toBe(true);
    expect(matchesAny(['/mnt/backup'], '/dev/sdc1', '/mnt/backup')).toBe(true);
    expect(matchesAny([], '/dev/sdc1', '/mnt/backup')).toBe(false);
  });
});
