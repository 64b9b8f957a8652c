import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures/fixture.ts';
import { obj, type View } from './json.ts';
import { containerMemory } from './memory.ts';

const memoryStats = (name: string) => obj<View<'memory_stats'>>(fixture(name))?.memory_stats;
const HOST = 16 * 1024 ** 3;

describe('containerMemory', () => {
  it('cgroup v1: usage minus total_cache, and an unlimited container measured against host memory', () => {
    // 200 MiB used, 50 MiB of it hierarchical page cache; the v1 "no limit" value is 2^63 - 4096.
    expect(containerMemory(memoryStats('docker-v1-stats.json'), HOST)).toEqual({
      usageBytes: 150 * 1024 ** 2,
      limitBytes: HOST,
      percent: ((150 * 1024 ** 2) / HOST) * 100,
    });
  });

  it('cgroup v1 without total_cache (older daemons): usage minus cache', () => {
    const m = { usage: 1000, limit: 4000, stats: { cache: 200 } };
    expect(containerMemory(m, HOST)).toEqual({ usageBytes: 800, limitBytes: 4000, percent: 20 });
  });

  it('cgroup v2: usage minus inactive_file, against the cgroup limit', () => {
    // 100 MiB used, 28 MiB inactive file cache, limit 512 MiB.
    expect(containerMemory(memoryStats('docker-v2-stats.json'), HOST)).toEqual({
      usageBytes: 72 * 1024 ** 2,
      limitBytes: 512 * 1024 ** 2,
      percent: (72 / 512) * 100,
    });
  });

  it('Podman (no stats object): the usage as the cgroup counts it', () => {
    expect(containerMemory(memoryStats('podman-stats.json'), HOST)).toEqual({
      usageBytes: 50 * 1024 ** 2,
      limitBytes: 128 * 1024 ** 2,
      percent: (50 / 128) * 100,
    });
  });

  it('a limit of 0, or above host memory, or cgroup v2 "max" is the host memory', () => {
    for (const limit of [0, HOST * 2, 2 ** 64 - 1]) {
      expect(containerMemory({ usage: HOST / 4, limit }, HOST)).toEqual({
        usageBytes: HOST / 4,
        limitBytes: HOST,
        percent: 25,
      });
    }
  });

  it('no limit and no host total: the percent is unknown, not 0', () => {
    expect(containerMemory({ usage: 10, limit: 2 ** 63 }, undefined)).toEqual({
      usageBytes: 10,
      limitBytes: 0,
    });
  });

  it('keeps the raw usage when the cache reads larger than it (counters read at different moments)', () => {
    expect(containerMemory({ usage: 10, limit: 100, stats: { inactive_file: 20 } }, HOST)?.usageBytes).toBe(
      10,
    );
  });

  it("is undefined without a usage: dockerd's empty memory_stats for a stopped container", () => {
    expect(containerMemory(memoryStats('docker-stats-stopped.json'), HOST)).toBeUndefined();
    expect(containerMemory(undefined, HOST)).toBeUndefined();
  });
});
