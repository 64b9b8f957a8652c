// Where the agent's Kubernetes credentials come from: --kubeconfig, the pod's service account, or KUBECONFIG/~/.kube/config.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The name in-cluster configs report; there is no kubeconfig to name the cluster. */
export const IN_CLUSTER_NAME = 'in-cluster';

export interface KubeConfigOptions {
  /** --kubeconfig: this file and nothing else. */
  kubeconfig?: string;
  /** --kube-context: overrides the file's current-context. */
  context?: string;
  env: Record<string, string | undefined>;
  /** Where the pod's service account is mounted; tests point it elsewhere. */
  serviceAccountDir?: string;
}

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
 * The pod's service account, built from opts.env rather than KubeConfig.loadFromCluster (which reads
 * process.env). The token is a tokenFile auth provider, so client-node rereads it as the kubelet rotates it.
 */
function inCluster(env: KubeConfigOptions['env'], dir: string): KubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
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

function find(opts: KubeConfigOptions, tried: string[]): Found | undefined {
  const { env } = opts;
  if (opts.kubeconfig) {
    const source = `--kubeconfig ${opts.kubeconfig}`;
    if (!existsSync(opts.kubeconfig)) return { reason: `${source}: no such file` };
    return { kc: merged([opts.kubeconfig]), source };
  }
  tried.push('no --kubeconfig');

  const dir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const token = join(dir, 'token');
  // A --kube-context names a kubeconfig context, which the service account has none of.
  if (opts.context) tried.push('in-cluster skipped (--kube-context names a kubeconfig context)');
  else if (!env.KUBERNETES_SERVICE_HOST) tried.push('not in a pod (KUBERNETES_SERVICE_HOST unset)');
  else if (!existsSync(token))
    tried.push(`KUBERNETES_SERVICE_HOST set but no service account token at ${token}`);
  else {
    const nsFile = join(dir, 'namespace');
    const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() || undefined : undefined;
    return { kc: inCluster(env, dir), source: 'in-cluster service account', inCluster: { namespace } };
  }

  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) return { reason: `KUBECONFIG=${env.KUBECONFIG}: no such file` };
    return { kc: merged(present), source: `KUBECONFIG ${present.join(delimiter)}` };
  }
  tried.push('KUBECONFIG unset');

  const home = env.HOME || env.USERPROFILE || homedir();
  const file = join(home, '.kube', 'config');
  if (existsSync(file)) return { kc: merged([file]), source: file };
  tried.push(`no ${file}`);
  return undefined;
}

/**
 * In order: an explicit --kubeconfig; in-cluster (KUBERNETES_SERVICE_HOST and the service account token);
 * KUBECONFIG; ~/.kube/config. Then --kube-context. Not finding any is an answer with the reason, which
 * names everything tried, not an error.
 */
export function loadKubeConfig(opts: KubeConfigOptions): LoadedKubeConfig {
  const tried: string[] = [];
  let found: Found | undefined;
  try {
    found = find(opts, tried);
  } catch (err) {
    return { ok: false, reason: `cannot read kubeconfig: ${errorText(err)}` };
  }
  if (!found) return { ok: false, reason: `no Kubernetes credentials: ${tried.join('; ')}` };
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
