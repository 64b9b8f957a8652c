// The Docker and Kubernetes modules as report sources: connect (with the reporter's back-off), collect,
// and wrap the collection in the wire report with the agent's identity.
import { DockerReport, DockerReportResponse, KubernetesReport, type Logger, PATHS } from '@pulse/shared';
import { createDockerCollector } from '../collectors/docker/collect.ts';
import { EngineLost } from '../collectors/docker/engine-api.ts';
import { createKubernetesCollector } from '../collectors/kubernetes/collect.ts';
import { ClusterLost } from '../collectors/kubernetes/errors.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import type { ModuleRegistry } from './module-status.ts';
import { type ReportSource, SourceLost } from './reporter.ts';

function agentInfo(identity: ReportIdentity) {
  return {
    id: identity.agentId,
    version: identity.version,
    type: 'unified' as const,
    intervalSeconds: identity.intervalSeconds,
  };
}

/** The collectors' own "gone" errors become the reporter's cue to reconnect. */
function lostAsSourceLost(err: unknown): never {
  if (err instanceof EngineLost || err instanceof ClusterLost) throw new SourceLost(err.message);
  throw err;
}

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
  return {
    name: 'docker',
    path: PATHS.dockerReport,
    bufferFile: 'report-buffer-docker.json',
    isReport: (v): v is DockerReport => DockerReport.safeParse(v).success,
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
      const ack = DockerReportResponse.safeParse(body);
      for (const command of ack.success ? (ack.data.commands ?? []) : []) {
        // Commands that change containers are not part of this agent; a stop request is logged for the admin.
        log.warn('server sent a Docker command this agent does not carry out', {
          type: command.type,
          id: command.id,
        });
      }
    },
    close: () => collector.close(),
  };
}

export function kubernetesSource(
  config: AgentConfig,
  identity: ReportIdentity,
  modules: ModuleRegistry,
  log: Logger,
  env: Record<string, string | undefined>,
): ReportSource<KubernetesReport> {
  const collector = createKubernetesCollector({
    kubeconfig: config.kubeconfig,
    context: config.kubeContext,
    includeNamespaces: config.kubeIncludeNamespaces,
    excludeNamespaces: config.kubeExcludeNamespaces,
    includeAllPods: config.kubeIncludeAllPods,
    includeAllDeployments: config.kubeIncludeAllDeployments,
    maxPods: config.kubeMaxPods,
    env,
    log,
  });
  return {
    name: 'kubernetes',
    path: PATHS.kubernetesReport,
    bufferFile: 'report-buffer-kubernetes.json',
    isReport: (v): v is KubernetesReport => KubernetesReport.safeParse(v).success,
    async prepare() {
      const conn = await collector.connect();
      return conn.ok ? undefined : conn.reason;
    },
    async build() {
      const { notes, ...c } = await collector.collect().catch(lostAsSourceLost);
      modules.set('kubernetes', { state: 'running', notes });
      return { ...c, agent: agentInfo(identity), timestamp: new Date().toISOString() };
    },
    close: () => collector.close(),
  };
}
