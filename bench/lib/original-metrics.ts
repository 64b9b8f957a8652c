// The original's metrics layout, rebuilt for comparison: one row per sample with text type, id and metric,
// a text tier, its unique and lookup indexes, and writes of 500 rows per transaction through one prepared
// statement, like its buffered writer. node:sqlite keeps the statement prepared, as Go's driver does.
import { DatabaseSync, type StatementSync } from 'node:sqlite';

const SCHEMA = `
  CREATE TABLE metrics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    metric_type TEXT NOT NULL,
    value REAL NOT NULL,
    min_value REAL,
    max_value REAL,
    timestamp INTEGER NOT NULL,
    tier TEXT NOT NULL DEFAULT 'raw'
  );
  CREATE UNIQUE INDEX idx_metrics_unique ON metrics(resource_type, resource_id, metric_type, tier, timestamp);
  CREATE INDEX idx_metrics_tier_time ON metrics(tier, timestamp);
  CREATE INDEX idx_metrics_lookup ON metrics(resource_type, resource_id, tier, timestamp, metric_type);
  CREATE TABLE metrics_meta (key TEXT PRIMARY KEY, value TEXT);
`;

export const ORIGINAL_BATCH = 500;

export interface OriginalRow {
  type: string;
  id: string;
  metric: string;
  value: number;
  min: number;
  max: number;
  ts: number;
  tier: string;
}

export interface OriginalPoint {
  t: number;
  v: number;
  lo: number;
  hi: number;
}

export class OriginalStore {
  readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly select: StatementSync;

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      `INSERT INTO metrics (resource_type, resource_id, metric_type, value, min_value, max_value, timestamp, tier)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(resource_type, resource_id, metric_type, tier, timestamp)
       DO UPDATE SET value = excluded.value, min_value = excluded.min_value, max_value = excluded.max_value`,
    );
    this.select = this.db.prepare(
      `SELECT timestamp, value, min_value, max_value FROM metrics
       WHERE resource_type = ? AND resource_id = ? AND metric_type = ? AND tier = ? AND timestamp >= ? AND timestamp <= ?
       ORDER BY timestamp`,
    );
  }

  /** Writes rows in transactions of ORIGINAL_BATCH, the original's buffer size. */
  write(rows: readonly OriginalRow[]): void {
    for (let i = 0; i < rows.length; i += ORIGINAL_BATCH) {
      this.db.exec('BEGIN');
      for (const r of rows.slice(i, i + ORIGINAL_BATCH))
        this.insert.run(r.type, r.id, r.metric, r.value, r.min, r.max, r.ts, r.tier);
      this.db.exec('COMMIT');
    }
  }

  query(type: string, id: string, metric: string, tier: string, from: number, to: number): OriginalPoint[] {
    return this.select.all(type, id, metric, tier, from, to).map((r) => ({
      t: Number(r.timestamp),
      v: Number(r.value),
      lo: Number(r.min_value ?? r.value),
      hi: Number(r.max_value ?? r.value),
    }));
  }

  /** Used bytes after a truncating checkpoint. */
  usedBytes(): number {
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const pragma = (name: string) =>
      Number(Object.values(this.db.prepare(`PRAGMA ${name}`).get() ?? {})[0] ?? 0);
    return (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  }

  rows(): number {
    return Number(this.db.prepare('SELECT count(*) AS n FROM metrics').get()?.n ?? 0);
  }

  close(): void {
    this.db.close();
  }
}
