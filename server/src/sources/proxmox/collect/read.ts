// Lenient readers for Proxmox JSON: booleans arrive as 0/1, numbers sometimes as strings, fields go missing.

export type Raw = Record<string, unknown>;

export function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asRecord(v: unknown): Raw {
  return isRecord(v) ? v : {};
}

/** Only the object items of an array; anything else reads as empty. */
export function asArray(v: unknown): Raw[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

export function optNum(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function num(v: unknown, fallback = 0): number {
  return optNum(v) ?? fallback;
}

export function optStr(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function str(v: unknown, fallback = ''): string {
  return optStr(v) ?? fallback;
}

/** Proxmox sends booleans as 1/0, '1'/'0' or true/false. */
export function bool(v: unknown, fallback = false): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === '1' || s === 'true' || s === 'yes' || s === 'on') return true;
    if (s === '0' || s === 'false' || s === 'no' || s === 'off' || s === '') return false;
  }
  return fallback;
}

/** used ÷ total as a percent, 0 when the total is unknown. */
export function percent(used: number, total: number): number {
  return total > 0 ? (used / total) * 100 : 0;
}

export function secondsToMs(v: unknown): number | undefined {
  const s = optNum(v);
  return s === undefined || s <= 0 ? undefined : s * 1000;
}
