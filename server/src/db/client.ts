// Opens the SQLite file over one libsql connection, switches it to WAL and applies the committed migrations.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/sqlite-proxy/migrator';
import { secureDataDir, touchPrivate } from '../security/data-dir.ts';
import { type Db, drizzleOn } from './drizzle-proxy.ts';
import { StatementClient } from './statement-client.ts';

export type { Db } from './drizzle-proxy.ts';

export interface OpenDb {
  /** The stores' query builder; its SQL runs through `sql`'s reused statements. */
  db: Db;
  /** The same (only) connection, for the paths that write their SQL themselves (history, token use). */
  sql: StatementClient;
  close(): void;
  /** Data directory entries whose group/other access was taken away on open ('.' is the directory). */
  tightened: string[];
}

/** Migrations sit in server/drizzle in the repo and next to the bundle in dist/. */
export function defaultMigrationsDir(): string {
  const candidates = [
    fileURLToPath(new URL('./drizzle', import.meta.url)),
    fileURLToPath(new URL('../../drizzle', import.meta.url)),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'meta', '_journal.json')));
  if (!found) throw new Error(`database migrations not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Applies what drizzle's migrator found pending, all or nothing. Foreign keys are off meanwhile (a table
 * that drizzle-kit rebuilds is dropped and re-created) and on afterwards, as @libsql/client left them.
 */
function applyMigrations(sql: StatementClient, queries: readonly string[]): void {
  sql.exec('PRAGMA foreign_keys = OFF');
  try {
    sql.exec('BEGIN IMMEDIATE');
    try {
      for (const query of queries) sql.exec(query);
      sql.exec('COMMIT');
    } catch (err) {
      if (sql.inTransaction) sql.exec('ROLLBACK');
      throw err;
    }
  } finally {
    sql.exec('PRAGMA foreign_keys = ON');
  }
}

export async function openDb(dataDir: string, migrationsDir = defaultMigrationsDir()): Promise<OpenDb> {
  const tightened = secureDataDir(dataDir);
  const file = join(dataDir, 'pulse.db');
  // Created before SQLite opens it: SQLite copies the database file's mode onto -wal and -shm.
  touchPrivate(file);
  const sql = new StatementClient(file);
  try {
    sql.exec('PRAGMA journal_mode = WAL');
    sql.exec('PRAGMA synchronous = NORMAL');
    const db = drizzleOn(sql);
    await migrate(db, async (queries) => applyMigrations(sql, queries), { migrationsFolder: migrationsDir });
    return { db, sql, tightened, close: () => sql.close() };
  } catch (err) {
    sql.close();
    throw err;
  }
}
