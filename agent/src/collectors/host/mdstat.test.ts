import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMdstat, readMdstat } from './mdstat.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseMdstat', () => {
  it('reads a degraded raid5 in recovery and a healthy raid1', () => {
    expect(parseMdstat(fixture('mdstat'))).toEqual([
      {
        device: '/dev/md1',
        name: 'md1',
        level: 'raid5',
        state: 'recovering',
        totalDevices: 6,
        activeDevices: 3,
        workingDevices: 5,
        failedDevices: 1,
        spareDevices: 1,
        devices: [
          { device: '/dev/sdc1', state: 'active', slot: 1 },
          { device: '/dev/sdd1', state: 'active', slot: 2 },
          { device: '/dev/sde1', state: 'active', slot: 3 },
          // Hot-added as index 4 into a 4-disk array while slot 0 is missing: the disk being rebuilt.
          { device: '/dev/sdf1', state: 'rebuilding', slot: 0 },
          { device: '/dev/sdg1', state: 'spare', slot: -1 },
          { device: '/dev/sdb1', state: 'faulty', slot: -1 },
        ],
        rebuildPercent: 12.6,
        rebuildSpeed: '151790K/sec',
        operation: 'recovery',
      },
      {
        device: '/dev/md0',
        name: 'md0',
        level: 'raid1',
        state: 'clean',
        totalDevices: 2,
        activeDevices: 2,
        workingDevices: 2,
        failedDevices: 0,
        spareDevices: 0,
        devices: [
          { device: '/dev/nvme0n1p2', state: 'active', slot: 0 },
          { device: '/dev/nvme1n1p2', state: 'active', slot: 1 },
        ],
        rebuildPercent: 0,
      },
    ]);
  });

  it('reads a degraded mirror with no rebuild running', () => {
    const text =
      'md0 : active raid1 sda1[0]\n      1046528 blocks super 1.2 [2/1] [U_]\n\nunused devices: <none>\n';
    expect(parseMdstat(text)[0]).toMatchObject({
      state: 'degraded',
      totalDevices: 1,
      activeDevices: 1,
      devices: [{ device: '/dev/sda1', state: 'active', slot: 0 }],
    });
  });

  it('reads a scrub on a read-only array and a delayed resync', () => {
    const text = [
      'md2 : active (auto-read-only) raid6 sdd[3] sdc[2] sdb[1] sda[0]',
      '      3906764800 blocks super 1.2 level 6, 512k chunk, algorithm 2 [4/4] [UUUU]',
      '      [=========>...........]  check = 47.1% (920123456/1953382400) finish=92.4min speed=186324K/sec',
      '',
      'md3 : active raid10 sdh[3] sdg[2] sdf[1] sde[0]',
      '      1953260544 blocks super 1.2 512K chunks 2 near-copies [4/4] [UUUU]',
      '      \tresync=DELAYED',
      '',
    ].join('\n');
    const [md2, md3] = parseMdstat(text);
    expect(md2).toMatchObject({
      level: 'raid6',
      state: 'checking',
      operation: 'check',
      rebuildPercent: 47.1,
    });
    expect(md2?.rebuildSpeed).toBe('186324K/sec');
    expect(md3).toMatchObject({
      level: 'raid10',
      state: 'resyncing',
      operation: 'resync',
      rebuildPercent: 0,
    });
  });

  it('reads an inactive array whose members are all spares', () => {
    expect(parseMdstat('md127 : inactive sdb[0](S) sdc[1](S)\n      7813774000 blocks super 1.2\n')).toEqual([
      {
        device: '/dev/md127',
        name: 'md127',
        level: 'unknown',
        state: 'inactive',
        totalDevices: 2,
        activeDevices: 0,
        workingDevices: 2,
        failedDevices: 0,
        spareDevices: 2,
        devices: [
          { device: '/dev/sdb', state: 'spare', slot: -1 },
          { device: '/dev/sdc', state: 'spare', slot: -1 },
        ],
        rebuildPercent: 0,
      },
    ]);
  });

  it('gives an empty list for no arrays, empty or garbled text', () => {
    expect(parseMdstat('Personalities : \nunused devices: <none>\n')).toEqual([]);
    expect(parseMdstat('')).toEqual([]);
    expect(parseMdstat('md9 : ??? what\n')).toEqual([]);
  });
});

describe('readMdstat', () => {
  it('gives an empty list where the md driver is not loaded', () => {
    expect(readMdstat('/nonexistent/mdstat')).toEqual([]);
  });
});
