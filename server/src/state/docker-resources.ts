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
import { addressList, clip, clipOptional } from './resource-bounds.ts';

export interface DockerMetadata {
  hosts: Record<string, HostMetadata>;
  containers: Record<string, HostMetadata>;
}

export function dockerHostResourceId(h: DockerHostState): string {
  return resourceId('docker-host', h.machineId ? `machine:${h.machineId}` : `docker:${h.id}`);
}

const STOPPED_STATES = new Set(['exited', 'dead', 'stopped', 'created', 'removing']);

export function containerStatus(c: DockerContainerState, hostOnline: boolean): ResourceStatus {
  // What a silent engine last said is no longer known to be true.
  if (!hostOnline) return 'unknown';
  const state = c.state.toLowerCase();
  if (state === 'running') return c.health === 'unhealthy' ? 'warning' : 'online';
  if (state === 'restarting' || state === 'paused') return 'warning';
  if (STOPPED_STATES.has(state)) return 'offline';
  return 'unknown';
}

/** The container's addresses on its networks, read in one pass: this runs once per container per read. */
function containerAddresses(c: DockerContainerState): string[] {
  const out: string[] = [];
  for (const n of c.networks ?? []) {
    if (n.ipv4) out.push(n.ipv4);
    if (n.ipv6) out.push(n.ipv6);
  }
  return addressList(out);
}

const rate = (value: number | undefined): MetricValue | undefined =>
  value === undefined ? undefined : { value, unit: 'bytes/s' };

/** What every container of one host shares, worked out once per host rather than once per container. */
interface ContainerParent {
  host: DockerHostState;
  id: string;
  lastSeen: number;
  hostId: string;
}

function containerResource(
  parent: ContainerParent,
  c: DockerContainerState,
  meta: HostMetadata | undefined,
): Resource {
  const { host: h, lastSeen } = parent;
  // Docker's API names containers with a leading slash.
  const name = clip(c.name.startsWith('/') ? c.name.slice(1) : c.name);
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
      ipAddresses: containerAddresses(c),
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
    tags: meta ? [...new Set(meta.tags)] : [],
    parentId: parent.id,
    metricsTarget: { resourceType: 'docker', resourceId: c.id },
    docker: {
      hostId: parent.hostId,
      containerId: clip(c.id),
      image: clip(c.image),
      state: clip(c.state),
      health: clipOptional(c.health),
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
    hostId: clip(h.id),
    runtime: h.runtime,
    runtimeVersion: clipOptional(h.runtimeVersion ?? h.dockerVersion),
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
      name: clip(h.hostname),
      displayName: clip(h.displayName),
      status: h.status,
      lastSeen,
      sources: ['docker'],
      sourceStatus: { docker: { status: h.status, lastSeen } },
      identity: {
        ...(h.machineId ? { machineId: clip(h.machineId) } : {}),
        hostnames: [clip(h.hostname)],
        ipAddresses: addressList(
          h.networkInterfaces.flatMap((n) => n.addresses ?? []).map((a) => a.split('/')[0] ?? a),
        ),
        macAddresses: addressList(h.networkInterfaces.map((n) => n.mac).filter((m): m is string => !!m)),
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
  const parent: ContainerParent = { host: h, id: parentId, lastSeen, hostId: facet.hostId };
  const children = h.containers.map((c) => containerResource(parent, c, meta.containers[c.id]));
  return { host, children };
}
