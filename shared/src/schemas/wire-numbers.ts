// Zod building blocks for the Go agents' JSON: integer widths, nil slices and maps, required ids.
import { z } from 'zod';
import { STRING_LIMITS } from '../protocol.ts';

export { STRING_LIMITS };

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

/** A hostname-sized string. */
export const hostnameString = z.string().max(STRING_LIMITS.hostname);
/** A name, id, label or other short token. */
export const nameString = z.string().max(STRING_LIMITS.name);
/** Free text up to 4 KiB. */
export const textString = z.string().max(STRING_LIMITS.text);

/** A Go map with at most `max` keys; zod's record has no size check of its own. */
export function boundedRecord<V extends z.ZodType>(value: V, max: number) {
  return z.record(nameString, value).refine((map) => Object.keys(map).length <= max, {
    message: `Too big: expected at most ${max} entries`,
  });
}

/** A Go `map[string]string` (labels, options, selectors): at most `max` keys, name-sized keys, text values. */
export function stringMap(max: number) {
  return boundedRecord(textString, max);
}

/**
 * A string the server keys on (a container or cluster id): it must be present, not blank and name-sized.
 * It is not trimmed, because an id is compared byte for byte.
 */
export function requiredId(message = 'is required and must not be blank') {
  return z
    .string({ error: (issue) => (issue.input === undefined ? message : undefined) })
    .max(STRING_LIMITS.name)
    .refine((value) => value.trim().length > 0, { message });
}
