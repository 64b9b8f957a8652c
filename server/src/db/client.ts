// Opens the SQLite file through libsql, switches it to WAL and applies the committed migrations.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { secureDataDir, touchPrivate } from '../security/data-dir.ts';
import * as schema from './schema/index.ts';
import { StatementClient } from './statement-client.ts';

export type Db = ReturnType<typeof drizzle<typeof schema>>;

export interface OpenDb {
  db: Db;
  /** The same file through prepared statements that are reused: for the paths that run all day. */
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

export async function openDb(dataDir: string, migrationsDir = defaultMigrationsDir()): Promise<OpenDb> {
  const tightened = secureDataDir(dataDir);
  const file = join(dataDir, 'pulse.db');
  // Created before SQLite opens it: SQLite copies the database file's mode onto -wal and -shm.
  touchPrivate(file);
  const client = createClient({ url: `file:${file}` });
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA synchronous = NORMAL');
  await client.execute('PRAGMA busy_timeout = 5000');
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: migrationsDir });
  const sql = new StatementClient(file);
  return {
    db,
    sql,
    tightened,
    close: () => {
      sql.close();
      client.close();
    },
  };
}
