// Wires config, identity, the host collector, delivery and the health server into one running agent.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HostReport, HostReportResponse, type Logger, PATHS } from '@pulse/shared';
import { createHostCollector } from '../collectors/host/collect.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { machineId, persistAgentId, resolveAgentId } from '../config/identity.ts';
import { buildHostReport, type ReportIdentity, SequenceCounter } from '../report/host-report.ts';
import { PulseClient } from '../transport/client.ts';
import { Delivery } from '../transport/delivery.ts';
import { ReportBuffer } from '../transport/report-buffer.ts';
import { AGENT_VERSION } from '../version.ts';
import { type HealthSnapshot, startHealthServer } from './health-server.ts';
import { ModuleRegistry } from './module-status.ts';
import { runEvery } from './scheduler.ts';

export const BUFFER_FILE = 'report-buffer.json';

function isHostReport(v: unknown): v is HostReport {
  return HostReport.safeParse(v).success;
}

/** Runs until the signal aborts (or once, for --once / --dry-run). Returns the process exit code. */
export async function runAgent(config: AgentConfig, log: Logger, signal: AbortSignal): Promise<number> {
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  const mid = await machineId();
  const identity: ReportIdentity = {
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

  const modules = new ModuleRegistry();
  modules.set('host', { enabled: config.enableHost, state: config.enableHost ? 'starting' : 'disabled' });
  // Docker and Kubernetes are accepted now and wired in with their modules.
  modules.set('docker', { enabled: false, state: 'disabled' });
  modules.set('kubernetes', { enabled: false, state: 'disabled' });
  if (config.enableDocker || config.enableKubernetes) {
    log.warn('docker and kubernetes modules are not part of this build yet; only the host module runs');
  }

  const collector = createHostCollector({
    diskExclude: config.diskExclude,
    diskInclude: config.diskInclude,
    log,
  });
  await collector.prime();
  const sequence = new SequenceCounter();
  const makeReport = async (): Promise<HostReport> => {
    const collection = await collector.collect();
    modules.set('host', { state: 'running', notes: collection.notes });
    return buildHostReport(identity, collection, modules.list(), sequence.next(), new Date());
  };

  if (config.dryRun) {
    process.stdout.write(`${JSON.stringify(await makeReport(), null, 2)}\n`);
    return 0;
  }

  const client = new PulseClient({
    baseUrl: config.url,
    token: config.token,
    userAgent: `pulse-agent/${AGENT_VERSION}`,
    insecure: config.insecure,
    cacert: config.cacert,
  });
  const bufferPath = join(config.stateDir, BUFFER_FILE);
  const buffer = new ReportBuffer<HostReport>();
  const restored = buffer.load(bufferPath, isHostReport);
  if (restored.loaded > 0 || restored.rejected > 0) log.info('restored undelivered reports', restored);

  const delivery = new Delivery<HostReport>({
    client,
    path: PATHS.hostReportAlias,
    buffer,
    log,
    intervalMs: config.intervalMs,
    onAck: (body) => {
      const ack = HostReportResponse.safeParse(body);
      if (ack.success && ack.data.agentId && ack.data.agentId !== identity.agentId) {
        log.warn('server assigned a different agent id; adopting it', {
          from: identity.agentId,
          to: ack.data.agentId,
        });
        identity.agentId = ack.data.agentId;
        persistAgentId(config.agentIdFile, ack.data.agentId);
      }
    },
  });

  const startedAt = Date.now();
  const snapshot = (): HealthSnapshot => ({
    version: AGENT_VERSION,
    ready: delivery.stats.sent > 0,
    startedAt,
    agentId: identity.agentId,
    hostname: identity.hostname,
    reportsSent: delivery.stats.sent,
    reportsBuffered: buffer.size,
    reportsDropped: delivery.stats.dropped + buffer.dropped,
    lastSuccessAt: delivery.stats.lastSuccessAt,
    lastError: delivery.stats.lastError,
  });
  const health =
    config.health && !config.once ? await startHealthServer(config.health, snapshot, modules) : undefined;
  log.info('pulse-agent started', {
    version: AGENT_VERSION,
    url: config.url,
    agentId: identity.agentId,
    hostname: identity.hostname,
    intervalSeconds: identity.intervalSeconds,
    health: config.health ? `${config.health.host}:${config.health.port}` : 'off',
  });

  let exitCode = 0;
  try {
    if (config.once) {
      const outcome = await delivery.submit(await makeReport(), signal);
      if (outcome !== 'sent' || buffer.size > 0) {
        log.error('report not delivered', {
          outcome,
          reason: delivery.stats.lastError,
          buffered: buffer.size,
        });
        exitCode = 1;
      }
    } else {
      await runEvery(config.intervalMs, signal, async () => {
        try {
          if (config.enableHost) await delivery.submit(await makeReport(), signal);
        } catch (err) {
          modules.set('host', { state: 'retrying', lastError: String(err) });
          log.error('collection cycle failed', { err: String(err) });
        }
      });
    }
  } finally {
    const saved = buffer.save(bufferPath);
    if (saved > 0)
      log.info('saved undelivered reports for the next start', { reports: saved, path: bufferPath });
    await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
    await client.close();
  }
  return exitCode;
}
