import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import type { networkInterfaces } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type IdentitySources, machineId, macMachineId, resolveAgentId } from './identity.ts';

type Ifaces = ReturnType<typeof networkInterfaces>;
const iface = (mac: string, internal = false) => ({
  address: '10.0.0.2',
  netmask: '255.255.255.0',
  family: 'IPv4' as const,
  mac,
  internal,
  cidr: '10.0.0.2/24',
});

function sources(files: Record<string, string>, ifaces: Ifaces = {}, uuid?: string): IdentitySources {
  return { readFile: (p) => files[p], interfaces: () => ifaces, osUuid: async () => uuid };
}

describe('machine id', () => {
  it('prefers /etc/machine-id, in UUID form', async () => {
    const id = await machineId(sources({ '/etc/machine-id': '0123456789ABCDEF0123456789abcdef\n' }));
    expect(id).toBe('01234567-89ab-cdef-0123-456789abcdef');
  });

  it('falls back to the first non-virtual MAC by interface name, then to the OS UUID', async () => {
    const ifaces: Ifaces = {
      docker0: [iface('02:42:ac:11:00:01')],
      veth12: [iface('aa:aa:aa:aa:aa:aa')],
      lo: [iface('00:00:00:00:00:00', true)],
      eth1: [iface('52:54:00:BB:00:02')],
      eth0: [iface('52:54:00:aa:00:01')],
    };
    expect(await machineId(sources({ '/etc/machine-id': 'short' }, ifaces))).toBe('mac-525400aa0001');
    expect(macMachineId({ docker0: [iface('02:42:ac:11:00:01')] })).toBeUndefined();
    expect(await machineId(sources({}, {}, '4C4C4544-0042-3510-8052-B4C04F4E4E32'))).toBe(
      '4C4C4544-0042-3510-8052-B4C04F4E4E32',
    );
    expect(await machineId(sources({}))).toBeUndefined();
  });
});

describe('agent id', () => {
  it('takes --agent-id, else the file, else the machine id, else the hostname, and writes it 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-id-'));
    const file = join(dir, 'sub', 'agent-id');
    expect(resolveAgentId({ flag: undefined, file, machineId: undefined, hostname: 'box' })).toBe('box');
    expect(readFileSync(file, 'utf8')).toBe('box\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The file now wins over a machine id that appears later...
    expect(resolveAgentId({ flag: undefined, file, machineId: 'mid-1234', hostname: 'box' })).toBe('box');
    // ...and the flag wins over the file.
    expect(resolveAgentId({ flag: 'forced', file, machineId: 'mid-1234', hostname: 'box' })).toBe('forced');
    expect(readFileSync(file, 'utf8')).toBe('forced\n');
  });
});
