import { readFileSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { networkInterfaces, parseNetDev, parseSpeedMbps, readNetwork, readSpeedMbps } from './network.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const osIfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = JSON.parse(fixture('os-network-interfaces.json'));

describe('parseNetDev', () => {
  it('reads receive and transmit bytes of every interface', () => {
    expect(parseNetDev(fixture('net-dev'))).toEqual(
      new Map([
        ['lo', { rxBytes: 81234567123, txBytes: 81234567123 }],
        ['enp3s0', { rxBytes: 9123456789012, txBytes: 1234567890123 }],
        ['enp4s0', { rxBytes: 0, txBytes: 0 }],
        ['docker0', { rxBytes: 412345678, txBytes: 9123456789 }],
        ['veth3a9c1f2', { rxBytes: 412387654, txBytes: 9123487654 }],
        ['wg0', { rxBytes: 51234567, txBytes: 98123456 }],
      ]),
    );
  });

  it('reads the old format without a space after the colon', () => {
    expect(parseNetDev('  eth0:1234 5 0 0 0 0 0 0 5678 6 0 0 0 0 0 0\n').get('eth0')).toEqual({
      rxBytes: 1234,
      txBytes: 5678,
    });
  });

  it('gives an empty map for empty or garbled text', () => {
    expect(parseNetDev('')).toEqual(new Map());
    expect(parseNetDev('eth0: 1 2 3\nwlan0: x 0 0 0 0 0 0 0 y 0\n')).toEqual(new Map());
  });
});

describe('networkInterfaces', () => {
  const speeds: Record<string, number> = { enp3s0: 2500 };

  it('lists addressed, non-loopback interfaces with counters, sorted by name', () => {
    expect(networkInterfaces(parseNetDev(fixture('net-dev')), osIfaces, (name) => speeds[name])).toEqual([
      {
        name: 'docker0',
        mac: '02:42:5c:1d:9a:7e',
        addresses: ['172.17.0.1/16'],
        rxBytes: 412345678,
        txBytes: 9123456789,
      },
      {
        name: 'enp3s0',
        mac: 'a8:a1:59:3c:7e:02',
        addresses: ['192.168.1.20/24', '2001:db8:1:0:aaa1:59ff:fe3c:7e02/64', 'fe80::aaa1:59ff:fe3c:7e02/64'],
        rxBytes: 9123456789012,
        txBytes: 1234567890123,
        speedMbps: 2500,
      },
      { name: 'tun9', addresses: ['10.9.0.1/32'] },
      {
        name: 'veth3a9c1f2',
        mac: 'ca:e2:4f:61:b3:a0',
        addresses: ['fe80::c8e2:4fff:fe61:b3a0/64'],
        rxBytes: 412387654,
        txBytes: 9123487654,
      },
      { name: 'wg0', addresses: ['10.8.0.1/24'], rxBytes: 51234567, txBytes: 98123456 },
    ]);
  });

  it('leaves out internal interfaces and addresses without a valid netmask', () => {
    const info: NetworkInterfaceInfo = {
      address: '10.0.0.5',
      netmask: '255.0.255.0',
      family: 'IPv4',
      mac: '52:54:00:12:34:56',
      internal: false,
      cidr: null,
    };
    const internal: NetworkInterfaceInfo = { ...info, cidr: '10.0.0.5/8', internal: true };
    expect(networkInterfaces(new Map(), { eth9: [info], lo0: [internal] }, () => undefined)).toEqual([]);
  });

  it('gives an empty list when there are no interfaces', () => {
    expect(networkInterfaces(new Map(), {}, () => undefined)).toEqual([]);
  });
});

describe('speed', () => {
  it('parses a positive link speed and rejects the -1 of a down or virtual link', () => {
    expect(parseSpeedMbps('1000\n')).toBe(1000);
    expect(parseSpeedMbps('-1\n')).toBeUndefined();
    expect(parseSpeedMbps('0\n')).toBeUndefined();
    expect(parseSpeedMbps('')).toBeUndefined();
  });

  it('does not read outside /sys/class/net', () => {
    expect(readSpeedMbps('../../../etc')).toBeUndefined();
    expect(readSpeedMbps('no-such-interface')).toBeUndefined();
  });
});

describe('readNetwork', () => {
  it('reads this machine without throwing and never lists loopback', () => {
    expect(readNetwork().map((i) => i.name)).not.toContain('lo');
  });
});
