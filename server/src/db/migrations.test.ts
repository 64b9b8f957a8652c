import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultMigrationsDir, openDb } from './client.ts';
import { StatementClient } from './statement-client.ts';

describe('migrations', () => {
  it('carry host metadata and removal blocks from the first schema into the shared tables', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pulse-mig-'));
    // A store as the first release left it: only migration 0000 applied.
    const firstOnly = mkdtempSync(join(tmpdir(), 'pulse-mig-dir-'));
    cpSync(defaultMigrationsDir(), firstOnly, { recursive: true });
    const journalPath = join(firstOnly, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const old = await openDb(dataDir, firstOnly);
    old.close();
    const raw = new StatementClient(join(dataDir, 'pulse.db'));
    await raw.execute(
      `INSERT INTO host_metadata (host_id, custom_url, description, tags, notes, updated_at) VALUES ('nas', 'https://nas.lan', 'disks', '["home"]', '[]', 1)`,
    );
    await raw.execute(
      `INSERT INTO removed_hosts (host_id, hostname, removed_at) VALUES ('old', 'old-box', 2)`,
    );
    raw.close();

    const current = await openDb(dataDir);
    current.close();
    const check = new StatementClient(join(dataDir, 'pulse.db'));
    try {
      const meta = await check.execute('SELECT kind, id, custom_url, tags FROM resource_metadata');
      expect(meta.rows.map((r) => ({ ...r }))).toEqual([
        { kind: 'host', id: 'nas', custom_url: 'https://nas.lan', tags: '["home"]' },
      ]);
      const removed = await check.execute('SELECT kind, id, name, removed_at FROM removed_agents');
      expect(removed.rows.map((r) => ({ ...r }))).toEqual([
        { kind: 'host', id: 'old', name: 'old-box', removed_at: 2 },
      ]);
      const tables = await check.execute(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('host_metadata', 'removed_hosts')`,
      );
      expect(tables.rows).toEqual([]);
    } finally {
      check.close();
    }
  });
});
