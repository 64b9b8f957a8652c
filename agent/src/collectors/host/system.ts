// Load average, uptime and machine id from their one-line kernel and systemd files.
import { readText } from './read-text.ts';

/** 1, 5 and 15 minute load from /proc/loadavg; undefined when the first three fields are not numbers. */
export function parseLoadavg(text: string): [number, number, number] | undefined {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (one === undefined || five === undefined || fifteen === undefined) return undefined;
  if (![one, five, fifteen].every((n) => Number.isFinite(n) && n >= 0)) return undefined;
  return [one, five, fifteen];
}

/** Whole seconds since boot from the first field of /proc/uptime; undefined when it is not a number. */
export function parseUptime(text: string): number | undefined {
  const first = text.trim().split(/\s+/)[0] ?? '';
  if (!/^\d+(\.\d+)?$/.test(first)) return undefined;
  return Math.floor(Number(first));
}

/**
 * The host's stable identity from /etc/machine-id. systemd's 32-hex form is rewritten as a lowercase
 * 8-4-4-4-12 UUID because the Docker module formats the same file that way and both must name the host
 * alike; anything shorter than 8 characters is an uninitialised or truncated file, not an identity.
 */
export function machineIdFromText(text: string): string | undefined {
  const id = text.trim();
  if (id.length < 8) return undefined;
  if (!/^[0-9a-fA-F]{32}$/.test(id)) return id;
  const h = id.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function readLoadavg(path = '/proc/loadavg'): [number, number, number] | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseLoadavg(text);
}

export function readUptime(path = '/proc/uptime'): number | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseUptime(text);
}

/** The first usable id among `paths`; the caller falls back (first MAC, DMI UUID) when there is none. */
export function readMachineId(paths: readonly string[] = ['/etc/machine-id']): string | undefined {
  for (const path of paths) {
    const text = readText(path);
    const id = text === undefined ? undefined : machineIdFromText(text);
    if (id !== undefined) return id;
  }
  return undefined;
}
