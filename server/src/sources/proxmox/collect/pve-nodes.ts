// PVE nodes: the /nodes entry, enriched by /nodes/{n}/status for every node that is online.
import type { ProxmoxMemory, ProxmoxNode } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { nodeId } from './ids.ts';
import { type ClusterInfo, isNodeOnline, type NodeListEntry } from './pve-cluster.ts';
import { asRecord, num, optNum, percent, type Raw, str } from './read.ts';
import { type CollectError, mapLimit, toCollectError } from './run.ts';

export interface NodeContext {
  scope: string;
  instanceName: string;
  /** The configured host URL; cluster members get their corosync address instead when known. */
  host: string;
  guestURL?: string;
  now: number;
  cluster: ClusterInfo;
  previous?: readonly ProxmoxNode[];
  concurrency: number;
  errors: CollectError[];
}

/** Proxmox's `available` excludes reclaimable page cache, so used = total − available when given. */
export function memoryFrom(raw: Raw): ProxmoxMemory {
  const total = num(raw.total);
  const available = optNum(raw.available);
  const used = available !== undefined && total > 0 ? Math.max(0, total - available) : num(raw.used);
  const free = Math.max(0, total - used);
  return { total, used, free, usage: percent(used, total) };
}

function hostFor(ctx: NodeContext, node: string): string {
  const ip = ctx.cluster.endpoints.find((e) => e.node === node)?.ip;
  if (!ctx.cluster.isCluster || ip === undefined) return ctx.host;
  return ip.includes(':') ? `https://[${ip}]:8006` : `https://${ip}:8006`;
}

function baseNode(ctx: NodeContext, entry: NodeListEntry, online: boolean): ProxmoxNode {
  const id = nodeId(ctx.scope, entry.node);
  const before = ctx.previous?.find((n) => n.id === id);
  const memory: ProxmoxMemory = {
    total: entry.maxmem,
    used: entry.mem,
    free: Math.max(0, entry.maxmem - entry.mem),
    usage: percent(entry.mem, entry.maxmem),
  };
  const node: ProxmoxNode = {
    id,
    name: entry.node,
    displayName: entry.node,
    instance: ctx.instanceName,
    host: hostFor(ctx, entry.node),
    status: online ? 'online' : entry.status === 'unknown' ? 'unknown' : 'offline',
    type: 'node',
    cpu: online ? entry.cpu : 0,
    memory: online ? memory : { total: entry.maxmem, used: 0, free: entry.maxmem, usage: 0 },
    disk: { total: 0, used: 0, free: 0, usage: 0 },
    uptime: online ? entry.uptime : 0,
    loadAverage: [],
    kernelVersion: before?.kernelVersion ?? '',
    pveVersion: before?.pveVersion ?? '',
    cpuInfo: before?.cpuInfo ?? { model: '', cores: entry.maxcpu, sockets: 0, mhz: 0 },
    // An offline node keeps the time it was last seen up.
    lastSeen: online ? ctx.now : (before?.lastSeen ?? 0),
    connectionHealth: online ? 'healthy' : 'error',
    isClusterMember: ctx.cluster.isCluster,
    clusterName: ctx.cluster.name ?? '',
  };
  if (ctx.guestURL !== undefined) node.guestURL = ctx.guestURL;
  if (before?.pendingUpdates !== undefined) node.pendingUpdates = before.pendingUpdates;
  if (before?.pendingUpdatesCheckedAt !== undefined)
    node.pendingUpdatesCheckedAt = before.pendingUpdatesCheckedAt;
  return node;
}

/** Merges one /nodes/{n}/status answer into the node built from the /nodes list. */
export function applyNodeStatus(node: ProxmoxNode, data: unknown): ProxmoxNode {
  const s = asRecord(data);
  const cpuinfo = asRecord(s.cpuinfo);
  const rootfs = asRecord(s.rootfs);
  const kernel = asRecord(s['current-kernel']);
  const diskTotal = num(rootfs.total);
  const diskUsed = num(rootfs.used);
  const memory = memoryFrom(asRecord(s.memory));
  const swap = asRecord(s.swap);
  if (swap.total !== undefined) {
    memory.swapTotal = num(swap.total);
    memory.swapUsed = num(swap.used);
  }
  return {
    ...node,
    cpu: num(s.cpu, node.cpu),
    memory: memory.total > 0 ? memory : node.memory,
    disk: {
      total: diskTotal,
      used: diskUsed,
      free: num(rootfs.avail, num(rootfs.free, Math.max(0, diskTotal - diskUsed))),
      usage: percent(diskUsed, diskTotal),
    },
    uptime: num(s.uptime, node.uptime),
    loadAverage: loadAverage(s.loadavg),
    kernelVersion: str(kernel.release, str(s.kversion, node.kernelVersion)),
    pveVersion: str(s.pveversion, node.pveVersion),
    cpuInfo: {
      model: str(cpuinfo.model, node.cpuInfo.model),
      cores: num(cpuinfo.cores, node.cpuInfo.cores),
      sockets: num(cpuinfo.sockets, node.cpuInfo.sockets),
      mhz: num(cpuinfo.mhz, node.cpuInfo.mhz),
    },
  };
}

/** `loadavg` is an array of strings ("0.15") on the wire. */
function loadAverage(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => optNum(x)).filter((x): x is number => x !== undefined);
}

/** Offline nodes are listed but never queried; an online node whose status call fails is `degraded`. */
export async function collectNodes(
  api: ProxmoxApi,
  ctx: NodeContext,
  list: readonly NodeListEntry[],
): Promise<ProxmoxNode[]> {
  return mapLimit(list, ctx.concurrency, async (entry) => {
    const online = isNodeOnline(entry, ctx.cluster);
    const node = baseNode(ctx, entry, online);
    if (!online) return node;
    const path = `/nodes/${entry.node}/status`;
    try {
      return applyNodeStatus(node, await api.get(path));
    } catch (err) {
      ctx.errors.push(toCollectError(path, err));
      return { ...node, connectionHealth: 'degraded' };
    }
  });
}
