// Cluster membership (/cluster/status) and the node list (/nodes): the two calls every PVE poll starts with.
import { asArray, bool, num, optStr, str } from './read.ts';

export interface ClusterEndpoint {
  node: string;
  ip?: string;
  online: boolean;
}

export interface ClusterInfo {
  isCluster: boolean;
  name?: string;
  quorate?: boolean;
  endpoints: ClusterEndpoint[];
}

/** A standalone node answers /cluster/status with only its own `node` entry and no `cluster` entry. */
export function parseClusterStatus(data: unknown): ClusterInfo {
  const entries = asArray(data);
  const cluster = entries.find((e) => e.type === 'cluster');
  const endpoints = entries
    .filter((e) => e.type === 'node')
    .map((e): ClusterEndpoint => {
      const ip = optStr(e.ip);
      const node = str(e.name);
      // A standalone node's entry may lack `online`; it answered, so it is online.
      const online = cluster ? bool(e.online) : bool(e.online, true);
      return ip === undefined ? { node, online } : { node, ip, online };
    })
    .sort((a, b) => a.node.localeCompare(b.node));
  if (!cluster) return { isCluster: false, endpoints };
  const name = str(cluster.name);
  return { isCluster: true, name, quorate: bool(cluster.quorate), endpoints };
}

export interface NodeListEntry {
  node: string;
  status: 'online' | 'offline' | 'unknown';
  cpu: number;
  maxcpu: number;
  mem: number;
  maxmem: number;
  uptime: number;
}

export function parseNodeList(data: unknown): NodeListEntry[] {
  return asArray(data)
    .map((e): NodeListEntry => {
      const status = e.status === 'online' || e.status === 'offline' ? e.status : 'unknown';
      return {
        node: str(e.node),
        status,
        cpu: num(e.cpu),
        maxcpu: num(e.maxcpu),
        mem: num(e.mem),
        maxmem: num(e.maxmem),
        uptime: num(e.uptime),
      };
    })
    .filter((n) => n.node !== '')
    .sort((a, b) => a.node.localeCompare(b.node));
}

/** /nodes can lag behind corosync; a node is polled only when both agree it is up. */
export function isNodeOnline(entry: NodeListEntry, cluster: ClusterInfo): boolean {
  if (entry.status !== 'online') return false;
  const endpoint = cluster.endpoints.find((e) => e.node === entry.node);
  return endpoint === undefined || endpoint.online;
}
