// The one connection to the store: every SQL text is prepared once and its statement reused, for the
// metrics history, token use and (through db/drizzle-proxy.ts) every store that builds its SQL with
// drizzle. A native statement of the `libsql` package is freed only by a finalizer that runs after V8
// has collected its small JS wrapper and the event loop has turned; preparing one per call (what
// @libsql/client does) piles them up until the next major GC: a few KB each (8 KB for a metadata
// upsert), plus the bound BLOBs (libsql-client-ts#333, libsql-js#153). A cached statement is never
// freed and never needs to be. Reading all rows still makes one row cursor per call (under 1 KB, freed
// the same way); `firstArray` and writes make none.
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

/** How a statement's rows come back: objects keyed by column name, or arrays in column order. */
type RowShape = 'objects' | 'arrays';

/** The part of libsql's Statement used here; its typings spread arguments, we pass one array. */
interface NativeStatement {
  readonly reader: boolean;
  all(args: unknown[]): unknown[];
  get(args: unknown[]): unknown;
  run(args: unknown[]): unknown;
  raw(on: boolean): unknown;
}

interface Prepared {
  native: NativeStatement;
  reader: boolean;
  shape: RowShape;
}

/**
 * libsql's typings describe better-sqlite3's variadic signatures; the native calls take the argument
 * array as one value (a lone Uint8Array spread out would be taken for named parameters), which is how
 * this file calls them. Safe: NativeStatement lists only methods the Statement class has.
 */
function native(stmt: Database.Statement): NativeStatement {
  return stmt as unknown as NativeStatement;
}

export class StatementClient implements SqlClient {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Prepared>();

  constructor(path: string) {
    this.db = new Database(path);
    this.exec('PRAGMA busy_timeout = 5000');
  }

  /** Distinct SQL texts prepared so far (the cache never evicts: a dropped statement would leak). */
  get statements(): number {
    return this.cache.size;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  async execute(stmt: SqlStatement, args: readonly SqlValue[] = []): Promise<SqlRows> {
    return typeof stmt === 'string' ? this.objects(stmt, args) : this.objects(stmt.sql, stmt.args);
  }

  async batch(
    stmts: readonly SqlStatement[],
    mode: 'write' | 'read' | 'deferred' = 'deferred',
  ): Promise<SqlRows[]> {
    return this.transaction(
      () => stmts.map((s) => (typeof s === 'string' ? this.objects(s, []) : this.objects(s.sql, s.args))),
      mode === 'write' ? 'immediate' : 'deferred',
    );
  }

  /**
   * Runs `fn` in one transaction, synchronously: nothing else can interleave on this connection, which
   * is why there is no async variant (an await inside would let another caller's statements in).
   */
  transaction<T>(fn: () => T, mode: 'immediate' | 'deferred' = 'deferred'): T {
    this.run(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN', []);
    try {
      const out = fn();
      this.run('COMMIT', []);
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.run('ROLLBACK', []);
      throw err;
    }
  }

  /** Runs SQL text without keeping a statement: pragmas and migrations, which run once. */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Runs a statement that returns no rows (or whose rows are not wanted). */
  run(sql: string, args: readonly SqlValue[]): void {
    this.prepared(sql, 'objects').native.run([...args]);
  }

  /** Every row, each as an array in column order (what drizzle maps onto its fields). */
  arrays(sql: string, args: readonly SqlValue[]): unknown[][] {
    return this.prepared(sql, 'arrays').native.all([...args]) as unknown[][];
  }

  /** The first row as an array in column order, or undefined; reads no further (no row cursor is made). */
  firstArray(sql: string, args: readonly SqlValue[]): unknown[] | undefined {
    return this.prepared(sql, 'arrays').native.get([...args]) as unknown[] | undefined;
  }

  close(): void {
    this.db.close();
  }

  private objects(sql: string, args: readonly SqlValue[]): SqlRows {
    const prepared = this.prepared(sql, 'objects');
    // Arguments go in as one array: a lone Uint8Array would be taken for named parameters.
    if (prepared.reader) return { rows: prepared.native.all([...args]) as SqlRow[] };
    prepared.native.run([...args]);
    return { rows: [] };
  }

  private prepared(sql: string, shape: RowShape): Prepared {
    let prepared = this.cache.get(sql);
    if (!prepared) {
      const stmt = native(this.db.prepare(sql));
      prepared = { native: stmt, reader: stmt.reader, shape: 'objects' };
      this.cache.set(sql, prepared);
    }
    // raw() is only allowed on statements that return rows; a writer's shape does not matter.
    if (prepared.reader && prepared.shape !== shape) {
      prepared.native.raw(shape === 'arrays');
      prepared.shape = shape;
    }
    return prepared;
  }
}
