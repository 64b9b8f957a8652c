// The store's SQL, run through the prepared-statement client directly: the hot paths skip the query builder.
import type {
  SqlStatement as InStatement,
  SqlValue as InValue,
  SqlRow as Row,
} from '../db/statement-client.ts';

export const SQL = {
  insertSeries: 'INSERT INTO metric_series (id, resource_type, resource_id, metric) VALUES (?, ?, ?, ?)',
  selectSeries: 'SELECT id, resource_type, resource_id, metric FROM metric_series',
  selectSegments: 'SELECT data FROM metric_segments ORDER BY id',
  deleteSegments: 'DELETE FROM metric_segments WHERE max_ts < ?',
  selectMarks: 'SELECT key, value FROM metric_marks',
  putMark: 'INSERT OR REPLACE INTO metric_marks (key, value) VALUES (?, ?)',
  pendingSegments: 'SELECT count(*) AS segments FROM metric_segments',

  // Raw blocks of the layout before slabs (metric_blocks, tier 0 only): read, rolled up and pruned as
  // that layout did, until the raw retention has dropped them.
  anyLegacyBlock: 'SELECT 1 AS found FROM metric_blocks LIMIT 1',
  legacySeriesBlocks:
    'SELECT series_id, data FROM metric_blocks WHERE series_id = ? AND tier = 0 AND start_ts <= ? AND end_ts >= ? ORDER BY start_ts',
  legacyBlocks:
    'SELECT series_id, data FROM metric_blocks WHERE tier = 0 AND end_ts >= ? AND start_ts <= ? ORDER BY series_id, start_ts',
  legacyRollupSource:
    'SELECT series_id, data FROM metric_blocks WHERE series_id >= ? AND series_id < ? AND tier = 0 AND end_ts >= ? AND start_ts < ? ORDER BY series_id, start_ts',
  legacyFirstEndFrom: 'SELECT min(end_ts) AS end_ts FROM metric_blocks WHERE tier = 0 AND end_ts >= ?',
  legacyPrune:
    'DELETE FROM metric_blocks WHERE rowid IN (SELECT rowid FROM metric_blocks WHERE tier = 0 AND end_ts < ? LIMIT ?)',
  legacyStats:
    'SELECT count(*) AS blocks, coalesce(sum(count), 0) AS points, coalesce(sum(length(data)), 0) AS bytes FROM metric_blocks',

  /** The rows of one slab for a range of chunks (`id` = slab start × SLAB_KEY + chunk). */
  slabChunks: 'SELECT chunk, data FROM metric_slabs WHERE id >= ? AND id <= ?',
  /**
   * Lowest and highest row ids, each its own subquery: SQLite answers a lone min() or max() from one end
   * of the rowid tree, but both in one SELECT with a scan of the table.
   */
  slabExtent: 'SELECT (SELECT min(id) FROM metric_slabs) AS lo, (SELECT max(id) FROM metric_slabs) AS hi',
  /** Rows from this slab on, in order: those at or past the sealed mark were written by a flush. */
  slabsFrom: 'SELECT start_ts, chunk, data FROM metric_slabs WHERE id >= ? ORDER BY id',
  firstSlabFrom: 'SELECT min(id) AS id FROM metric_slabs WHERE id >= ?',
  pruneSlabs: 'DELETE FROM metric_slabs WHERE id IN (SELECT id FROM metric_slabs WHERE id < ? LIMIT ?)',
  slabStats:
    'SELECT count(*) AS blocks, coalesce(sum(CASE WHEN start_ts < ? THEN count ELSE 0 END), 0) AS points, coalesce(sum(length(data)), 0) AS bytes FROM metric_slabs',
} as const;

/** Slab row ids: start second × SLAB_KEY + chunk, so that rows sort by time, then by series. */
const SLAB_KEY = 65_536;

export function slabId(start: number, chunk: number): number {
  return start * SLAB_KEY + chunk;
}

export function slabStartOf(id: number): number {
  return Math.floor(id / SLAB_KEY);
}

