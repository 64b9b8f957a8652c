// The store's SQL, run through the libsql client directly: the hot paths skip the query builder.
import type {
  SqlStatement as InStatement,
  SqlValue as InValue,
  SqlRow as Row,
} from '../db/statement-client.ts';

export const SQL = {
  insertSeries: 'INSERT INTO metric_series (id, resource_type, resource_id, metric) VALUES (?, ?, ?, ?)',
  selectSeries: 'SELECT id, resource_type, resource_id, metric FROM metric_series',
  insertSegment: 'INSERT INTO metric_segments (max_ts, data) VALUES (?, ?)',
  selectSegments: 'SELECT data FROM metric_segments ORDER BY id',
  deleteSegments: 'DELETE FROM metric_segments WHERE max_ts < ?',
  /** One series' blocks overlapping [from, to], oldest first; walks the primary key. */
  seriesBlocks:
    'SELECT series_id, data FROM metric_blocks WHERE series_id = ? AND tier = ? AND start_ts <= ? AND end_ts >= ? ORDER BY start_ts',
  /** Every series' blocks of a tier overlapping [from, to], by series then time. */
  tierBlocks:
    'SELECT series_id, data FROM metric_blocks WHERE tier = ? AND end_ts >= ? AND start_ts <= ? ORDER BY series_id, start_ts',
  /** Blocks of a range of series ids overlapping [from, to), for one rollup step. */
  rollupSource:
    'SELECT series_id, data FROM metric_blocks WHERE series_id >= ? AND series_id < ? AND tier = ? AND end_ts >= ? AND start_ts < ? ORDER BY series_id, start_ts',
  firstBlockEndAfter: 'SELECT min(end_ts) AS end_ts FROM metric_blocks WHERE tier = ? AND end_ts >= ?',
  pruneTier:
    'DELETE FROM metric_blocks WHERE rowid IN (SELECT rowid FROM metric_blocks WHERE tier = ? AND end_ts < ? LIMIT ?)',
  selectMarks: 'SELECT key, value FROM metric_marks',
  putMark: 'INSERT OR REPLACE INTO metric_marks (key, value) VALUES (?, ?)',
  tierStats:
    'SELECT tier, count(*) AS blocks, coalesce(sum(count), 0) AS points, coalesce(sum(length(data)), 0) AS bytes FROM metric_blocks GROUP BY tier',
  pendingSegments: 'SELECT count(*) AS segments FROM metric_segments',
} as const;

/** Rows per multi-row block insert: one prepared statement per hundred blocks instead of per block. */
const BLOCKS_PER_INSERT = 100;

export type BlockRow = [
  seriesId: number,
  tier: number,
  startTs: number,
  endTs: number,
  count: number,
  data: Uint8Array,
];

export function putBlocks(rows: readonly BlockRow[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += BLOCKS_PER_INSERT) {
    const chunk = rows.slice(i, i + BLOCKS_PER_INSERT);
    out.push({
      sql: `INSERT OR REPLACE INTO metric_blocks (series_id, tier, start_ts, end_ts, count, data) VALUES ${chunk
        .map(() => '(?, ?, ?, ?, ?, ?)')
        .join(', ')}`,
      args: chunk.flat(),
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
