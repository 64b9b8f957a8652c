// The data directory is the server's alone: 0700, and the database (with its -wal/-shm), the key and the
// setup token 0600, whether the directory is new or was left readable by an older version.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADERS } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../../testing/expect-error.ts';
import { makeHarness } from '../../testing/harness.ts';
import { StatementClient } from '../db/statement-client.ts';
import { secureDataDir } from './data-dir.ts';
import { KEY_FILE } from './secret-box.ts';
import { SETUP_TOKEN_FILE } from './setup-token.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pulse-modes-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function expectPrivate(dataDir: string, files: string[]): void {
  expect(mode(dataDir).toString(8)).toBe('700');
  for (const file of files) expect(`${file} ${mode(join(dataDir, file)).toString(8)}`).toBe(`${file} 600`);
}

describe.skipIf(process.platform === 'win32')('data directory modes', () => {
  it('creates a fresh directory 0700 with every file in it 0600, -wal and -shm included', async () => {
    const dataDir = join(root, 'fresh');
    const h = await makeHarness({ dataDir });
    try {
      // A write, so the WAL has content while the database is open.
      await h.token(['monitoring:read']);
      const files = readdirSync(dataDir);
      expect(files).toEqual(expect.arrayContaining(['pulse.db', 'pulse.db-wal', 'pulse.db-shm', KEY_FILE]));
      expectPrivate(dataDir, files);
    } finally {
      h.close();
    }
  });

  it('tightens a directory and files an older version left 0755/0644, keeping their contents', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    // An older version's database, opened the way it did: no mode of its own, so the WAL files copied 0644.
    const old = new StatementClient(join(dataDir, 'pulse.db'));
    await old.execute('PRAGMA journal_mode = WAL');
    await old.execute('CREATE TABLE leftover (x INTEGER)');
    const setup = 'ab'.repeat(24);
    writeFileSync(join(dataDir, SETUP_TOKEN_FILE), `${setup}\n`);
    writeFileSync(join(dataDir, 'notes.txt'), 'operator notes\n');
    for (const file of readdirSync(dataDir)) chmodSync(join(dataDir, file), 0o644);
    old.close();

    const h = await makeHarness({ dataDir });
    try {
      expectPrivate(dataDir, readdirSync(dataDir));
      // The setup token kept its value: the operator may already have copied it.
      const res = await h.app.request('/api/security/tokens', {
        method: 'POST',
        headers: { [HEADERS.setupToken]: setup, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'first' }),
      });
      expect(res.status).toBe(201);
      expect(existsSync(join(dataDir, SETUP_TOKEN_FILE))).toBe(false);
    } finally {
      h.close();
    }
  });

  it('reports what it tightened and leaves symbolic links and subdirectories alone', () => {
    const dataDir = join(root, 'mixed');
    mkdirSync(join(dataDir, 'sub'), { recursive: true });
    chmodSync(dataDir, 0o750);
    writeFileSync(join(dataDir, 'open.txt'), 'x', { mode: 0o664 });
    writeFileSync(join(dataDir, 'closed.txt'), 'x', { mode: 0o600 });
    writeFileSync(join(dataDir, 'sub', 'inner.txt'), 'x', { mode: 0o644 });
    chmodSync(join(dataDir, 'sub', 'inner.txt'), 0o644);
    expect(secureDataDir(dataDir).sort()).toEqual(['.', 'open.txt']);
    expect(mode(join(dataDir, 'sub', 'inner.txt')).toString(8)).toBe('644');
    expect(secureDataDir(dataDir)).toEqual([]);
  });
});

describe('the 401 before setup', () => {
  it('names the setup token file but not the absolute data directory path', async () => {
    const dataDir = join(root, 'secret-place');
    const h = await makeHarness({ dataDir });
    try {
      const body = await expectError(await h.app.request('/api/state'), 401, 'setup_required');
      expect(body.error).toContain(SETUP_TOKEN_FILE);
      expect(body.error).toContain("server's data directory");
      expect(body.error).not.toContain(dataDir);
      expect(body.error).not.toContain(root);
      expect(body.error).not.toContain(tmpdir());
    } finally {
      h.close();
    }
  });
});
