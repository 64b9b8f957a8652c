// The Docker module as a report source: connect with the reporter's back-off, collect, wrap in the report.
import type { DockerReport, Logger } from '@pulse/shared';
import { PATHS } from '@pulse/shared/protocol';
import { createDockerCollector } from '../collectors/docker/collect.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { ackedCommands, looksLikeReport } from '../report/shape.ts';
import type { ModuleRegistry } from './module-status.ts';
import type { ReportSource } from './reporter.ts';
import { agentInfo, lostAsSourceLost } from './source-common.ts';

export function dockerSource(
  config: AgentConfig,
  identity: ReportIdentity,
  modules: ModuleRegistry,
  log: Logger,
  env: Record<string, string | undefined>,
): ReportSource<DockerReport> {
  // A collection must end before the next one is due; 25 s at most, as with the default 30 s interval.
  const cycleBudgetMs = Math.min(25_000, Math.max(5_000, config.intervalMs * 0.8));
  const collector = createDockerCollector({ runtime: config.dockerRuntime, env, log, cycleBudgetMs });
  const seenCommands = new Set<string>();
  return {
    name: 'docker',
    path: PATHS.dockerReport,
    bufferFile: 'report-buffer-docker.json',
    isReport: looksLikeReport<DockerReport>('host'),
    async prepare() {
      const conn = await collector.connect();
      return conn.ok ? undefined : conn.reason;
    },
    async build() {
      const c = await collector.collect().catch(lostAsSourceLost);
      modules.set('docker', { state: 'running', notes: c.notes });
      return {
        agent: agentInfo(identity),
        host: { ...c.host, hostname: identity.hostname, machineId: identity.machineId },
        containers: c.containers,
        images: c.images,
        volumes: c.volumes,
        networks: c.networks,
        storageUsage: c.storageUsage,
        services: c.services,
        tasks: c.tasks,
        nodes: c.nodes,
        secrets: c.secrets,
        configs: c.configs,
        timestamp: new Date().toISOString(),
      };
    },
    onAck(body) {
      for (const command of ackedCommands(body)) {
        // Commands that change containers are not part of this agent; each one is logged once for the
        // admin (a pending uninstall repeats its stop command on every acknowledgement).
        if (seenCommands.has(command.id)) continue;
        seenCommands.add(command.id);
        log.warn('server sent a Docker command this agent does not carry out', {
          type: command.type,
          id: command.id,
        });
      }
    },
    close: () => collector.close(),
  };
}
