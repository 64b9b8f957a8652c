// The heavy half of the Kubernetes source (client-node and the collectors), imported only once the API
// server answers. The build bundles it apart from the main script (scripts/build-agent.ts), so it shares
// no classes with it: a lost cluster comes back as data, not as the reporter's SourceLost.
import type { KubernetesReport, Logger } from '@pulse/shared';
import { createKubernetesCollector } from '../collectors/kubernetes/collect.ts';
import { ClusterLost } from '../collectors/kubernetes/errors.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { agentInfo } from './source-common.ts';

export type KubernetesModuleConfig = Pick<
  AgentConfig,
  | 'kubeconfig'
  | 'kubeContext'
  | 'kubeIncludeNamespaces'
  | 'kubeExcludeNamespaces'
  | 'kubeIncludeAllPods'
  | 'kubeIncludeAllDeployments'
  | 'kubeMaxPods'
>;

export interface KubernetesModuleOptions {
  config: KubernetesModuleConfig;
  identity: ReportIdentity;
  env: Record<string, string | undefined>;
  log: Logger;
}

export type KubernetesModuleReport =
  | { ok: true; report: KubernetesReport; notes: Record<string, string> }
  | { ok: false; lost: string };

export interface KubernetesModule {
  /** Loads the credentials and asks the API server its version; resolves to the reason when it cannot. */
  connect(): Promise<string | undefined>;
  /** One report and the notes for the module status, or why the cluster is gone (connect again). */
  report(): Promise<KubernetesModuleReport>;
  close(): void;
}

export function openKubernetesModule(opts: KubernetesModuleOptions): KubernetesModule {
  const { config, identity } = opts;
  const collector = createKubernetesCollector({
    kubeconfig: config.kubeconfig,
    context: config.kubeContext,
    includeNamespaces: config.kubeIncludeNamespaces,
    excludeNamespaces: config.kubeExcludeNamespaces,
    includeAllPods: config.kubeIncludeAllPods,
    includeAllDeployments: config.kubeIncludeAllDeployments,
    maxPods: config.kubeMaxPods,
    env: opts.env,
    log: opts.log,
  });
  return {
    async connect() {
      const conn = await collector.connect();
      return conn.ok ? undefined : conn.reason;
    },
    async report() {
      let collected: Awaited<ReturnType<typeof collector.collect>>;
      try {
        collected = await collector.collect();
      } catch (err) {
        if (err instanceof ClusterLost) return { ok: false, lost: err.message };
        throw err;
      }
      const { notes, ...c } = collected;
      const report: KubernetesReport = {
        ...c,
        agent: agentInfo(identity),
        timestamp: new Date().toISOString(),
      };
      return { ok: true, report, notes };
    },
    close: () => collector.close(),
  };
}
