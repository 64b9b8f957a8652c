// Temperatures, fan speeds and power readings from lm-sensors (`sensors -j`), with a sysfs fallback.
import type { Sensors } from '@pulse/shared';
import { readText } from './read-text.ts';
import { type Collected, runTool } from './tools.ts';

type Readings = Record<string, number>;

// Key scheme (stable across runs and sensors versions, so series keep their history):
// - CPU chips (coretemp, k10temp, zenpower, cpu_thermal) → temperatureCelsius `cpu_package`,
//   `cpu_core_<n>` (Intel "Core n"), `cpu_ccd_<n>` (AMD "Tccd n"); the second and later CPU chips of a
//   multi-socket board get `cpu_package_<s>`, `cpu_<s>_core_<n>`, `cpu_<s>_ccd_<n>` (s = 1, 2, … in
//   chip order), because core numbering restarts on every package.
// - NVMe and GPU chips → temperatureCelsius `<chip>_<address>_<label>`, e.g. `nvme_0100_composite`,
//   `amdgpu_0300_junction`.
// - Every other temperature (ACPI zones, DDR5 spd5118, board Super I/O, PCH, Wi-Fi) → additional
//   `<chip>_<address>_<label>`, e.g. `acpitz_0_temp1`, `spd5118_0_51_temp1`, `nct6799_0290_systin`.
// - Fans → fanRpm and power → powerWatts, same `<chip>_<address>_<label>` form.
// <chip> is the driver prefix of the chip name, <address> what follows the bus type
// (`nvme-pci-0100` → `nvme_0100`), labels are lowercased with non-alphanumerics as `_`.
const CPU_CHIPS = new Set(['coretemp', 'k10temp', 'zenpower', 'cpu_thermal']);
const PRIMARY_CHIPS = new Set(['nvme', 'amdgpu', 'radeon', 'nouveau', 'i915', 'xe']);

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

function chipKey(chip: string): { driver: string; base: string } {
  const [driver = chip, , ...address] = chip.split('-');
  const base = address.length > 0 ? `${driver}_${address.join('_')}` : driver;
  return { driver: driver.toLowerCase(), base: slug(base) };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Preference order: amdgpu reports power only as `_average`, other chips as `_input`.
const READING_NAMES = {
  temp: [/^temp\d+_input$/],
  fan: [/^fan\d+_input$/],
  power: [/^power\d+_input$/, /^power\d+_average$/],
} as const;

/**
 * The reading of one feature of a chip: only `*_input` (and `power*_average`, which amdgpu uses instead)
 * are measurements; `_max`, `_crit`, `_min`, `_alarm`, `_hyst`, `_beep` and `_type` are limits and flags.
 * hwmon reports 0 (or a large negative) for an unconnected header or probe, so values ≤ 0 are not
 * readings; a fan parked by a zero-RPM mode is dropped with them, which is the lesser harm.
 */
function readingOf(feature: Record<string, unknown>, kind: keyof typeof READING_NAMES): number | undefined {
  for (const pattern of READING_NAMES[kind]) {
    for (const [name, value] of Object.entries(feature)) {
      if (!pattern.test(name)) continue;
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    }
  }
  return undefined;
}

function cpuTemperatureKey(driver: string, label: string, socket: number): string | undefined {
  const pkg = socket === 0 ? 'cpu_package' : `cpu_package_${socket}`;
  const per = (what: string, n: string) => (socket === 0 ? `cpu_${what}_${n}` : `cpu_${socket}_${what}_${n}`);
  if (driver === 'coretemp') {
    if (/^Package id \d+$/.test(label)) return pkg;
    const core = /^Core (\d+)$/.exec(label)?.[1];
    return core === undefined ? undefined : per('core', core);
  }
  if (driver === 'cpu_thermal') return pkg;
  // Tctl carries a fan-control offset on some Ryzen and Threadripper parts; Tdie, when present, does not.
  if (label === 'Tdie' || label === 'Tctl') return pkg;
  const ccd = /^Tccd(\d+)$/.exec(label)?.[1];
  return ccd === undefined ? undefined : per('ccd', ccd);
}

/** Parses `sensors -j`; {} for empty or malformed output. Empty maps are left out. */
export function parseSensorsJson(text: string): Sensors {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isObject(root)) return {};
  const temperatureCelsius: Readings = {};
  const additional: Readings = {};
  const fanRpm: Readings = {};
  const powerWatts: Readings = {};
  let sockets = 0;
  for (const [chip, features] of Object.entries(root)) {
    if (!isObject(features)) continue;
    const { driver, base } = chipKey(chip);
    const socket = CPU_CHIPS.has(driver) ? sockets++ : -1;
    const hasTdie = isObject(features.Tdie);
    for (const [label, feature] of Object.entries(features)) {
      if (!isObject(feature)) continue;
      const key = `${base}_${slug(label)}`;
      const fan = readingOf(feature, 'fan');
      if (fan !== undefined) fanRpm[key] = fan;
      const power = readingOf(feature, 'power');
      if (power !== undefined) powerWatts[key] = power;
      const temp = readingOf(feature, 'temp');
      if (temp === undefined) continue;
      if (socket >= 0) {
        if (label === 'Tctl' && hasTdie) continue;
        const cpuKey = cpuTemperatureKey(driver, label, socket);
        if (cpuKey !== undefined) temperatureCelsius[cpuKey] = temp;
        else additional[key] = temp;
      } else if (PRIMARY_CHIPS.has(driver)) temperatureCelsius[key] = temp;
      else additional[key] = temp;
    }
  }
  const nonEmpty = (r: Readings) => Object.keys(r).length > 0;
  return {
    ...(nonEmpty(temperatureCelsius) ? { temperatureCelsius } : {}),
    ...(nonEmpty(fanRpm) ? { fanRpm } : {}),
    ...(nonEmpty(powerWatts) ? { powerWatts } : {}),
    ...(nonEmpty(additional) ? { additional } : {}),
  };
}

/**
 * The first thermal zone in millidegrees, for machines without lm-sensors (Raspberry Pi OS, minimal
 * VMs with a passed-through zone). Undefined when the zone is missing or reads ≤ 0.
 */
export function thermalZoneFallback(
  readFile: (path: string) => string | undefined = readText,
): Sensors | undefined {
  const text = readFile('/sys/class/thermal/thermal_zone0/temp');
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  const celsius = Number(text.trim()) / 1000;
  return celsius > 0 ? { temperatureCelsius: { cpu_package: celsius } } : undefined;
}

/** `sensors -j`, else the thermal zone; the reason says why neither gave anything. */
export async function readSensors(run = runTool): Promise<Collected<Sensors>> {
  const result = await run('sensors', ['-j'], { timeoutMs: 5000, maxBytes: 1024 * 1024 });
  const parsed = result.ok ? parseSensorsJson(result.stdout) : {};
  if (Object.keys(parsed).length > 0) return { value: parsed };
  const zone = thermalZoneFallback();
  if (zone !== undefined) return { value: zone };
  return { value: {}, reason: result.ok ? 'sensors reported no readings' : result.detail };
}
