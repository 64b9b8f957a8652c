import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures/fixture.ts';
import { blockIoTotals, networkTotals } from './io.ts';
import { obj, type View } from './json.ts';

const stats = (name: string) => obj<View<'networks' | 'blkio_stats'>>(fixture(name));

describe('networkTotals', () => {
  it('sums rx and tx over every interface', () => {
    expect(networkTotals(stats('docker-v1-stats.json')?.networks)).toEqual({
      rxBytes: 123456789 + 1000,
      txBytes: 98765432 + 2000,
    });
    expect(networkTotals(stats('podman-stats.json')?.networks)).toEqual({ rxBytes: 5000, txBytes: 7000 });
  });

  it('is undefined when dockerd sends no networks (--network none, host networking)', () => {
    expect(networkTotals(stats('docker-v2-stats.json')?.networks)).toBeUndefined();
    expect(networkTotals(null)).toBeUndefined();
    expect(networkTotals({ eth0: { rx_packets: 3 } })).toBeUndefined();
  });
});

describe('blockIoTotals', () => {
  it('cgroup v1: sums Read and Write over devices, ignoring Sync/Async/Total that count the same bytes', () => {
    expect(blockIoTotals(stats('docker-v1-stats.json')?.blkio_stats)).toEqual({
      readBytes: 1048576 + 524288,
      writeBytes: 4096 + 8192,
    });
  });

  it('cgroup v2 and Podman: lowercase read/write, with the other lists null', () => {
    expect(blockIoTotals(stats('docker-v2-stats.json')?.blkio_stats)).toEqual({
      readBytes: 7340032,
      writeBytes: 65536,
    });
    expect(blockIoTotals(stats('podman-stats.json')?.blkio_stats)).toEqual({
      readBytes: 2097152,
      writeBytes: 12288,
    });
  });

  it('is undefined for a null list (stopped container) and zero for an empty one (no I/O yet)', () => {
    expect(blockIoTotals(stats('docker-stats-stopped.json')?.blkio_stats)).toBeUndefined();
    expect(blockIoTotals(undefined)).toBeUndefined();
    expect(blockIoTotals({ io_service_bytes_recursive: [] })).toEqual({ readBytes: 0, writeBytes: 0 });
  });
});
