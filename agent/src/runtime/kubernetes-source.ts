// The Kubernetes module as a report source: connect with the reporter's back-off, collect, wrap in the report.
import type { KubernetesReport, Logger } from '@pulse/shared';
import { PATHS } from '@pulse/shared/protocol';
import { createKubernetesCollector } from '../collectors/kubernetes/collect.ts';
import { ClusterLost } from '../collectors/kubernetes/errors.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { looksLikeReport } from '../report/shape.ts';
import type { ModuleRegistry } from './module-status.ts';
import { type ReportSource, SourceLost } from './reporter.ts';
import { agentInfo } from './source-common.ts';

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
    isReport: looksLikeReport<KubernetesReport>('cluster'),
    async prepare() {
      const conn = await collector.connect();
      return conn.ok ? undefined : conn.reason;
    },
    async build() {
      const { notes, ...c } = await collector.collect().catch((err: unknown) => {
        // The collector's "gone" error is the reporter's cue to reconnect.
        throw err instanceof ClusterLost ? new SourceLost(err.message) : err;
      });
      modules.set('kubernetes', { state: 'running', notes });
      return { ...c, agent: agentInfo(identity), timestamp: new Date().toISOString() };
    },
    close: () => collector.close(),
  };
}
