// JSON answers serialised item by item and sent as a stream of chunks. An item that cannot be serialised
// (nested deeper than the stack allows, too long for one string, a value JSON has no form for) costs that
// item, never the whole answer; and the answer's size is not capped by the longest string V8 can build.
// It is also faster: one object V8's fast serialiser does not take (zod's prototype-less records, a Date)
// sends a whole JSON.stringify down the slow recursive path, while item by item only that item goes there.

import type { Logger } from '@pulse/shared';

export interface SerialiseFailure {
  /** Where the item sits in the answer, such as `dockerHosts[3]`. */
  path: string;
  /** The item's `id`, when it has one. */
  id: string | undefined;
  error: unknown;
}

export type OnSerialiseFailure = (failure: SerialiseFailure) => void;

/**
 * Arrays down to this depth are split into their items (the answer's lists, and lists one object down such
 * as `backups.pve`); objects one level less (the answer itself and objects such as `backups`).
 */
const SPLIT_DEPTH = 3;
/** Nesting kept when a failed item is retried without its deepest parts: far past any real report. */
const PRUNE_DEPTH = 32;
/** The last resort keeps the item's scalars and small objects, with strings cut to this length. */
const STUB_DEPTH = 3;
const STUB_CHARS = 1024;
/** Text gathered before a chunk is encoded and handed to the stream. */
const CHUNK_CHARS = 256 * 1024;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !('toJSON' in value);
}

/** Values JSON.stringify leaves out of an object. */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined;
  const id: unknown = value.id;
  return typeof id === 'string' ? id.slice(0, 256) : undefined;
}

/** A copy with everything nested past `depth` replaced by null; its recursion is bounded by `depth`. */
function prune(value: unknown, depth: number): unknown {
  if (typeof value === 'bigint') return String(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth <= 0) return null;
  if (Array.isArray(value)) return value.map((v) => prune(v, depth - 1));
  if ('toJSON' in value && typeof value.toJSON === 'function') return prune(value.toJSON(), depth - 1);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = prune(v, depth - 1);
  return out;
}

/** The item's scalars and small objects, lists emptied and strings cut: bounded whatever the item holds. */
function stub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > STUB_CHARS ? value.slice(0, STUB_CHARS) : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return [];
  if (typeof value !== 'object' || depth <= 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const kept = stub(v, depth - 1);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

/** The item retried in smaller forms: without its deepest parts, then as a stub. Never throws. */
function fallback(value: unknown): string {
  for (const smaller of [() => prune(value, PRUNE_DEPTH), () => stub(value, STUB_DEPTH)]) {
    try {
      const text = JSON.stringify(smaller());
      if (text !== undefined) return text;
    } catch {
      // Try the next, smaller form.
    }
  }
  return typeof value === 'object' && value !== null ? '{}' : 'null';
}

/** JSON.stringify of one item; undefined where JSON.stringify leaves the value out. */
function leaf(value: unknown, path: string, onFailure: OnSerialiseFailure): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    onFailure({ path, id: idOf(value), error });
    return fallback(value);
  }
}

const splits = (value: unknown, depth: number): boolean =>
  (depth < SPLIT_DEPTH && Array.isArray(value)) || (depth < SPLIT_DEPTH - 1 && isPlainObject(value));

function* pieces(
  value: unknown,
  path: string,
  depth: number,
  onFailure: OnSerialiseFailure,
): Generator<string> {
  if (depth < SPLIT_DEPTH && Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const at = `${path}[${i}]`;
      if (i > 0) yield ',';
      if (splits(item, depth + 1)) yield* pieces(item, at, depth + 1, onFailure);
      else yield omitted(item) ? 'null' : (leaf(item, at, onFailure) ?? 'null');
    }
    yield ']';
    return;
  }
  if (depth < SPLIT_DEPTH - 1 && isPlainObject(value)) {
    yield '{';
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (omitted(item)) continue;
      const at = path ? `${path}.${key}` : key;
      const split = splits(item, depth + 1);
      const text = split ? undefined : leaf(item, at, onFailure);
      if (!split && text === undefined) continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      if (text === undefined) yield* pieces(item, at, depth + 1, onFailure);
      else yield text;
    }
    yield '}';
    return;
  }
  yield leaf(value, path, onFailure) ?? 'null';
}

/** The JSON text of `value` in pieces, equal once joined to JSON.stringify(value) when that succeeds. */
export function jsonPieces(value: unknown, onFailure: OnSerialiseFailure): Generator<string> {
  return pieces(value, '', 0, onFailure);
}

/** The JSON text of `value` as UTF-8 chunks, produced as the reader pulls them. */
export function jsonStream(value: unknown, onFailure: OnSerialiseFailure): ReadableStream<Uint8Array> {
  const source = jsonPieces(value, onFailure);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const parts: string[] = [];
      let size = 0;
      while (size < CHUNK_CHARS) {
        const next = source.next();
        if (next.done) {
          if (size > 0) controller.enqueue(Buffer.from(parts.join(''), 'utf8'));
          controller.close();
          return;
        }
        parts.push(next.value);
        size += next.value.length;
      }
      controller.enqueue(Buffer.from(parts.join(''), 'utf8'));
    },
    cancel() {
      source.return(undefined);
    },
  });
}

/** Keys remembered by logFailuresOnce before it starts over (and so logs a still-failing item again). */
const REMEMBERED_FAILURES = 1000;

/**
 * Logs a failing item once, keyed by its list and id rather than its index, so an item stored once does not
 * log on every read while it stays, and the index shifting as other items come and go does not matter.
 */
export function logFailuresOnce(log: Logger, answer: string): OnSerialiseFailure {
  const seen = new Set<string>();
  return ({ path, id, error }) => {
    const key = `${path.replace(/\[\d+\]/g, '[]')}|${id ?? path}`;
    if (seen.has(key)) return;
    if (seen.size >= REMEMBERED_FAILURES) seen.clear();
    seen.add(key);
    log.error('item left out of an answer in full: it could not be serialised', {
      answer,
      path,
      id,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  };
}
