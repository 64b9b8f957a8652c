// Reading the engines' JSON: Docker and Podman omit, null or retype fields freely, so every read is checked.

/**
 * An engine object seen through the keys we read. Every field is optional and `unknown`, so nothing about
 * a value is assumed until one of the readers below has checked it.
 */
export type View<K extends string> = { readonly [P in K]?: unknown };

/**
 * `value` as a View when it is a JSON object (not an array, not the Buffer docker-modem returns for a body
 * that is not JSON). The cast is safe because a View claims nothing about its fields: each is optional and
 * `unknown`, so any object is a valid View of any keys.
 */
export function obj<T extends View<string>>(value: unknown): T | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value) || value instanceof Uint8Array) return undefined;
  return value as T;
}

/** The objects of a JSON array; anything else (null, a Buffer, an error body) is an empty list. */
export function objList<T extends View<string>>(value: unknown): T[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const v = obj<T>(item);
    return v === undefined ? [] : [v];
  });
}

/** A non-empty string. The engines write `""` for "not set" (Health.Status, IPAddress, Error). */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A finite whole number that is not negative (a byte count, counter or port). */
export function count(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n >= 0 && Number.isInteger(n) ? n : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** The strings of a JSON array (Env, RepoTags); null or absent is an empty list. */
export function strList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * A `map[string]string` (labels, options) with at most `max` keys; undefined when absent, null or empty so
 * the report leaves it out rather than sending `{}`.
 */
export function strMap(value: unknown, max = 1024): Record<string, string> | undefined {
  const o = obj<View<string>>(value);
  if (o === undefined) return undefined;
  const entries = Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length === 0 ? undefined : Object.fromEntries(entries.slice(0, max));
}

/** The Go zero time: what the engines write for "never" (FinishedAt of a running container, preread). */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 time as the engine wrote it (nanoseconds kept), or undefined for "", the Go zero time and
 * anything before 1970: no container, image or task predates the epoch, so such a value means "never".
 */
export function rfc3339(value: unknown): string | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? value : undefined;
}

/** Unix seconds (the list endpoints' `Created`) as RFC 3339; undefined for 0 or a non-number. */
export function unixSeconds(value: unknown): string | undefined {
  const s = num(value);
  return s !== undefined && s > 0 ? new Date(s * 1000).toISOString() : undefined;
}

/** An RFC 3339 time in fractional seconds since the epoch, keeping the sub-millisecond digits. */
export function epochSeconds(value: unknown): number | undefined {
  const t = rfc3339(value);
  if (t === undefined) return undefined;
  const fraction = /\.(\d+)/.exec(t)?.[1] ?? '';
  const wholeMs = Date.parse(t.replace(/\.\d+/, ''));
  return wholeMs / 1000 + (fraction === '' ? 0 : Number(`0.${fraction}`));
}
