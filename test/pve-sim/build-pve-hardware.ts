// Seeded physical disks per PVE node: NVMe, SATA SSD and a spinning disk (failing SMART on node 2).
import { hex8 } from './clock.ts';
import type { Disk } from './model.ts';

export function nodeDisks(node: string, n: number, rand: () => number): Disk[] {
  const serial = (p: string) => `${p}${hex8(Math.floor(rand() * 0xffffffff))}`;
  return [
    {
      node,
      devpath: '/dev/nvme0n1',
      model: 'SIM NVMe 990',
      vendor: 'unknown',
      serial: serial('S7KN'),
      wwn: `eui.${hex8(n)}00000001`,
      size: 1_000_204_886_016,
      health: 'PASSED',
      wearout: 97 - (n % 5),
      type: 'nvme',
      rpm: 0,
      used: 'LVM',
      gpt: true,
    },
    {
      node,
      devpath: '/dev/sda',
      model: 'SIMSSD 870 2TB',
      vendor: 'ATA',
      serial: serial('SSD'),
      wwn: `0x5002538f${hex8(n)}`,
      size: 2_000_398_934_016,
      health: 'PASSED',
      wearout: 88,
      type: 'ssd',
      rpm: 0,
      used: 'ZFS',
      gpt: true,
    },
    {
      node,
      devpath: '/dev/sdb',
      model: 'SIM HDD 8TB',
      vendor: 'ATA',
      serial: serial('ZR'),
      wwn: `0x5000c500${hex8(n)}`,
      size: 8_001_563_222_016,
      health: n === 2 ? 'FAILED' : 'PASSED',
      wearout: 'N/A',
      type: 'hdd',
      rpm: 7200,
      used: n === 2 ? 'partitions' : 'ceph osd',
      gpt: true,
    },
  ];
}
