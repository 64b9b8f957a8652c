// A nesting limit for every parsed request body, checked before anything recurses over it.
import { ApiError } from './errors.ts';

/**
 * No body the API takes nests anywhere near this deep (a Docker report with a bounded healthcheck
 * target reaches 12). JSON.parse accepts any depth, but zod, structuredClone and JSON.stringify
 * recurse, so a value nested a few thousand levels deep would overflow the stack later, far from here.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * How deeply `value` nests: a scalar is 0, `{}` and `[]` are 1, `[[1]]` is 2. It walks with an explicit
 * stack, so measuring a hostile value costs no call frames.
 */
export function jsonDepth(value: unknown): number {
  // Two parallel stacks rather than a stack of pairs: this runs on every body, and a report holds tens
  // of thousands of objects.
  const nodes: object[] = [];
  const depths: number[] = [];
  if (typeof value === 'object' && value !== null) {
    nodes.push(value);
    depths.push(1);
  }
  let deepest = 0;
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const depth = depths.pop() ?? 0;
    if (depth > deepest) deepest = depth;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      // Only containers add depth, so scalars skip the trip through the stack.
      if (typeof child === 'object' && child !== null) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return deepest;
}

/** Throws `invalid_json` when a parsed body nests deeper than `limit`. */
export function assertJsonDepth(value: unknown, limit = MAX_JSON_DEPTH): void {
  const depth = jsonDepth(value);
  if (depth <= limit) return;
  throw new ApiError(
    'invalid_json',
    `Request body nests ${depth} levels deep; at most ${limit} are allowed`,
    { depth: String(depth), limitDepth: String(limit) },
  );
}
