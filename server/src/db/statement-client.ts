// A second connection to the store for the paths that run all day (the metrics history writer and
// readers, token use): every SQL text is prepared once and its statement reused. @libsql/client
// prepares a new native statement per call and never frees it (about 2.5 KB, plus the bound BLOBs,
// per call; libsql-client-ts#333), so a server left running would grow without bound.
import Database from 'libsql';

export type SqlValue = null | number | bigint | string | Uint8Array;
export type SqlStatement = string | { sql: string; args: readonly SqlValue[] };
export type SqlRow = Record<string, unknown>;
export interface SqlRows {
  rows: SqlRow[];
}

/** What the history store and the token store need: the shape of @libsql/client's execute and batch. */
export interface SqlClient {
  execute(stmt: SqlStatement, args?: readonly SqlValue[]): Promise<SqlRows>;
  /** Runs the statements in one transaction (`write` takes the write lock up front). */
  batch(stmts: readonly SqlStatement[], mode?: 'write' | 'read' | 'deferred'): Promise<SqlRows[]>;
}

interface Prepared {
  reader: boolean;
  all(args: unknown[]): unknown[];
  run(args: unknown[]): unknown;
}

export class StatementClient implements SqlClient {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Prepared>();

  constructor(path: string) {
    this.db = new Database(path);
    this.one('PRAGMA busy_timeout = 5000', []);
  }

  /** Distinct SQL texts prepared so far (the cache never evicts: a dropped statement would leak). */
  get statements(): number {
    return this.cache.size;
  }

  async execute(stmt: SqlStatement, args: readonly SqlValue[] = []): Promise<SqlRows> {
    return typeof stmt === 'string' ? this.one(stmt, args) : this.one(stmt.sql, stmt.args);
  }

  async batch(
    stmts: readonly SqlStatement[],
    mode: 'write' | 'read' | 'deferred' = 'deferred',
  ): Promise<SqlRows[]> {
    this.one(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN', []);
    try {
      const out = stmts.map((s) => (typeof s === 'string' ? this.one(s, []) : this.one(s.sql, s.args)));
      this.one('COMMIT', []);
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.one('ROLLBACK', []);
      throw err;
    }
  }

  close(): void {
    this.db.close();
  }

  private one(sql: string, args: readonly SqlValue[]): SqlRows {
    let prepared = this.cache.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql) as unknown as Prepared;
      this.cache.set(sql, prepared);
    }
    // Arguments go in as one array: a lone Uint8Array would be taken for named parameters.
    const bound = [...args];
    if (prepared.reader) return { rows: prepared.all(bound) as SqlRow[] };
    prepared.run(bound);
    return { rows: [] };
  }
}
