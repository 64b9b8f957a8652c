// Server entry: config → database → migrations → createApp(deps) → listen; signals stop it cleanly.
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createLogger } from '@pulse/shared';
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { composeDeps } from './compose.ts';
import { parseConfig } from './config.ts';
import { openDb } from './db/client.ts';
import { applySocketLimits, socketServerOptions } from './http/socket-limits.ts';
import { detectVersion } from './version.ts';

const LIVENESS_SWEEP_MS = 5_000;
/** The history writer's cadence; a crash loses the samples of the raw slab not sealed yet (see history-store.ts). */
const HISTORY_TICK_MS = 5_000;

async function main(): Promise<void> {
  // Everything this process creates (the database's -wal/-shm, key and token files) is its own alone;
  // openDb also tightens what an older version left group- or world-readable.
  process.umask(0o077);
  const config = parseConfig(process.env);
  const log = createLogger(config.logLevel);
  const dataDir = resolve(config.dataDir);
  const { db, sql, close, tightened } = await openDb(dataDir);
  if (tightened.length > 0) {
    log.warn('took group and other access away in the data directory', { dataDir, entries: tightened });
  }
  const version = detectVersion(process.env);
  const deps = await composeDeps({
    db,
    sql,
    dataDir,
    envTokens: config.envTokens,
    log,
    clock: systemClock,
    version,
    pollIntervals: config.pollIntervals,
    metricsRetention: config.metricsRetention,
    agentLimits: config.agentLimits,
  });
  const app = createApp(deps);
  deps.proxmox.start();

  const sweep = setInterval(() => {
    deps.hostAgents.sweep();
    deps.dockerAgents.fleet.sweep();
    deps.kubernetesAgents.fleet.sweep();
  }, LIVENESS_SWEEP_MS);
  const historyTick = setInterval(() => {
    deps.history
      .tick()
      .catch((err: unknown) => log.error('metrics history write failed', { error: String(err) }));
    // Same cadence for the agent inventory: a crash forgets at most this much of who reported.
    deps.agentInventory
      .flush()
      .catch((err: unknown) => log.error('agent inventory write failed', { error: String(err) }));
    void deps.tokens.flushUse();
  }, HISTORY_TICK_MS);
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.bindAddress,
      serverOptions: socketServerOptions(config.socketLimits),
    },
    (info) => {
      log.info('pulse server listening', {
        address: info.address,
        port: info.port,
        dataDir,
        version: version.version,
      });
      if (deps.setup.active) {
        log.warn(
          `No API token exists yet. Create one with: curl -X POST -H "X-Setup-Token: $(cat ${deps.setup.path})" -H "Content-Type: application/json" -d '{"name":"admin"}' http://localhost:${info.port}/api/security/tokens`,
        );
      }
    },
  );
  applySocketLimits(server, config.socketLimits, log);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    clearInterval(sweep);
    void deps.proxmox.stop();
    clearInterval(historyTick);
    // Flush before waiting on open connections, so the 5 s fallback exit cannot skip it.
    const flushed = Promise.all([
      deps.history
        .close()
        .catch((err: unknown) => log.error('metrics history flush failed', { error: String(err) })),
      deps.agentInventory
        .close()
        .catch((err: unknown) => log.error('agent inventory flush failed', { error: String(err) })),
      deps.tokens.flushUse(),
    ]);
    server.close(() => {
      void flushed.finally(() => {
        close();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`pulse server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
