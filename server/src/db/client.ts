// Opens the SQLite file through libsql, switches it to WAL and applies the committed migrations.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from './schema/index.ts';
import { StatementClient } from './statement-client.ts';

export type Db = ReturnType<typeof drizzle<typeof schema>>;

export interface OpenDb {
  db: Db;
  /** The same file through prepared statements that are reused: for the paths that run all day. */
  sql: StatementClient;
  close(): void;
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
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const client = createClient({ url: `file:${join(dataDir, 'pulse.db')}` });
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA synchronous = NORMAL');
  await client.execute('PRAGMA busy_timeout = 5000');
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: migrationsDir });
  const sql = new StatementClient(join(dataDir, 'pulse.db'));
  return {
    db,
    sql,
    close: () => {
      sql.close();
      client.close();
    },
  };
}
