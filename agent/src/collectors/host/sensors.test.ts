import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSensorsJson, readSensors, thermalZoneFallback } from './sensors.ts';
import type { ToolResult } from './tools.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseSensorsJson', () => {
  it('reads an AMD desktop: k10temp, NVMe, amdgpu, DDR5 and a Super I/O chip', () => {
    expect(parseSensorsJson(fixture('sensors-amd.json'))).toEqual({
      temperatureCelsius: {
        cpu_package: 52.125,
        cpu_ccd_1: 47.25,
        cpu_ccd_2: 45.5,
        nvme_0100_composite: 38.85,
        nvme_0100_sensor_1: 38.85,
        nvme_0100_sensor_2: 44.85,
        amdgpu_0300_edge: 44,
        amdgpu_0300_junction: 47,
        amdgpu_0300_mem: 52,
      },
      // The two fans reading 0 (amdgpu zero-RPM, empty header fan1) are not readings.
      fanRpm: { nct6799_0290_fan2: 1187, nct6799_0290_fan7: 842 },
      powerWatts: { amdgpu_0300_ppt: 11 },
      // AUXTIN0 (-62, no probe) and PCH_CHIP_TEMP (0) are left out.
      additional: { spd5118_0_51_temp1: 41.25, nct6799_0290_systin: 33, nct6799_0290_cputin: 41.5 },
    });
  });

  it('reads an Intel laptop: coretemp with four cores, ACPI zone, fan and battery power', () => {
    expect(parseSensorsJson(fixture('sensors-intel.json'))).toEqual({
      temperatureCelsius: { cpu_package: 48, cpu_core_0: 45, cpu_core_1: 47, cpu_core_2: 44, cpu_core_3: 46 },
      fanRpm: { thinkpad_0000_fan1: 2373 },
      powerWatts: { bat0_0_power1: 6.893 },
      additional: {
        acpitz_0_temp1: 27.8,
        thinkpad_0000_cpu: 48,
        pch_cannonlake_0_temp1: 43,
        iwlwifi_1_0_temp1: 39,
      },
    });
  });

  it('prefers Tdie over Tctl on parts that report both', () => {
    const text = JSON.stringify({
      'k10temp-pci-00c3': {
        Adapter: 'PCI adapter',
        Tdie: { temp2_input: 42.5 },
        Tctl: { temp1_input: 69.5 },
      },
    });
    expect(parseSensorsJson(text)).toEqual({ temperatureCelsius: { cpu_package: 42.5 } });
  });

  it('numbers the second socket of a dual-socket board', () => {
    const pkg = (n: number, t: number) => ({
      Adapter: 'ISA adapter',
      [`Package id ${n}`]: { temp1_input: t },
      'Core 0': { temp2_input: t - 2 },
    });
    const text = JSON.stringify({ 'coretemp-isa-0000': pkg(0, 50), 'coretemp-isa-0001': pkg(1, 60) });
    expect(parseSensorsJson(text)).toEqual({
      temperatureCelsius: { cpu_package: 50, cpu_core_0: 48, cpu_package_1: 60, cpu_1_core_0: 58 },
    });
  });

  it('gives an empty result for empty, truncated or unexpected output', () => {
    expect(parseSensorsJson('')).toEqual({});
    expect(parseSensorsJson('{"coretemp-isa-0000":{"Core 0":{"temp2_input": 4')).toEqual({});
    expect(parseSensorsJson('[1,2,3]')).toEqual({});
    expect(parseSensorsJson('{"chip":{"Adapter":"x","temp1":{"temp1_input":"hot"}}}')).toEqual({});
  });
});

describe('thermalZoneFallback', () => {
  it('converts millidegrees to a cpu_package reading', () => {
    const files: Record<string, string> = { '/sys/class/thermal/thermal_zone0/temp': '47234\n' };
    expect(thermalZoneFallback((p) => files[p])).toEqual({ temperatureCelsius: { cpu_package: 47.234 } });
  });

  it('gives undefined for a missing, garbled or zero zone', () => {
    expect(thermalZoneFallback(() => undefined)).toBeUndefined();
    expect(thermalZoneFallback(() => 'hot\n')).toBeUndefined();
    expect(thermalZoneFallback(() => '0\n')).toBeUndefined();
  });
});

describe('readSensors', () => {
  it('parses the tool output when sensors ran', async () => {
    const run = async (): Promise<ToolResult> => ({
      ok: true,
      stdout: fixture('sensors-intel.json'),
      code: 0,
    });
    const { value, reason } = await readSensors(run);
    expect(value.temperatureCelsius?.cpu_package).toBe(48);
    expect(reason).toBeUndefined();
  });

  it('says why when sensors is missing and there is no thermal zone', async () => {
    const run = async (): Promise<ToolResult> => ({
      ok: false,
      reason: 'missing',
      detail: 'sensors not found',
    });
    const result = await readSensors(run);
    if (result.reason !== undefined) expect(result).toEqual({ value: {}, reason: 'sensors not found' });
    else expect(result.value.temperatureCelsius?.cpu_package).toBeGreaterThan(0);
  });
});
