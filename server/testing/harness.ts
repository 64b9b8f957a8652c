// Builds a real app on a fresh temp data dir (real SQLite file) for in-process and on-port tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from '@pulse/shared';
import { createLogger } from '@pulse/shared';
import type { Hono } from 'hono';
import { createApp } from '../src/app.ts';
import type { Clock } from '../src/clock.ts';
import { composeDeps } from '../src/compose.ts';
import { openDb } from '../src/db/client.ts';
import type { SqlClient } from '../src/db/statement-client.ts';
import type { AppDeps } from '../src/deps.ts';
import type { AppEnv } from '../src/http/context.ts';
import type { AgentLimits } from '../src/sources/agents/agent-limits.ts';
import { detectVersion } from '../src/version.ts';

export class FakeClock implements Clock {
  t: number;
  constructor(start = Date.parse('2026-11-01T12:00:00Z')) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Harness {
  app: Hono<AppEnv>;
  deps: AppDeps;
  dataDir: string;
  /** The server's one database connection (to read what it wrote, or count its changes). */
  sql: SqlClient;
  /** Mints a token with the given scopes straight through the domain. */
  token(scopes?: Scope[], name?: string): Promise<string>;
  close(): void;
}

export async function makeHarness(
  opts: { clock?: Clock; envTokens?: string[]; dataDir?: string; agentLimits?: Partial<AgentLimits> } = {},
): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'pulse-test-'));
  const { db, sql, close } = await openDb(dataDir);
  const deps = await composeDeps({
    db,
    sql,
    dataDir,
    envTokens: opts.envTokens ?? [],
    log: createLogger('silent'),
    clock: opts.clock ?? new FakeClock(),
    version: detectVersion({}),
    ...(opts.agentLimits ? { agentLimits: opts.agentLimits } : {}),
  });
  return {
    app: createApp(deps),
    deps,
    dataDir,
    sql,
    token: async (scopes = ['*'], name = 'test') => (await deps.tokens.create({ name, scopes })).token,
    close: () => {
      close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
