// A client-node-free check that the Kubernetes API server answers, so that the Kubernetes module (client-node
// and the collectors, the largest part of the agent) is loaded only then.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Located } from '../collectors/kubernetes/kubeconfig-locate.ts';
import { describeSocketError } from './socket-errors.ts';

export type ClusterPing = { ok: true } | { ok: false; reason: string };

/** `server:` keys in YAML (plain or quoted) and JSON kubeconfigs. */
const SERVER = /^[\s-]*["']?server["']?\s*:\s*["']?([^\s"'#,}]+)/gm;
/** client-node reaches such a cluster through its proxy, which a direct ping would not. */
const PROXY = /^[\s-]*["']?proxy-url["']?\s*:/m;

/**
 * The API server the credentials point at, when that can be told without parsing them as client-node
 * does: in-cluster, or kubeconfig files that name exactly one server and no proxy. Undefined otherwise
 * (several clusters, whose current context only client-node resolves; a proxy; an unreadable file): the
 * module is then loaded to find out, as it was before this check existed.
 */
export function clusterServer(where: Located): string | undefined {
  if (where.kind === 'in-cluster') return where.server;
  if (where.kind !== 'files') return undefined;
  const servers = new Set<string>();
  for (const file of where.files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    if (PROXY.test(text)) return undefined;
    for (const m of text.matchAll(SERVER)) if (m[1]) servers.add(m[1]);
  }
  return servers.size === 1 ? [...servers][0] : undefined;
}

/**
 * GET /version without credentials: any HTTP answer (200, 401, 403) means an API server is there. The
 * certificate is not checked because nothing secret is sent; the module checks it when it connects, and
 * says precisely what is wrong with it.
 */
function pingOne(server: string, timeoutMs: number): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL('/version', server);
  } catch {
    return Promise.resolve(`${server} is not a URL`);
  }
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const onResponse = (res: IncomingMessage) => {
      res.resume();
      resolve(undefined);
    };
    const opts = { signal, headers: { Connection: 'close' } };
    const req =
      url.protocol === 'http:'
        ? httpRequest(url, opts, onResponse)
        : httpsRequest(url, { ...opts, rejectUnauthorized: false }, onResponse);
    req.on('error', (err) =>
      resolve(signal.aborted ? `no answer within ${timeoutMs} ms` : describeSocketError(err)),
    );
    req.end();
  });
}

/** Whether the cluster the agent would use answers; `ok` also when only the module can tell. Never throws. */
export async function pingCluster(where: Located, timeoutMs = 2000): Promise<ClusterPing> {
  if (where.kind === 'none') return { ok: false, reason: where.reason };
  const server = clusterServer(where);
  if (server === undefined) return { ok: true };
  const reason = await pingOne(server, timeoutMs);
  return reason === undefined
    ? { ok: true }
    : { ok: false, reason: `${server} (${where.source}): ${reason}` };
}
