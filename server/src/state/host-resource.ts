// Projects an agent host into a unified resource.
import { hash } from 'node:crypto';
import type { HostMetadata, HostState, MetricValue, Resource } from '@pulse/shared';
import { addressList, clip, clipOptional } from './resource-bounds.ts';

/**
 * `<type>-<first 16 hex of sha256(stable identity)>`, as the original's unified ids. The one-shot hash
 * costs about half of a createHash object, and every read of the state computes one per resource.
 */
export function resourceId(type: string, stable: string): string {
  return `${type}-${hash('sha256', stable, 'hex').slice(0, 16)}`;
}

export function hostResourceId(host: HostState): string {
  // A forked clone shares its machine id with the original, so only its hostname tells it apart.
  const stable =
    host.machineId && !host.identityConflict
      ? `machine:${host.machineId}`
      : `hostname:${host.hostname.toLowerCase()}`;
  return resourceId('agent', stable);
}

export function rate(value: number | undefined): MetricValue | undefined {
  return value === undefined ? undefined : { value, unit: 'bytes/s' };
}

/** Summed over distinct devices; the percentage is used / (used + free), as df counts it (reserved blocks excluded). */
function diskTotals(host: HostState): MetricValue | undefined {
  const seen = new Set<string>();
  let total = 0;
  let used = 0;
  let free = 0;
  for (const d of host.disks) {
    const key = d.device || d.mountpoint || '';
    if (key && seen.has(key)) continue;
    seen.add(key);
    total += d.total;
    used += d.used;
    free += d.free;
  }
  if (total <= 0 || used + free <= 0) return undefined;
  const percent = (used / (used + free)) * 100;
  return { value: percent, used, total, percent, unit: '%' };
}

/** The host's interface addresses without their prefix length, each once. */
export function hostAddresses(host: HostState): string[] {
  return [
    ...new Set(host.networkInterfaces.flatMap((n) => n.addresses ?? []).map((a) => a.split('/')[0] ?? a)),
  ];
}

export function hostToResource(host: HostState, meta: HostMetadata | undefined): Resource {
  const lastSeen = Date.parse(host.lastSeen);
  const mem = host.memory;
  const macs = host.networkInterfaces
    .map((n) => n.mac)
    .filter((m): m is string => !!m && m !== '00:00:00:00:00:00');
  const name = clip(host.hostname);
  const resource: Resource = {
    id: hostResourceId(host),
    type: 'agent',
    name,
    displayName: clip(host.displayName),
    status: host.status,
    lastSeen,
    sources: ['agent'],
    sourceStatus: { agent: { status: host.status === 'online' ? 'online' : 'offline', lastSeen } },
    identity: {
      ...(host.machineId ? { machineId: clip(host.machineId) } : {}),
      hostnames: [name],
      ipAddresses: addressList(hostAddresses(host)),
      macAddresses: addressList(macs),
    },
    metrics: {
      cpu:
        host.cpuUsage === undefined ? undefined : { value: host.cpuUsage, percent: host.cpuUsage, unit: '%' },
      memory: mem
        ? { value: mem.usage, used: mem.used, total: mem.total, percent: mem.usage, unit: '%' }
        : undefined,
      disk: diskTotals(host),
      netIn: rate(host.netInRate),
      netOut: rate(host.netOutRate),
      diskRead: rate(host.diskReadRate),
      diskWrite: rate(host.diskWriteRate),
    },
    uptime: host.uptimeSeconds,
    tags: [...new Set([...host.tags, ...(meta?.tags ?? [])])],
    metricsTarget: { resourceType: 'host', resourceId: host.id },
    agent: {
      hostId: host.id,
      agentId: host.agentId,
      agentVersion: clipOptional(host.agentVersion),
      platform: clipOptional(host.platform),
      osName: clipOptional(host.osName),
      osVersion: clipOptional(host.osVersion),
      kernelVersion: clipOptional(host.kernelVersion),
      architecture: clipOptional(host.architecture),
      cpuCount: host.cpuCount,
      intervalSeconds: host.intervalSeconds,
      tokenHint: host.tokenHint,
    },
  };
  if (meta?.customUrl) resource.customUrl = meta.customUrl;
  return resource;
}
