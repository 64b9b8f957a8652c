// The host entity as the live state holds it and as /api/state serves it in `hosts[]`.
import { z } from 'zod';
import { CephCluster, DiskIO, NetworkInterface, RaidArray, Sensors } from './host-report.ts';

export const HostStatus = z.enum(['online', 'offline']);
export type HostStatus = z.infer<typeof HostStatus>;

export const HostMemory = z.object({
  total: z.number(),
  used: z.number(),
  free: z.number(),
  cache: z.number().optional(),
  usage: z.number(),
  swapUsed: z.number().optional(),
  swapTotal: z.number().optional(),
});
export type HostMemory = z.infer<typeof HostMemory>;

export const HostDisk = z.object({
  device: z.string().optional(),
  mountpoint: z.string().optional(),
  filesystem: z.string().optional(),
  type: z.string().optional(),
  total: z.number(),
  used: z.number(),
  free: z.number(),
  usage: z.number(),
});
export type HostDisk = z.infer<typeof HostDisk>;

export const IdentityConflict = z.object({
  hostnames: z.array(z.string()),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
export type IdentityConflict = z.infer<typeof IdentityConflict>;

export const HostState = z.object({
  id: z.string(),
  agentId: z.string(),
  hostname: z.string(),
  displayName: z.string(),
  machineId: z.string().optional(),
  platform: z.string().optional(),
  osName: z.string().optional(),
  osVersion: z.string().optional(),
  kernelVersion: z.string().optional(),
  architecture: z.string().optional(),
  cpuModel: z.string().optional(),
  cpuCount: z.number().optional(),
  /** Percent 0–100, unlike Proxmox objects whose `cpu` is a 0–1 ratio. */
  cpuUsage: z.number().optional(),
  memory: HostMemory.optional(),
  loadAverage: z.array(z.number()),
  disks: z.array(HostDisk),
  diskIO: z.array(DiskIO),
  networkInterfaces: z.array(NetworkInterface),
  sensors: Sensors.optional(),
  raid: z.array(RaidArray),
  ceph: CephCluster.optional(),
  status: HostStatus,
  uptimeSeconds: z.number().optional(),
  intervalSeconds: z.number(),
  lastSeen: z.string(),
  reportedAt: z.string(),
  /** Reports whose timestamp was over 5 minutes ahead of the server clock, so the server's time was used. */
  clampedTimestamps: z.number().int().nonnegative().optional(),
  agentVersion: z.string().optional(),
  commandsEnabled: z.boolean(),
  reportIp: z.string().optional(),
  tokenId: z.string().optional(),
  tokenName: z.string().optional(),
  tokenHint: z.string().optional(),
  tokenLastUsedAt: z.string().optional(),
  tags: z.array(z.string()),
  identityConflict: IdentityConflict.optional(),
  /** Bytes per second, derived from cumulative counters; absent until two reports exist. */
  netInRate: z.number().optional(),
  netOutRate: z.number().optional(),
  diskReadRate: z.number().optional(),
  diskWriteRate: z.number().optional(),
  /** The Proxmox node this host is (an admin's link, or inferred from its name and address). */
  linkedNodeId: z.string().optional(),
});
export type HostState = z.infer<typeof HostState>;

export const RemovedHost = z.object({
  id: z.string(),
  hostname: z.string(),
  removedAt: z.string(),
});
export type RemovedHost = z.infer<typeof RemovedHost>;
