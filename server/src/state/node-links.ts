// Which agent host runs on which Proxmox node: an admin's explicit link first, then inference by host
// name corroborated by address. An ambiguous guess (two nodes named `pve` in different clusters, say)
// links nothing: showing two resources is better than merging the wrong two.
import type { HostState, ProxmoxNode } from '@pulse/shared';
import { hostAddresses } from './host-resource.ts';

export interface ExplicitLinks {
  /** hostId → nodeId set by POST /api/agents/host/link. */
  links: ReadonlyMap<string, string>;
  /** Hosts an admin unlinked: never inferred again until linked. */
  unlinked: ReadonlySet<string>;
}

const shortName = (name: string) => name.toLowerCase().split('.')[0] ?? '';

/** Where the host can be reached: its interfaces, and the address its reports came from. */
function reachableAt(host: HostState): Set<string> {
  return new Set([...hostAddresses(host), ...(host.reportIp ? [host.reportIp] : [])]);
}

export function nodeAddress(node: ProxmoxNode): string | undefined {
  const bare = node.host.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(bare) ?? /^([\d.]+)(?::\d+)?$/.exec(bare);
  return m?.[1];
}

/** hostId → nodeId for every host that can be tied to exactly one node. */
export function resolveNodeLinks(
  hosts: readonly HostState[],
  nodes: readonly ProxmoxNode[],
  explicit: ExplicitLinks,
): Map<string, string> {
  const out = new Map<string, string>();
  const nodeIds = new Set(nodes.map((n) => n.id));
  const taken = new Set<string>();
  for (const [hostId, nodeId] of explicit.links) {
    if (nodeIds.has(nodeId)) {
      out.set(hostId, nodeId);
      taken.add(nodeId);
    }
  }
  // Lists grown in place: copying one per entry made many nodes of one name, or many hosts of one
  // name claiming the same node, cost the square of their number.
  const byName = new Map<string, ProxmoxNode[]>();
  for (const n of nodes) {
    const key = shortName(n.name);
    const list = byName.get(key);
    if (list) list.push(n);
    else byName.set(key, [n]);
  }
  const claims = new Map<string, string[]>();
  for (const host of hosts) {
    if (out.has(host.id) || explicit.unlinked.has(host.id)) continue;
    let candidates = (byName.get(shortName(host.hostname)) ?? []).filter((n) => !taken.has(n.id));
    if (candidates.length > 1) {
      // Same short name in several clusters: only an address the node is reached at can decide.
      const mine = reachableAt(host);
      candidates = candidates.filter((n) => {
        const ip = nodeAddress(n);
        return ip !== undefined && mine.has(ip);
      });
    }
    const [only] = candidates;
    if (candidates.length !== 1 || !only) continue;
    const claimants = claims.get(only.id);
    if (claimants) claimants.push(host.id);
    else claims.set(only.id, [host.id]);
  }
  for (const [nodeId, hostIds] of claims) {
    const [hostId] = hostIds;
    if (hostIds.length === 1 && hostId) out.set(hostId, nodeId);
  }
  return out;
}
