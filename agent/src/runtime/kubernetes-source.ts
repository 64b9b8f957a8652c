// The Kubernetes module as a report source: ping the API server, load the module once it answers, collect,
// report; drop the module's clients while the cluster is away.
import type { KubernetesReport, Logger } from '@pulse/shared';
import { PATHS } from '@pulse/shared/protocol';
import { locateKubeConfig } from '../collectors/kubernetes/kubeconfig-locate.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { looksLikeReport } from '../report/shape.ts';
import { pingCluster } from './cluster-ping.ts';
import type { KubernetesModule, KubernetesModuleConfig } from './kubernetes-module.ts';
import type { ModuleRegistry } from './module-status.ts';
import { type ReportSource, SourceLost } from './reporter.ts';

export interface KubernetesSourceOptions {
  /** How long the API server has to answer the ping (default 2 s). */
  pingTimeoutMs?: number;
  /** Where the pod's service account is mounted; tests point it elsewhere. */
  serviceAccountDir?: string;
  /** Called with every module instance the source opens: a test holds a WeakRef to see it released. */
  onModule?: (module: object) => void;
}

/**
 * client-node and the collectors are imported only after the API server answered a plain HTTPS request,
 * so an agent whose cluster is down (or that has no credentials at all) never loads them. When the
 * cluster goes away or refuses the agent, the module's collector, API clients and connection pool are
 * dropped while the reporter backs off and pings again; the code, once imported, stays (Node keeps
 * every module it loaded), but everything it allocated can be collected. In the built agent the module is
 * a chunk of its own (scripts/build-agent.ts): until a cluster answers, its code is not even parsed.
 */
export function kubernetesSource(
  config: KubernetesModuleConfig,
  identity: ReportIdentity,
  modules: ModuleRegistry,
  log: Logger,
  env: Record<string, string | undefined>,
  opts: KubernetesSourceOptions = {},
): ReportSource<KubernetesReport> {
  let loaded: KubernetesModule | undefined;
  const unload = () => {
    loaded?.close();
    loaded = undefined;
  };

  return {
    name: 'kubernetes',
    path: PATHS.kubernetesReport,
    bufferFile: 'report-buffer-kubernetes.json',
    isReport: looksLikeReport<KubernetesReport>('cluster'),
    async prepare() {
      const where = locateKubeConfig({
        kubeconfig: config.kubeconfig,
        context: config.kubeContext,
        env,
        serviceAccountDir: opts.serviceAccountDir,
      });
      const ping = await pingCluster(where, opts.pingTimeoutMs);
      if (!ping.ok) {
        unload();
        return ping.reason;
      }
      if (loaded === undefined) {
        const { openKubernetesModule } = await import('./kubernetes-module.ts');
        loaded = openKubernetesModule({ config, identity, env, log });
        opts.onModule?.(loaded);
      }
      const reason = await loaded.connect();
      // Refused credentials, a bad certificate: nothing to keep until the next attempt.
      if (reason !== undefined) unload();
      return reason;
    },
    async build() {
      if (loaded === undefined) throw new SourceLost('kubernetes: not connected to a cluster');
      const result = await loaded.report();
      if (!result.ok) {
        unload();
        throw new SourceLost(result.lost);
      }
      modules.set('kubernetes', { state: 'running', notes: result.notes });
      return result.report;
    },
    close: unload,
  };
}