/**
 * Rollup block row ids: (span start / 60) × BLOCK_KEY + series id. Every span is a whole number of minutes,
 * and 2^26 minutes (to 2097) × 2^24 series stays within exact doubles.
 */
const BLOCK_KEY = 2 ** 24;

export function blockId(start: number, seriesId: number): number {
  return (start / 60) * BLOCK_KEY + seriesId;
}

/** The first row id of blocks starting after `seconds`. */
export function blockIdAfter(seconds: number): number {
  return blockId(Math.floor(seconds / 60) * 60 + 60, 0);
}

export function blockStartOf(id: number): number {
  return Math.floor(id / BLOCK_KEY) * 60;
}

/** The statements of one rollup tier's table. */
export interface TierSql {
  /** One series' block of one span: a primary-key lookup. */
  block: string;
  /** The blocks of one span for a range of series ids (by row id). */
  blocks: string;
  /** Lowest and highest row ids (as slabExtent). */
  extent: string;
  firstFrom: string;
  /** Deletes rows below a row id, at most a budget of them, oldest first. */
  prune: string;
  stats: string;
  insert(rows: number): string;
}

function tierSql(table: string): TierSql {
  return {
    block: `SELECT series_id, data FROM ${table} WHERE id = ?`,
    blocks: `SELECT series_id, data FROM ${table} WHERE id >= ? AND id <= ?`,
    extent: `SELECT (SELECT min(id) FROM ${table}) AS lo, (SELECT max(id) FROM ${table}) AS hi`,
    firstFrom: `SELECT min(id) AS id FROM ${table} WHERE id >= ?`,
    prune: `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE id < ? LIMIT ?)`,
    stats: `SELECT count(*) AS blocks, coalesce(sum(count), 0) AS points, coalesce(sum(length(data)), 0) AS bytes FROM ${table}`,
    insert: (rows) =>
      `INSERT OR REPLACE INTO ${table} (id, series_id, start_ts, end_ts, count, data) VALUES ${Array.from(
        { length: rows },
        () => '(?, ?, ?, ?, ?, ?)',
      ).join(', ')}`,
  };
}

export const ROLLUP_SQL: Readonly<Record<1 | 2 | 3, TierSql>> = {
  1: tierSql('metric_minute'),
  2: tierSql('metric_hourly'),
  3: tierSql('metric_daily'),
};

/** Rows per multi-row insert: one prepared statement per hundred rows instead of per row. */
const ROWS_PER_INSERT = 100;

export type BlockRow = [seriesId: number, startTs: number, endTs: number, count: number, data: Uint8Array];

export function putBlocks(tier: 1 | 2 | 3, rows: readonly BlockRow[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    out.push({
      sql: ROLLUP_SQL[tier].insert(chunk.length),
      args: chunk.flatMap(([sid, start, end, count, data]) => [
        blockId(start, sid),
        sid,
        start,
        end,
        count,
        data,
      ]),
    });
  }
  return out;
}

export type SlabRow = [start: number, chunk: number, count: number, data: Uint8Array];

export function putSlabs(rows: readonly SlabRow[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    out.push({
      sql: `INSERT OR REPLACE INTO metric_slabs (id, start_ts, chunk, count, data) VALUES ${chunk
        .map(() => '(?, ?, ?, ?, ?)')
        .join(', ')}`,
      args: chunk.flatMap(([start, c, count, data]) => [slabId(start, c), start, c, count, data]),
    });
  }
  return out;
}

export function stmt(sql: string, args: InValue[]): InStatement {
  return { sql, args };
}

export function num(row: Row | undefined, key: string): number {
  const v = row?.[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

export function text(row: Row | undefined, key: string): string {
  const v = row?.[key];
  return typeof v === 'string' ? v : '';
}

/** libsql hands BLOB columns back as ArrayBuffer (a Uint8Array is taken as it is). */
export function bytes(row: Row | undefined, key: string): Uint8Array {
  const v = row?.[key];
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(0);
}
