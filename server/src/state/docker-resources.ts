// Projects Docker hosts and their containers into unified resources.
import type {
  DockerContainerState,
  DockerHostState,
  HostMetadata,
  MetricValue,
  Resource,
  ResourceStatus,
} from '@pulse/shared';
import { resourceId } from './host-resource.ts';

export interface DockerMetadata {
  hosts: Record<string, HostMetadata>;
  containers: Record<string, HostMetadata>;
}

export function dockerHostResourceId(h: DockerHostState): string {
  return resourceId('docker-host', h.machineId ? `machine:${h.machineId}` : `docker:${h.id}`);
}

export function containerStatus(c: DockerContainerState, hostOnline: boolean): ResourceStatus {
  // What a silent engine last said is no longer known to be true.
  if (!hostOnline) return 'unknown';
  const state = c.state.toLowerCase();
  if (state === 'running') return c.health === 'unhealthy' ? 'warning' : 'online';
  if (state === 'restarting' || state === 'paused') return 'warning';
  if (['exited', 'dead', 'stopped', 'created', 'removing'].includes(state)) return 'offline';
  return 'unknown';
}

const rate = (value: number | undefined): MetricValue | undefined =>
  value === undefined ? undefined : { value, unit: 'bytes/s' };

function containerResource(
  h: DockerHostState,
  c: DockerContainerState,
  parentId: string,
  meta: HostMetadata | undefined,
): Resource {
  const lastSeen = Date.parse(h.lastSeen);
  const name = c.name.replace(/^\//, '');
  const resource: Resource = {
    id: resourceId('app-container', `docker:${h.id}/container/${c.id}`),
    type: 'app-container',
    name,
    displayName: name,
    status: containerStatus(c, h.status === 'online'),
    lastSeen,
    sources: ['docker'],
    sourceStatus: { docker: { status: h.status, lastSeen } },
    identity: {
      hostnames: [],
      ipAddresses: (c.networks ?? []).flatMap((n) => [n.ipv4, n.ipv6].filter((a): a is string => !!a)),
      macAddresses: [],
    },
    metrics: {
      cpu: { value: c.cpuPercent, percent: c.cpuPercent, unit: '%' },
      memory: {
        value: c.memoryPercent,
        used: c.memoryUsageBytes,
        total: c.memoryLimitBytes,
        percent: c.memoryPercent,
        unit: '%',
      },
      netIn: rate(c.netInRate),
      netOut: rate(c.netOutRate),
      diskRead: rate(c.blockReadRate),
      diskWrite: rate(c.blockWriteRate),
    },
    uptime: c.uptimeSeconds,
    tags: [...new Set(meta?.tags ?? [])],
    parentId,
    metricsTarget: { resourceType: 'docker', resourceId: c.id },
    docker: {
      hostId: h.id,
      containerId: c.id,
      image: c.image,
      state: c.state,
      health: c.health,
      restartCount: c.restartCount,
      exitCode: c.exitCode,
    },
  };
  if (meta?.customUrl) resource.customUrl = meta.customUrl;
  return resource;
}

/**
 * The Docker host becomes its own `docker-host` resource unless an agent host of the same machine
 * exists, in which case that resource gains the docker source and facet (`merged`).
 */
export function dockerResources(
  h: DockerHostState,
  meta: DockerMetadata,
  agentResource: Resource | undefined,
): { host: Resource | undefined; children: Resource[] } {
  const lastSeen = Date.parse(h.lastSeen);
  const facet = {
    hostId: h.id,
    runtime: h.runtime,
    runtimeVersion: h.runtimeVersion ?? h.dockerVersion,
    containerCount: h.containers.length,
  };
  let host: Resource | undefined;
  let parentId: string;
  if (agentResource) {
    agentResource.sources = [...new Set([...agentResource.sources, 'docker' as const])];
    agentResource.sourceStatus.docker = { status: h.status, lastSeen };
    agentResource.docker = facet;
    parentId = agentResource.id;
  } else {
    const hostMeta = meta.hosts[h.id];
    const percent = h.memory?.usage;
    host = {
      id: dockerHostResourceId(h),
      type: 'docker-host',
      name: h.hostname,
      displayName: h.displayName,
      status: h.status,
      lastSeen,
      sources: ['docker'],
      sourceStatus: { docker: { status: h.status, lastSeen } },
      identity: {
        ...(h.machineId ? { machineId: h.machineId } : {}),
        hostnames: [h.hostname],
        ipAddresses: h.networkInterfaces.flatMap((n) => n.addresses ?? []).map((a) => a.split('/')[0] ?? a),
        macAddresses: h.networkInterfaces.map((n) => n.mac).filter((m): m is string => !!m),
      },
      metrics: {
        cpu:
          h.cpuUsagePercent === undefined
            ? undefined
            : { value: h.cpuUsagePercent, percent: h.cpuUsagePercent, unit: '%' },
        memory:
          percent === undefined
            ? undefined
            : { value: percent, used: h.memory?.usedBytes, total: h.memory?.totalBytes, percent, unit: '%' },
      },
      uptime: h.uptimeSeconds,
      tags: [...new Set(hostMeta?.tags ?? [])],
      metricsTarget: { resourceType: 'dockerHost', resourceId: h.id },
      docker: facet,
    };
    if (hostMeta?.customUrl) host.customUrl = hostMeta.customUrl;
    parentId = host.id;
  }
  const children = h.containers.map((c) => containerResource(h, c, parentId, meta.containers[c.id]));
  return { host, children };
}
