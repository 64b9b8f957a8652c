// Where the agent's Kubernetes credentials come from: --kubeconfig, the pod's service account, or KUBECONFIG/~/.kube/config.
import { join } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import { type KubeConfigOptions, locateKubeConfig } from './kubeconfig-locate.ts';

export { type KubeConfigOptions, SERVICE_ACCOUNT_DIR } from './kubeconfig-locate.ts';

/** The name in-cluster configs report; there is no kubeconfig to name the cluster. */
export const IN_CLUSTER_NAME = 'in-cluster';

export type LoadedKubeConfig =
  | {
      ok: true;
      kc: KubeConfig;
      server: string;
      /** The kubeconfig context; undefined in-cluster. */
      context: string | undefined;
      clusterName: string;
      /** The agent's own namespace, in-cluster. */
      namespace?: string;
      /** Where the config came from, for messages: `--kubeconfig /path`, `in-cluster service account`, ... */
      source: string;
    }
  | { ok: false; reason: string };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The pod's service account, built from the located server rather than KubeConfig.loadFromCluster (which
 * reads process.env). The token is a tokenFile auth provider, so client-node rereads it as the kubelet
 * rotates it.
 */
function inCluster(server: string, dir: string): KubeConfig {
  const cluster: Cluster = {
    name: IN_CLUSTER_NAME,
    server,
    caFile: join(dir, 'ca.crt'),
    skipTLSVerify: false,
  };
  const user: User = {
    name: 'service-account',
    authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } },
  };
  const context: Context = { name: IN_CLUSTER_NAME, cluster: cluster.name, user: user.name };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [context],
    currentContext: context.name,
  });
  return kc;
}

/** kubectl's KUBECONFIG semantics: files that exist, merged in order, the first name (and current-context) wins. */
function merged(files: string[]): KubeConfig {
  const out = new KubeConfig();
  out.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  for (const file of files) {
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    const add = <T extends { name: string }>(into: T[], from: T[]) => {
      for (const item of from) if (!into.some((x) => x.name === item.name)) into.push(item);
    };
    add(out.clusters, kc.clusters);
    add(out.users, kc.users);
    add(out.contexts, kc.contexts);
    if (!out.currentContext && kc.currentContext) out.currentContext = kc.currentContext;
  }
  return out;
}

type Found = { kc: KubeConfig; source: string; inCluster?: { namespace?: string } } | { reason: string };

function find(opts: KubeConfigOptions): Found {
  const where = locateKubeConfig(opts);
  if (where.kind === 'none') return { reason: where.reason };
  if (where.kind === 'files') return { kc: merged(where.files), source: where.source };
  return {
    kc: inCluster(where.server, where.dir),
    source: where.source,
    inCluster: { namespace: where.namespace },
  };
}

/**
 * In order: an explicit --kubeconfig; in-cluster (KUBERNETES_SERVICE_HOST and the service account token);
 * KUBECONFIG; ~/.kube/config. Then --kube-context. Not finding any is an answer with the reason, which
 * names everything tried, not an error.
 */
export function loadKubeConfig(opts: KubeConfigOptions): LoadedKubeConfig {
  let found: Found;
  try {
    found = find(opts);
  } catch (err) {
    return { ok: false, reason: `cannot read kubeconfig: ${errorText(err)}` };
  }
  if ('reason' in found) return { ok: false, reason: found.reason };
  const { kc, source } = found;

  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.contexts.map((c) => c.name).join(', ') || 'none';
      return { ok: false, reason: `context "${opts.context}" not in ${source} (contexts: ${known})` };
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.currentContext)
    return { ok: false, reason: `${source} sets no current-context; pass --kube-context` };
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    return {
      ok: false,
      reason: `context "${kc.currentContext}" in ${source} names no cluster with a server`,
    };
  }
  return {
    ok: true,
    kc,
    server: cluster.server,
    context: found.inCluster ? undefined : kc.currentContext,
    clusterName: cluster.name,
    ...(found.inCluster?.namespace ? { namespace: found.inCluster.namespace } : {}),
    source,
  };
}
