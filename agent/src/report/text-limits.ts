// Strings from the Docker engine or the cluster cut to the report schema's length caps, so one long
// value costs only its tail instead of the whole item on the server.
import { STRING_LIMITS } from '@pulse/shared/protocol';

export const NAME_MAX = STRING_LIMITS.name;
export const TEXT_MAX = STRING_LIMITS.text;

/** The schema's bound on keys per label, option or selector map. */
const MAX_MAP_KEYS = 1024;

const ELLIPSIS = '…';

/**
 * `value` if it fits in `max` UTF-16 units (what zod's `.max` counts), else its head and an ellipsis.
 * The cut never splits a surrogate pair, which would leave half a character in the JSON.
 */
export function clip(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value.length <= max) return value;
  let end = max - ELLIPSIS.length;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}${ELLIPSIS}`;
}

/** An optional short value (reason, phase, version, OS image): blank reads as absent, long is cut. */
export function shortText(value: string | undefined): string | undefined {
  return value ? clip(value, NAME_MAX) : undefined;
}

/** An optional message or image reference: blank reads as absent, long is cut. */
export function longText(value: string | undefined): string | undefined {
  return value ? clip(value, TEXT_MAX) : undefined;
}

/**
 * A label or selector map within the schema's caps, absent when empty (like Go's omitempty). A key past
 * the name cap is left out rather than cut, since a cut key would name a label the object does not have;
 * a long value is cut like any free text.
 */
export function boundedMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  const entries: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    if (key.length > NAME_MAX) continue;
    entries.push([key, clip(value, TEXT_MAX) ?? '']);
    if (entries.length === MAX_MAP_KEYS) break;
  }
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
