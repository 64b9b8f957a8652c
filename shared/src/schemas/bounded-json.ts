// Free-form JSON an agent passes through (healthcheck targets, certificate observations), with bounds.
import { z } from 'zod';
import { STRING_LIMITS } from './wire-numbers.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

/**
 * A free-form field is copied into the live state and out again in every answer that projects it, so
 * its size must not depend on what an agent chooses to send. Depth counts containers: `{"a":1}` is 1.
 */
export const BOUNDED_JSON_LIMITS = {
  depth: 8,
  /** Keys of one object or items of one array. */
  entries: 256,
  /** Every value in the tree, containers included. */
  values: 4096,
  keyLength: STRING_LIMITS.name,
  stringLength: STRING_LIMITS.text,
} as const;

export interface JsonProblem {
  /** Where inside the value, as zod paths go. */
  path: Array<string | number>;
  message: string;
}

interface Pending {
  value: unknown;
  path: Array<string | number>;
  depth: number;
}

// Array.isArray narrows to any[]; this keeps the items unknown.
function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first way `value` breaks the bounds, or undefined. It walks with an explicit stack instead of
 * recursion, so a value nested thousands deep costs no call frames, and it stops at the value budget.
 */
export function findJsonProblem(
  value: unknown,
  limits: Record<keyof typeof BOUNDED_JSON_LIMITS, number> = BOUNDED_JSON_LIMITS,
): JsonProblem | undefined {
  const stack: Pending[] = [{ value, path: [], depth: 0 }];
  let seen = 0;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: v, path, depth } = next;
    seen += 1;
    if (seen > limits.values)
      return { path: [], message: `Too big: expected at most ${limits.values} values in all` };
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'Invalid input: expected a finite number' };
      continue;
    }
    if (typeof v === 'string') {
      if (v.length > limits.stringLength)
        return { path, message: `Too big: expected string to have <=${limits.stringLength} characters` };
      continue;
    }
    let entries: Array<[string | number, unknown]>;
    if (isArray(v)) entries = v.map((item, i): [number, unknown] => [i, item]);
    else if (isPlainObject(v)) entries = Object.entries(v);
    else return { path, message: 'Invalid input: expected a JSON value' };
    if (depth + 1 > limits.depth)
      return { path, message: `Too deep: expected at most ${limits.depth} levels of nesting` };
    if (entries.length > limits.entries)
      return { path, message: `Too big: expected at most ${limits.entries} entries` };
    for (const [key, item] of entries) {
      if (typeof key === 'string' && key.length > limits.keyLength)
        return { path, message: `Too big: expected keys to have <=${limits.keyLength} characters` };
      stack.push({ value: item, path: [...path, key], depth: depth + 1 });
    }
  }
  return undefined;
}

function checkBounds(value: unknown, ctx: z.RefinementCtx): void {
  const problem = findJsonProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
}

/** Any JSON value within BOUNDED_JSON_LIMITS. */
export const BoundedJson = z.custom<JsonValue>().superRefine(checkBounds);

/**
 * A JSON object within BOUNDED_JSON_LIMITS. The record base makes a non-object fail as a type error,
 * which lets a union with a string schema report the string's own problem for string input.
 */
export const BoundedJsonObject = z.record(z.string(), z.custom<JsonValue>()).superRefine(checkBounds);
