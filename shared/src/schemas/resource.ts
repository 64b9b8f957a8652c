// Unified resources: one flat shape for every monitored thing, whatever source reported it.
import { z } from 'zod';

export const RESOURCE_TYPES = [
  'agent',
  'docker-host',
  'vm',
  'system-container',
  'app-container',
  'docker-service',
  'k8s-cluster',
  'k8s-node',
  'pod',
  'k8s-deployment',
  'storage',
  'pbs',
  'pmg',
  'ceph',
  'physical_disk',
] as const;
export const ResourceType = z.enum(RESOURCE_TYPES);
export type ResourceType = z.infer<typeof ResourceType>;

export const RESOURCE_SOURCES = ['proxmox', 'agent', 'docker', 'pbs', 'pmg', 'kubernetes'] as const;
export const ResourceSource = z.enum(RESOURCE_SOURCES);
export type ResourceSource = z.infer<typeof ResourceSource>;

export const RESOURCE_STATUSES = ['online', 'offline', 'warning', 'unknown'] as const;
export const ResourceStatus = z.enum(RESOURCE_STATUSES);
export type ResourceStatus = z.infer<typeof ResourceStatus>;

export const MetricValue = z.object({
  value: z.number(),
  used: z.number().optional(),
  total: z.number().optional(),
  percent: z.number().optional(),
  unit: z.string(),
});
export type MetricValue = z.infer<typeof MetricValue>;

export const ResourceMetrics = z.object({
  cpu: MetricValue.optional(),
  memory: MetricValue.optional(),
  disk: MetricValue.optional(),
  netIn: MetricValue.optional(),
  netOut: MetricValue.optional(),
  diskRead: MetricValue.optional(),
  diskWrite: MetricValue.optional(),
});
export type ResourceMetrics = z.infer<typeof ResourceMetrics>;

export const ResourceIdentity = z.object({
  machineId: z.string().optional(),
  hostnames: z.array(z.string()),
  ipAddresses: z.array(z.string()),
  macAddresses: z.array(z.string()),
});

export const SourceStatus = z.object({
  status: z.enum(['online', 'stale', 'offline']),
  lastSeen: z.number(),
});

export const AgentFacet = z.object({
  hostId: z.string(),
  agentId: z.string(),
  agentVersion: z.string().optional(),
  platform: z.string().optional(),
  osName: z.string().optional(),
  osVersion: z.string().optional(),
  kernelVersion: z.string().optional(),
  architecture: z.string().optional(),
  cpuCount: z.number().optional(),
  intervalSeconds: z.number(),
  tokenHint: z.string().optional(),
});

export const DockerFacet = z.object({
  hostId: z.string(),
  runtime: z.string().optional(),
  runtimeVersion: z.string().optional(),
  containerCount: z.number().optional(),
  /** Containers only. */
  containerId: z.string().optional(),
  image: z.string().optional(),
  state: z.string().optional(),
  health: z.string().optional(),
  restartCount: z.number().optional(),
  exitCode: z.number().optional(),
});

export const KubernetesFacet = z.object({
  clusterId: z.string(),
  clusterName: z.string(),
  namespace: z.string().optional(),
  nodeName: z.string().optional(),
  phase: z.string().optional(),
  reason: z.string().optional(),
  restarts: z.number().optional(),
  desiredReplicas: z.number().optional(),
  readyReplicas: z.number().optional(),
  version: z.string().optional(),
});

/** Where a Proxmox-sourced resource lives: VE nodes, guests, storage, Ceph, disks, Backup and Mail Gateway. */
export const ProxmoxFacet = z.object({
  /** The configured connection's name, or the cluster's. */
  instance: z.string(),
  clusterName: z.string().optional(),
  nodeName: z.string().optional(),
  vmid: z.number().optional(),
  guestType: z.enum(['qemu', 'lxc']).optional(),
  template: z.boolean().optional(),
  lock: z.string().optional(),
  version: z.string().optional(),
  kernelVersion: z.string().optional(),
  storageType: z.string().optional(),
  shared: z.boolean().optional(),
  content: z.string().optional(),
  health: z.string().optional(),
  pendingUpdates: z.number().optional(),
});

export const Resource = z.object({
  id: z.string(),
  type: ResourceType,
  name: z.string(),
  displayName: z.string(),
  status: ResourceStatus,
  /** Unix milliseconds. */
  lastSeen: z.number(),
  sources: z.array(ResourceSource),
  sourceStatus: z.record(z.string(), SourceStatus),
  identity: ResourceIdentity,
  metrics: ResourceMetrics,
  uptime: z.number().optional(),
  /** °C, where the source measures one (a disk, a host's CPU package). */
  temperature: z.number().optional(),
  tags: z.array(z.string()),
  customUrl: z.string().optional(),
  parentId: z.string().optional(),
  metricsTarget: z.object({ resourceType: z.string(), resourceId: z.string() }),
  agent: AgentFacet.optional(),
  docker: DockerFacet.optional(),
  kubernetes: KubernetesFacet.optional(),
  proxmox: ProxmoxFacet.optional(),
});
export type Resource = z.infer<typeof Resource>;

export const ResourceStats = z.object({
  total: z.number(),
  byType: z.record(z.string(), z.number()),
  byStatus: z.record(z.string(), z.number()),
  bySource: z.record(z.string(), z.number()),
});
export type ResourceStats = z.infer<typeof ResourceStats>;

export const ResourceListResponse = z.object({
  data: z.array(Resource),
  meta: z.object({ page: z.number(), limit: z.number(), total: z.number(), totalPages: z.number() }),
  aggregations: ResourceStats,
});
export type ResourceListResponse = z.infer<typeof ResourceListResponse>;

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0),
);

export const RESOURCE_SORT_KEYS = ['name', 'type', 'status', 'lastSeen'] as const;

/** Query string of GET /api/resources. */
export const ResourceQuery = z.object({
  type: csv.pipe(z.array(ResourceType)).optional(),
  source: csv.pipe(z.array(ResourceSource)).optional(),
  status: csv.pipe(z.array(ResourceStatus)).optional(),
  q: z.string().max(200).optional(),
  tags: csv.optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  sort: z.enum(RESOURCE_SORT_KEYS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type ResourceQuery = z.infer<typeof ResourceQuery>;
