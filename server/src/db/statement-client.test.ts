// The statement client: one prepared statement per SQL text, BLOBs in and out, all-or-nothing batches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatementClient } from './statement-client.ts';

let dir: string;
let sql: StatementClient;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-sql-'));
  sql = new StatementClient(join(dir, 'x.db'));
  // As the store opens it (db/client.ts): without WAL every autocommit insert waits for an fsync.
  sql.exec('PRAGMA journal_mode = WAL');
  sql.exec('PRAGMA synchronous = NORMAL');
  await sql.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, b BLOB)');
});
afterEach(() => {
  sql.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StatementClient', () => {
  it('prepares each SQL text once however often it runs', async () => {
    const before = sql.statements;
    for (let i = 0; i < 500; i++) await sql.execute('INSERT INTO t (name) VALUES (?)', [`n${i}`]);
    for (let i = 0; i < 500; i++)
      await sql.execute({ sql: 'SELECT count(*) AS n FROM t WHERE name = ?', args: ['n1'] });
    expect(sql.statements - before).toBe(2);
    expect((await sql.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(500);
  });

  it('binds a lone BLOB argument and reads it back byte for byte', async () => {
    const blob = new Uint8Array([0, 1, 2, 250, 255]);
    await sql.execute('INSERT INTO t (b) VALUES (?)', [blob]);
    const back = (await sql.execute('SELECT b FROM t')).rows[0]?.b;
    expect(back).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(back as ArrayBuffer)]).toEqual([...blob]);
  });

  it('rolls a failing batch back completely', async () => {
    await expect(
      sql.batch(
        [
          { sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [1, 'a'] },
          { sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [1, 'duplicate'] },
        ],
        'write',
      ),
    ).rejects.toThrow();
    expect((await sql.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(0);
    const [, rows] = await sql.batch(
      ["INSERT INTO t (id, name) VALUES (2, 'b')", 'SELECT name FROM t'],
      'write',
    );
    expect(rows?.rows).toEqual([{ name: 'b' }]);
  });

  it('reads the same SQL text as objects or as arrays, switching its one statement', async () => {
    await sql.execute('INSERT INTO t (id, name) VALUES (?, ?), (?, ?)', [1, 'a', 2, 'b']);
    const text = 'SELECT id, name FROM t ORDER BY id';
    expect(sql.arrays(text, [])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect((await sql.execute(text)).rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(sql.firstArray(text, [])).toEqual([1, 'a']);
    expect(sql.firstArray('SELECT id FROM t WHERE id = ?', [9])).toBeUndefined();
    expect(sql.statements).toBe(4);
  });
});
