// Which addresses a Proxmox VE connection may use: the configured one first (with its pin), then every
// cluster member that /cluster/status reported, on the same port.
import type { ClusterEndpoint as ClientEndpoint } from './client/cluster-client.ts';
import { normalizeBaseUrl } from './client/normalize.ts';
import { readPeerCertificate } from './client/tls.ts';
import type { ClusterInfo, ProxmoxInstance } from './instance-store.ts';

/** What a poll or /cluster/status says about membership. */
export interface FoundCluster {
  isCluster: boolean;
  name?: string | undefined;
  endpoints: { node: string; ip?: string; online: boolean }[];
}

const bracket = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);

export function endpointList(instance: ProxmoxInstance): ClientEndpoint[] {
  const configured = normalizeBaseUrl(instance.type, instance.host);
  const list: ClientEndpoint[] = [{ url: configured, fingerprint: instance.fingerprint }];
  const url = new URL(configured);
  for (const ep of instance.cluster.endpoints) {
    if (!ep.ip) continue;
    const member = normalizeBaseUrl(
      instance.type,
      `${url.protocol}//${bracket(ep.ip)}:${url.port}${url.pathname}`,
    );
    if (member !== configured) list.push({ url: member, fingerprint: ep.fingerprint });
  }
  return list;
}

/** True when what was found differs from what is saved (members, their addresses or their state). */
export function clusterChanged(saved: ClusterInfo, found: FoundCluster): boolean {
  return (
    saved.isCluster !== found.isCluster ||
    saved.name !== found.name ||
    JSON.stringify(saved.endpoints.map((e) => [e.nodeName, e.ip ?? null, e.online])) !==
      JSON.stringify(found.endpoints.map((e) => [e.node, e.ip ?? null, e.online]))
  );
}

/**
 * The members as they will be saved. When the connection pins a certificate, each member's own
 * certificate is read and remembered the first time it is seen (trust on first use); members keep
 * their fingerprint as long as their address stays the same.
 */
export async function describeCluster(instance: ProxmoxInstance, found: FoundCluster): Promise<ClusterInfo> {
  const known = new Map(instance.cluster.endpoints.map((e) => [e.nodeName, e]));
  const port = new URL(normalizeBaseUrl(instance.type, instance.host)).port;
  const endpoints = await Promise.all(
    found.endpoints.map(async (e) => {
      const before = known.get(e.node);
      let fingerprint = before?.ip === e.ip ? before?.fingerprint : undefined;
      if (instance.fingerprint && fingerprint === undefined && e.ip && e.online) {
        fingerprint = await readPeerCertificate(e.ip, Number(port), { timeoutMs: 5_000 })
          .then((cert) => cert.fingerprint)
          .catch(() => undefined);
      }
      return {
        nodeName: e.node,
        host: e.ip ? `https://${bracket(e.ip)}:${port}` : e.node,
        ...(e.ip ? { ip: e.ip } : {}),
        online: e.online,
        ...(fingerprint ? { fingerprint } : {}),
      };
    }),
  );
  return { isCluster: found.isCluster, name: found.name, endpoints };
}
