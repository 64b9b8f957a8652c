// The Kubernetes collector: connect to the API server once, then one report's worth of cluster state per call.
import type { KubernetesClusterInfo, KubernetesReport, Logger } from '@pulse/shared';
import { longText, shortText } from '../../report/text-limits.ts';
import { AGENT_VERSION } from '../../version.ts';
import { clusterId, guessProvider } from './cluster-id.ts';
import { KUBE_LIMITS, runCycle } from './cycle.ts';
import { ClusterLost, describeApiError } from './errors.ts';
import { createKubeApi, type KubeApi } from './kube-api.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import { API_RETRY, withRetry } from './retry.ts';

export interface KubernetesCollectorOptions {
  kubeconfig?: string;
  context?: string;
  includeNamespaces: string[];
  excludeNamespaces: string[];
  includeAllPods: boolean;
  includeAllDeployments: boolean;
  maxPods: number;
  env: Record<string, string | undefined>;
  log: Logger;
}

/** The report minus what the caller adds (agent, timestamp), plus why anything is missing or short. */
export type KubernetesCollection = Omit<KubernetesReport, 'agent' | 'timestamp'> & {
  /** By report field (`cronJobs`, `pods`, `metrics`, ...): a kind omitted or capped, usage unavailable. */
  notes: Record<string, string>;
};

export type KubernetesConnectResult =
  | { ok: true; cluster: KubernetesClusterInfo }
  | { ok: false; reason: string };

export interface KubernetesCollector {
  /** Loads the kubeconfig and asks the API server its version; not reaching it is an answer, not a throw. */
  connect(): Promise<KubernetesConnectResult>;
  /** Throws ClusterLost when the API server is gone or refuses the credentials: connect again. */
  collect(): Promise<KubernetesCollection>;
  close(): void;
}

interface Connection {
  api: KubeApi;
  cluster: KubernetesClusterInfo;
}

export function createKubernetesCollector(opts: KubernetesCollectorOptions): KubernetesCollector {
  const { log } = opts;
  let conn: Connection | undefined;
  let running: AbortController | undefined;
  let lastNotes: Record<string, string> = {};

  function disconnect(): void {
    running?.abort(new ClusterLost('collector closed'));
    conn?.api.close();
    conn = undefined;
  }

  /** Each note is logged when it appears or changes, not every cycle. */
  function logNotes(notes: Record<string, string>): void {
    for (const [key, note] of Object.entries(notes)) {
      if (lastNotes[key] !== note) log.warn('kubernetes: partial data', { kind: key, note });
    }
    for (const key of Object.keys(lastNotes)) {
      if (!(key in notes)) log.info('kubernetes: complete again', { kind: key });
    }
    lastNotes = notes;
  }

  return {
    async connect() {
      disconnect();
      const loaded = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context, env: opts.env });
      if (!loaded.ok) return loaded;
      const api = createKubeApi(loaded.kc, loaded.server, {
        requestTimeoutMs: KUBE_LIMITS.requestTimeoutMs,
        userAgent: `pulse-agent/${AGENT_VERSION}`,
      });
      try {
        const version = await withRetry(() => api.version.getCode(), API_RETRY);
        // Kubeconfig names are the user's own text: one past the schema's caps must not refuse every report.
        const cluster: KubernetesClusterInfo = {
          id: clusterId(loaded.server, loaded.context ?? '', loaded.clusterName),
          name: shortText(loaded.clusterName),
          server: longText(loaded.server),
          context: shortText(loaded.context),
          version: shortText(version.gitVersion),
          provider: guessProvider(version.gitVersion),
          namespace: shortText(loaded.namespace),
        };
        conn = { api, cluster };
        log.info('kubernetes: connected', {
          server: loaded.server,
          source: loaded.source,
          version: version.gitVersion,
        });
        return { ok: true, cluster };
      } catch (err) {
        api.close();
        return { ok: false, reason: `${loaded.server} (${loaded.source}): ${describeApiError(err).message}` };
      }
    },

    async collect() {
      const current = conn;
      if (!current) throw new ClusterLost('not connected');
      const controller = new AbortController();
      running = controller;
      const deadline = setTimeout(
        () =>
          controller.abort(
            new ClusterLost(`collect took longer than ${KUBE_LIMITS.collectTimeoutMs / 1000} s`),
          ),
        KUBE_LIMITS.collectTimeoutMs,
      );
      current.api.setSignal(controller.signal);
      const notes: Record<string, string> = {};
      try {
        const result = await runCycle(current.api, opts, {
          signal: controller.signal,
          includeNamespaces: opts.includeNamespaces,
          pageSize: KUBE_LIMITS.pageSize,
          notes,
        });
        logNotes(notes);
        return { cluster: current.cluster, ...result, notes };
      } finally {
        clearTimeout(deadline);
        current.api.setSignal(undefined);
        if (running === controller) running = undefined;
      }
    },

    close() {
      disconnect();
    },
  };
}
