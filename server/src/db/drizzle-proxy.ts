// Drizzle as the stores' query builder, its SQL run through the statement client's reused statements
// (drizzle's sqlite-proxy driver hands each built query to a callback instead of a driver of its own).
import { drizzle, type SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import * as schema from './schema/index.ts';
import type { SqlValue, StatementClient } from './statement-client.ts';

export type ProxyDb = SqliteRemoteDatabase<typeof schema>;

/**
 * What the stores get. No `transaction`: the proxy would run BEGIN, then await the callback while other
 * requests' statements run on the same connection inside it. `batch` runs its queries in one go.
 */
export type Db = Omit<ProxyDb, 'transaction'>;

type Method = 'run' | 'all' | 'values' | 'get';

/**
 * For `get` drizzle takes `rows` as the row itself and "no row" as undefined, though the callback type
 * says any[]; an empty array would be mapped into a row of undefined fields.
 */
const NO_ROW = undefined as unknown as unknown[];

/** Drizzle hands over what its column types map to; anything else would reach the native binding. */
function bindable(value: unknown): SqlValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'string' ||
    value instanceof Uint8Array
  )
    return value;
  throw new TypeError(`cannot bind a ${typeof value} to an SQL parameter`);
}

/** One query in the shape drizzle's proxy driver expects back: arrays in column order, one for `get`. */
function runQuery(
  sql: StatementClient,
  text: string,
  params: unknown[],
  method: Method,
): { rows: unknown[] } {
  const args = params.map(bindable);
  if (method === 'run') {
    sql.run(text, args);
    return { rows: [] };
  }
  if (method === 'get') return { rows: sql.firstArray(text, args) ?? NO_ROW };
  return { rows: sql.arrays(text, args) };
}

export function drizzleOn(sql: StatementClient): ProxyDb {
  return drizzle(
    async (text, params, method) => runQuery(sql, text, params, method),
    // One transaction for the whole batch; synchronous, so nothing interleaves with it.
    async (queries) =>
      sql.transaction(() => queries.map((q) => runQuery(sql, q.sql, q.params, q.method)), 'immediate'),
    { schema },
  );
}
