// Zod building blocks for the Go agents' JSON: integer widths, nil slices and maps, required ids.
import { z } from 'zod';

/** A Go `int`: small and signed, so the safe-integer range is enough. */
export const int = z.number().int();
/** A Go `int` that counts something and so is never negative. */
export const count = int.nonnegative();
/**
 * A Go `int64`/`uint64` byte count, counter or duration. These can pass 2^53, where z.number().int()
 * would reject the whole report; JSON.parse already rounded such values, so only "finite, integral,
 * not negative" is checked.
 */
export const u64 = z
  .number()
  .nonnegative()
  .refine(Number.isInteger, { message: 'Invalid input: expected an integer' });
export const percent = z.number().min(0).max(100);

/** A Go slice serialised without omitempty is `null` when empty; read it as an empty list. */
export function goList<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(item)
    .max(max)
    .nullable()
    .transform((list) => list ?? []);
}

/** A Go `map[string]string` (labels, options, selectors) with at most `max` keys. */
export function stringMap(max: number) {
  return z.record(z.string(), z.string()).refine((map) => Object.keys(map).length <= max, {
    message: `Too big: expected at most ${max} entries`,
  });
}

/**
 * A string the server keys on (a container or cluster id): it must be present and not blank. It is not
 * trimmed, because an id is compared byte for byte.
 */
export function requiredId(message = 'is required and must not be blank') {
  return z
    .string({ error: (issue) => (issue.input === undefined ? message : undefined) })
    .refine((value) => value.trim().length > 0, { message });
}

/**
 * Length caps for report strings. Every string a report carries has one, so a single field cannot grow
 * the live state (and every answer that projects it) past what a real agent sends.
 */
export const STRING_LIMITS = {
  /** RFC 1035: a full DNS name is at most 253 characters. */
  hostname: 253,
  /** Names, ids, labels, versions, states: anything a person reads as one token. */
  name: 256,
  /** Free text: messages, errors, commands, env entries. */
  text: 4096,
} as const;

/** A hostname-sized string. */
export const hostnameString = z.string().max(STRING_LIMITS.hostname);
/** A name, id, label or other short token. */
export const nameString = z.string().max(STRING_LIMITS.name);
/** Free text up to 4 KiB. */
export const textString = z.string().max(STRING_LIMITS.text);
