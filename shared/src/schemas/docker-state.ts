// Docker and Podman hosts as the live state holds them and /api/state serves them in `dockerHosts[]`.
import { z } from 'zod';
import {
  DockerConfig,
  DockerContainer,
  DockerImage,
  DockerNetwork,
  DockerRuntime,
  DockerSecret,
  DockerService,
  DockerStorageUsage,
  DockerSwarmInfo,
  DockerSwarmNode,
  DockerTask,
  DockerVolume,
} from './docker-report.ts';
import { Disk, MemoryMetric, NetworkInterface } from './host-report.ts';

/** A container plus what the server derives from consecutive reports (bytes per second). */
export const DockerContainerState = DockerContainer.extend({
  netInRate: z.number().optional(),
  netOutRate: z.number().optional(),
  blockReadRate: z.number().optional(),
  blockWriteRate: z.number().optional(),
});
export type DockerContainerState = z.infer<typeof DockerContainerState>;

export const AgentStatus = z.enum(['online', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** What admins set on a Docker host or a cluster: kept across restarts. */
export const AgentAdminFields = z.object({
  displayName: z.string(),
  customDisplayName: z.string().optional(),
  hidden: z.boolean(),
  pendingUninstall: z.boolean(),
  tokenId: z.string().optional(),
  tokenName: z.string().optional(),
  tokenHint: z.string().optional(),
});

export const DockerHostState = AgentAdminFields.extend({
  id: z.string(),
  agentId: z.string(),
  hostname: z.string(),
  machineId: z.string().optional(),
  os: z.string().optional(),
  kernelVersion: z.string().optional(),
  architecture: z.string().optional(),
  runtime: DockerRuntime.optional(),
  runtimeVersion: z.string().optional(),
  dockerVersion: z.string().optional(),
  cpus: z.number().optional(),
  totalMemoryBytes: z.number().optional(),
  uptimeSeconds: z.number().optional(),
  cpuUsagePercent: z.number().optional(),
  loadAverage: z.array(z.number()),
  memory: MemoryMetric.optional(),
  disks: z.array(Disk),
  networkInterfaces: z.array(NetworkInterface),
  status: AgentStatus,
  lastSeen: z.string(),
  reportedAt: z.string(),
  /** Reports whose timestamp was over 5 minutes ahead of the server clock, so the server's time was used. */
  clampedTimestamps: z.number().int().nonnegative().optional(),
  intervalSeconds: z.number(),
  agentVersion: z.string().optional(),
  containers: z.array(DockerContainerState),
  images: z.array(DockerImage),
  volumes: z.array(DockerVolume),
  networks: z.array(DockerNetwork),
  services: z.array(DockerService),
  tasks: z.array(DockerTask),
  nodes: z.array(DockerSwarmNode),
  secrets: z.array(DockerSecret),
  configs: z.array(DockerConfig),
  storageUsage: DockerStorageUsage.optional(),
  swarm: DockerSwarmInfo.optional(),
});
export type DockerHostState = z.infer<typeof DockerHostState>;
