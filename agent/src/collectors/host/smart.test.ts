import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSmartctlJson, parseSmartctlScan, readSmart } from './smart.ts';
import type { ToolResult } from './tools.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseSmartctlJson', () => {
  it('reads a SATA disk: identity, lsblk-style WWN, health and the ATA attribute raws', () => {
    expect(parseSmartctlJson(fixture('smartctl-sata.json'), '/dev/sda')).toEqual({
      device: '/dev/sda',
      model: 'WDC WD40EFRX-68N32N0',
      serial: 'WD-WCC7K4RT2NX9',
      wwn: '0x50014ee5363dd0fd',
      type: 'sata',
      sizeBytes: 4000787030016,
      temperature: 34,
      health: 'PASSED',
      attributes: {
        powerOnHours: 31877,
        powerCycles: 97,
        reallocatedSectors: 8,
        pendingSectors: 1,
        offlineUncorrectable: 0,
        udmaCrcErrors: 3,
      },
    });
  });

  it('reads an NVMe disk from its health information log', () => {
    expect(parseSmartctlJson(fixture('smartctl-nvme.json'), '/dev/nvme0')).toEqual({
      device: '/dev/nvme0',
      model: 'Samsung SSD 980 PRO 1TB',
      serial: 'S5GXNX0T812345K',
      type: 'nvme',
      sizeBytes: 1000204886016,
      temperature: 41,
      health: 'PASSED',
      attributes: {
        powerOnHours: 9431,
        powerCycles: 312,
        percentageUsed: 3,
        availableSpare: 100,
        mediaErrors: 0,
        unsafeShutdowns: 27,
      },
    });
  });

  it('reports a disk in standby as sleeping and nothing else', () => {
    expect(parseSmartctlJson(fixture('smartctl-standby.json'), '/dev/sdc')).toEqual({
      device: '/dev/sdc',
      standby: true,
      temperature: 0,
    });
  });

  it('reports a failing disk as FAILED and a missing status as UNKNOWN', () => {
    const failing = JSON.stringify({
      model_name: 'X',
      smart_status: { passed: false },
      temperature: { current: 51.6 },
    });
    expect(parseSmartctlJson(failing, '/dev/sdx')).toEqual({
      device: '/dev/sdx',
      model: 'X',
      temperature: 52,
      health: 'FAILED',
    });
    expect(parseSmartctlJson(JSON.stringify({ serial_number: 'S1' }), '/dev/sdy')).toEqual({
      device: '/dev/sdy',
      serial: 'S1',
      temperature: 0,
      health: 'UNKNOWN',
    });
  });

  it('gives undefined for output that names no disk, or is not smartctl JSON', () => {
    const openFailed = JSON.stringify({
      smartctl: {
        messages: [{ string: 'Smartctl open device: /dev/sdz failed: No such device', severity: 'error' }],
        exit_status: 2,
      },
    });
    expect(parseSmartctlJson(openFailed, '/dev/sdz')).toBeUndefined();
    expect(parseSmartctlJson('', '/dev/sda')).toBeUndefined();
    expect(parseSmartctlJson('smartctl 7.4 2023-08-01 r5530', '/dev/sda')).toBeUndefined();
    expect(parseSmartctlJson('null', '/dev/sda')).toBeUndefined();
  });
});

describe('parseSmartctlScan', () => {
  it('lists each scanned device path once', () => {
    expect(parseSmartctlScan(fixture('smartctl-scan.txt'))).toEqual([
      '/dev/sda',
      '/dev/sdb',
      '/dev/sdc',
      '/dev/sdd',
      '/dev/nvme0',
      '/dev/nvme1',
    ]);
    expect(parseSmartctlScan('/dev/bus/0 -d megaraid,0 # x\n/dev/bus/0 -d megaraid,1 # y\n')).toEqual([
      '/dev/bus/0',
    ]);
  });

  it('gives an empty list for empty or unrelated output', () => {
    expect(parseSmartctlScan('')).toEqual([]);
    expect(parseSmartctlScan('# no devices\nsmartctl: command not found\n')).toEqual([]);
  });
});

describe('readSmart', () => {
  it('queries each scanned disk not excluded, sleeping ones included', async () => {
    const calls: string[][] = [];
    const outputs: Record<string, string> = {
      '/dev/sda': fixture('smartctl-sata.json'),
      '/dev/sdc': fixture('smartctl-standby.json'),
    };
    const run = async (_cmd: string, args: readonly string[]): Promise<ToolResult> => {
      calls.push([...args]);
      if (args[0] === '--scan')
        return { ok: true, stdout: '/dev/sda -d sat\n/dev/sdc -d sat\n/dev/nvme0 -d nvme\n', code: 0 };
      const device = args.at(-1) ?? '';
      return { ok: true, stdout: outputs[device] ?? '', code: device === '/dev/sdc' ? 2 : 0 };
    };
    const { value, reason } = await readSmart(['nvme*'], run);
    expect(reason).toBeUndefined();
    expect(value.map((d) => [d.device, d.standby ?? false])).toEqual([
      ['/dev/sda', false],
      ['/dev/sdc', true],
    ]);
    expect(calls).toEqual([
      ['--scan'],
      ['-n', 'standby', '-i', '-A', '-H', '--json=o', '/dev/sda'],
      ['-n', 'standby', '-i', '-A', '-H', '--json=o', '/dev/sdc'],
    ]);
  });

  it('says why when smartctl is missing', async () => {
    const run = async (): Promise<ToolResult> => ({
      ok: false,
      reason: 'missing',
      detail: 'smartctl not found',
    });
    expect(await readSmart([], run)).toEqual({ value: [], reason: 'smartctl not found' });
  });
});
