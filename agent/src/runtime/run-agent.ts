// Wires config, identity, the enabled modules, delivery and the health server into one running agent.
import { mkdirSync } from 'node:fs';
import type { Logger } from '@pulse/shared';
import type { AgentConfig } from '../config/agent-config.ts';
import { machineId, resolveAgentId } from '../config/identity.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { PulseClient } from '../transport/client.ts';
import { AGENT_VERSION } from '../version.ts';
import { dockerSource } from './docker-source.ts';
import { type HealthSnapshot, startHealthServer } from './health-server.ts';
import { hostSource } from './host-source.ts';
import { kubernetesSource } from './kubernetes-source.ts';
import { ModuleRegistry } from './module-status.ts';
import { Reporter, type ReportSource } from './reporter.ts';

async function agentIdentity(config: AgentConfig): Promise<ReportIdentity> {
  const mid = await machineId();
  return {
    agentId: resolveAgentId({
      flag: config.agentId,
      file: config.agentIdFile,
      machineId: mid,
      hostname: config.hostname,
    }),
    machineId: mid,
    hostname: config.hostname,
    version: AGENT_VERSION,
    intervalSeconds: Math.round(config.intervalMs / 1000),
    tags: config.tags,
    diskExclude: config.diskExclude,
  };
}

/** Runs until the signal aborts (or once, for --once / --dry-run). Returns the process exit code. */
export async function runAgent(
  config: AgentConfig,
  log: Logger,
  signal: AbortSignal,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const identity = await agentIdentity(config);
  const modules = new ModuleRegistry();
  const sources: Array<ReportSource<unknown>> = [];
  modules.set('host', { enabled: config.enableHost, state: config.enableHost ? 'starting' : 'disabled' });
  if (config.enableHost) sources.push(hostSource(config, identity, modules, log));
  modules.set('docker', {
    enabled: config.enableDocker,
    state: config.enableDocker ? 'starting' : 'disabled',
  });
  // The Docker source is light: it loads dockerode and the collectors itself, once an engine answers.
  if (config.enableDocker) sources.push(dockerSource(config, identity, modules, log, env));
  modules.set('kubernetes', {
    enabled: config.enableKubernetes,
    state: config.enableKubernetes ? 'starting' : 'disabled',
  });
  // Light too: client-node (tens of MiB once loaded) is imported only once the API server answers.
  if (config.enableKubernetes) sources.push(kubernetesSource(config, identity, modules, log, env));

  if (config.dryRun) return dryRun(sources, log);

  const client = new PulseClient({
    baseUrl: config.url,
    token: config.token,
    userAgent: `pulse-agent/${AGENT_VERSION}`,
    insecure: config.insecure,
    cacert: config.cacert,
  });
  const ctx = { client, log, stateDir: config.stateDir, intervalMs: config.intervalMs, modules };
  const reporters = sources.map((s) => new Reporter(s, ctx));

  const startedAt = Date.now();
  const snapshot = (): HealthSnapshot => {
    const sum = (f: (r: Reporter<unknown>) => number) => reporters.reduce((n, r) => n + f(r), 0);
    const last = reporters.map((r) => r.delivery.stats.lastSuccessAt ?? 0);
    return {
      version: AGENT_VERSION,
      ready: reporters.some((r) => r.delivery.stats.sent > 0),
      startedAt,
      agentId: identity.agentId,
      hostname: identity.hostname,
      reportsSent: sum((r) => r.delivery.stats.sent),
      reportsBuffered: sum((r) => r.buffer.size),
      reportsDropped: sum((r) => r.delivery.stats.dropped + r.buffer.dropped),
      lastSuccessAt: Math.max(0, ...last) || undefined,
      lastError: reporters.map((r) => r.delivery.stats.lastError).find((e) => e !== undefined),
    };
  };
  const health =
    config.health && !config.once ? await startHealthServer(config.health, snapshot, modules) : undefined;
  log.info('pulse-agent started', {
    version: AGENT_VERSION,
    url: config.url,
    agentId: identity.agentId,
    hostname: identity.hostname,
    intervalSeconds: identity.intervalSeconds,
    modules: sources.map((s) => s.name),
    health: config.health ? `${config.health.host}:${config.health.port}` : 'off',
  });

  let exitCode = 0;
  try {
    if (config.once)
      exitCode = await once(reporters, log, signal, config.dockerAutoDetected ? ['docker'] : []);
    else await Promise.all(reporters.map((r) => r.run(signal)));
  } finally {
    for (const r of reporters) {
      const saved = r.save();
      if (saved > 0)
        log.info('saved undelivered reports for the next start', { module: r.source.name, reports: saved });
      r.source.close?.();
    }
    await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
    await client.close();
  }
  return exitCode;
}

/** --once: every module sends one report (after its saved ones); a module that cannot is a failure. */
async function once(
  reporters: Array<Reporter<unknown>>,
  log: Logger,
  signal: AbortSignal,
  optional: string[],
): Promise<number> {
  let code = 0;
  for (const r of reporters) {
    const outcome = await r.cycle(signal);
    // A module turned on by auto-detection that finds nothing to report on is not a failure.
    if (outcome === 'unavailable' && optional.includes(r.source.name)) continue;
    if (outcome !== 'sent' || r.buffer.size > 0) {
      log.error('report not delivered', {
        module: r.source.name,
        outcome,
        reason: r.delivery.stats.lastError,
        buffered: r.buffer.size,
      });
      code = 1;
    }
  }
  return code;
}

/** --dry-run: print what would be sent; one module prints its report, several print an object by module. */
async function dryRun(sources: Array<ReportSource<unknown>>, log: Logger): Promise<number> {
  const out: Record<string, unknown> = {};
  for (const s of sources) {
    const reason = await s.prepare();
    if (reason) log.warn(`${s.name}: unavailable`, { reason });
    else out[s.name] = await s.build();
    s.close?.();
  }
  const values = Object.values(out);
  process.stdout.write(`${JSON.stringify(values.length === 1 ? values[0] : out, null, 2)}\n`);
  return 0;
}
