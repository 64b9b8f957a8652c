// Which Kubernetes credentials the agent would use, decided from flags, env and files that exist, without
// reading them: shared by the kubeconfig loader (client-node) and the cluster ping (no client-node).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConfigOptions {
  /** --kubeconfig: this file and nothing else. */
  kubeconfig?: string;
  /** --kube-context: overrides the file's current-context. */
  context?: string;
  env: Record<string, string | undefined>;
  /** Where the pod's service account is mounted; tests point it elsewhere. */
  serviceAccountDir?: string;
}

export type Located =
  /** Kubeconfig files to merge in order (kubectl's KUBECONFIG semantics). */
  | { kind: 'files'; files: string[]; source: string }
  /** The pod's service account: the API server from the env, the token and CA from `dir`. */
  | { kind: 'in-cluster'; server: string; dir: string; namespace?: string; source: string }
  | { kind: 'none'; reason: string };

/**
 * In order: an explicit --kubeconfig; in-cluster (KUBERNETES_SERVICE_HOST and the service account token);
 * KUBECONFIG; ~/.kube/config. Finding none is an answer whose reason names everything tried.
 */
export function locateKubeConfig(opts: KubeConfigOptions): Located {
  const { env } = opts;
  const tried: string[] = [];
  if (opts.kubeconfig) {
    const source = `--kubeconfig ${opts.kubeconfig}`;
    if (!existsSync(opts.kubeconfig)) return { kind: 'none', reason: `${source}: no such file` };
    return { kind: 'files', files: [opts.kubeconfig], source };
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
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT || '443';
    const nsFile = join(dir, 'namespace');
    const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() || undefined : undefined;
    return {
      kind: 'in-cluster',
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      dir,
      ...(namespace ? { namespace } : {}),
      source: 'in-cluster service account',
    };
  }

  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) return { kind: 'none', reason: `KUBECONFIG=${env.KUBECONFIG}: no such file` };
    return { kind: 'files', files: present, source: `KUBECONFIG ${present.join(delimiter)}` };
  }
  tried.push('KUBECONFIG unset');

  const home = env.HOME || env.USERPROFILE || homedir();
  const file = join(home, '.kube', 'config');
  if (existsSync(file)) return { kind: 'files', files: [file], source: file };
  tried.push(`no ${file}`);
  return { kind: 'none', reason: `no Kubernetes credentials: ${tried.join('; ')}` };
}
