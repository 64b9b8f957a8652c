// Parsers for flag and environment values: Go-style durations, booleans, lists, listen addresses.

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go durations (`30s`, `1m30s`, `500ms`, `1h`); a bare number means seconds. Returns milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const unit = UNIT_MS[m[2] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
  }
  return total;
}

const TRUE = new Set(['1', 't', 'true', 'yes', 'y', 'on']);
const FALSE = new Set(['0', 'f', 'false', 'no', 'n', 'off']);

export function parseBool(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

/** Comma-separated env lists; trimmed, empties dropped, duplicates removed in order. */
export function parseList(raw: string | undefined): string[] {
  return [
    ...new Set(
      (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
  ];
}

export interface ListenAddress {
  host: string;
  port: number;
}

const OFF = new Set(['', 'off', 'none', 'disabled', 'false']);

/** `host:port`, `:port` or `[v6]:port`; `off`, `none`, `disabled` or empty turn the server off. */
export function parseListen(raw: string): ListenAddress | null | undefined {
  const text = raw.trim();
  if (OFF.has(text.toLowerCase())) return null;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
