// Disk health from smartctl's JSON output, without ever waking a disk that is spun down.
import type { DiskSmart, SmartAttributes } from '@pulse/shared';
import { matchesAny } from './device-patterns.ts';
import { type Collected, runTool } from './tools.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objectAt = (o: Json, key: string): Json => {
  const v = o[key];
  return isObject(v) ? v : {};
};
const stringAt = (o: Json, key: string): string | undefined => {
  const v = o[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};
/** A counter as the wire needs it: a non-negative safe integer, else nothing. */
const countAt = (o: Json, key: string): number | undefined => {
  const v = o[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
};

/** `-n standby` skips a sleeping disk with this message instead of spinning it up to answer. */
const LOW_POWER = /device is in (standby|sleep|idle)/i;

/** The WWN as lsblk prints it (`0x5` + 6-hex OUI + 9-hex id), so the two tools' disks can be matched. */
function formatWwn(wwn: Json): string | undefined {
  const naa = countAt(wwn, 'naa');
  const oui = countAt(wwn, 'oui');
  const id = countAt(wwn, 'id');
  if (naa === undefined || oui === undefined || id === undefined) return undefined;
  return `0x${naa.toString(16)}${oui.toString(16).padStart(6, '0')}${id.toString(16).padStart(9, '0')}`;
}

function transport(device: Json): string | undefined {
  const protocol = stringAt(device, 'protocol')?.toLowerCase();
  const type = stringAt(device, 'type')?.toLowerCase();
  if (protocol === 'nvme' || type === 'nvme') return 'nvme';
  if (protocol === 'ata') return 'sata';
  if (protocol === 'scsi') return 'sas';
  return undefined;
}

function ataRaw(root: Json, id: number): number | undefined {
  const table = objectAt(root, 'ata_smart_attributes').table;
  if (!Array.isArray(table)) return undefined;
  const row = table.find((r): r is Json => isObject(r) && r.id === id);
  return row === undefined ? undefined : countAt(objectAt(row, 'raw'), 'value');
}

function attributesOf(root: Json): SmartAttributes {
  const nvme = objectAt(root, 'nvme_smart_health_information_log');
  const picked: SmartAttributes = {
    // Attribute 9's raw value packs minutes and milliseconds into the high bytes on some drives;
    // smartctl's decoded power_on_time.hours does not.
    powerOnHours:
      countAt(objectAt(root, 'power_on_time'), 'hours') ?? countAt(nvme, 'power_on_hours') ?? ataRaw(root, 9),
    powerCycles: countAt(root, 'power_cycle_count') ?? countAt(nvme, 'power_cycles') ?? ataRaw(root, 12),
    reallocatedSectors: ataRaw(root, 5) ?? countAt(root, 'scsi_grown_defect_list'),
    pendingSectors: ataRaw(root, 197),
    offlineUncorrectable: ataRaw(root, 198),
    udmaCrcErrors: ataRaw(root, 199),
    percentageUsed: countAt(nvme, 'percentage_used'),
    availableSpare: countAt(nvme, 'available_spare'),
    mediaErrors: countAt(nvme, 'media_errors'),
    unsafeShutdowns: countAt(nvme, 'unsafe_shutdowns'),
  };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}

/**
 * One disk from `smartctl -n standby -i -A -H --json=o <device>`. A sleeping disk comes back as
 * `{ device, standby: true, temperature: 0 }` and nothing else: its identity is cached by whoever
 * saw it awake, and asking for more would spin it up. Undefined when the output is not smartctl JSON
 * or names no disk (open failed, no such device, unsupported bridge).
 */
export function parseSmartctlJson(text: string, device: string): DiskSmart | undefined {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(root)) return undefined;
  const messages = objectAt(root, 'smartctl').messages;
  const said = Array.isArray(messages)
    ? messages.map((m) => (isObject(m) ? stringAt(m, 'string') : undefined))
    : [];
  if (said.some((s) => s !== undefined && LOW_POWER.test(s)))
    return { device, standby: true, temperature: 0 };

  const model = stringAt(root, 'model_name') ?? stringAt(root, 'scsi_model_name');
  const serial = stringAt(root, 'serial_number');
  const status = root.smart_status;
  if (model === undefined && serial === undefined && !isObject(status)) return undefined;

  const wwn = formatWwn(objectAt(root, 'wwn'));
  const type = transport(objectAt(root, 'device'));
  const sizeBytes = countAt(objectAt(root, 'user_capacity'), 'bytes');
  const passed = isObject(status) ? status.passed : undefined;
  const current = objectAt(root, 'temperature').current;
  const fallback = objectAt(root, 'nvme_smart_health_information_log').temperature;
  const celsius = typeof current === 'number' ? current : fallback;
  const attributes = attributesOf(root);
  return {
    device,
    ...(model === undefined ? {} : { model }),
    ...(serial === undefined ? {} : { serial }),
    ...(wwn === undefined ? {} : { wwn }),
    ...(type === undefined ? {} : { type }),
    ...(sizeBytes === undefined ? {} : { sizeBytes }),
    // The wire field is required and 0 is its documented "unknown".
    temperature: typeof celsius === 'number' && Number.isFinite(celsius) ? Math.round(celsius) : 0,
    health: passed === true ? 'PASSED' : passed === false ? 'FAILED' : 'UNKNOWN',
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/**
 * Device paths from `smartctl --scan` (`/dev/sda -d sat # …`), each once. A RAID controller lists one
 * path several times with different `-d megaraid,N`; those disks need the -d option and are not
 * addressed by path alone.
 */
export function parseSmartctlScan(text: string): string[] {
  const devices = new Set<string>();
  for (const line of text.split('\n')) {
    const first = line.trim().split(/\s+/)[0] ?? '';
    if (first.startsWith('/dev/')) devices.add(first);
  }
  return [...devices];
}

const SMART_LIMITS = { timeoutMs: 10_000, maxBytes: 1024 * 1024 };

/**
 * Every disk smartctl can see that `exclude` does not name; the reason says why there are none when
 * smartctl failed or is missing. One disk at a time: smartctl on a busy SATA link is slow enough already.
 */
export async function readSmart(exclude: string[] = [], run = runTool): Promise<Collected<DiskSmart[]>> {
  const scan = await run('smartctl', ['--scan'], SMART_LIMITS);
  if (!scan.ok) return { value: [], reason: scan.detail };
  const disks: DiskSmart[] = [];
  for (const device of parseSmartctlScan(scan.stdout)) {
    if (matchesAny(exclude, device)) continue;
    const result = await run(
      'smartctl',
      ['-n', 'standby', '-i', '-A', '-H', '--json=o', device],
      SMART_LIMITS,
    );
    const disk = result.ok ? parseSmartctlJson(result.stdout, device) : undefined;
    if (disk !== undefined) disks.push(disk);
  }
  return { value: disks };
}
