// Proxmox VE entities as the live state holds them and /api/state serves them (nodes, vms, containers, storage…).
import { z } from 'zod';
import { ConnectionHealth, ProxmoxDisk, ProxmoxMemory } from './proxmox-common.ts';

// One export line in index.ts serves all three products.
export * from './pbs-state.ts';
export * from './pmg-state.ts';
export * from './proxmox-common.ts';

/**
 * Names carry a `Pve` prefix where the bare name is already exported by @pulse/shared
 * (`CephCluster` is the agent-reported Ceph shape in host-report.ts).
 */

export const ProxmoxCpuInfo = z.object({
  model: z.string(),
  cores: z.number(),
  sockets: z.number(),
  mhz: z.number(),
});
export type ProxmoxCpuInfo = z.infer<typeof ProxmoxCpuInfo>;

export const ProxmoxNode = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  instance: z.string(),
  host: z.string(),
  guestURL: z.string().optional(),
  status: z.enum(['online', 'offline', 'unknown']),
  type: z.literal('node'),
  /** Ratio 0–1, as Proxmox reports it (not a percent). */
  cpu: z.number(),
  memory: ProxmoxMemory,
  disk: ProxmoxDisk,
  uptime: z.number(),
  loadAverage: z.array(z.number()),
  kernelVersion: z.string(),
  pveVersion: z.string(),
  cpuInfo: ProxmoxCpuInfo,
  /** Unix ms of the last successful poll that saw the node online. */
  lastSeen: z.number(),
  connectionHealth: ConnectionHealth,
  isClusterMember: z.boolean(),
  clusterName: z.string(),
  pendingUpdates: z.number().optional(),
  pendingUpdatesCheckedAt: z.number().optional(),
  linkedAgentId: z.string().optional(),
});
export type ProxmoxNode = z.infer<typeof ProxmoxNode>;

export const GuestNetworkInterface = z.object({
  name: z.string(),
  mac: z.string().optional(),
  addresses: z.array(z.string()),
  rxBytes: z.number().optional(),
  txBytes: z.number().optional(),
});
export type GuestNetworkInterface = z.infer<typeof GuestNetworkInterface>;

/**
 * Where a running guest's `memory.used` comes from: `guest-agent` is the VM's own /proc/meminfo
 * (total − MemAvailable, page cache not counted), `balloon` the balloon driver's statistics, `host`
 * PVE's `mem` (for a VM the QEMU process as the host sees it, page cache included; for a container
 * the cgroup usage, which already leaves the cache out).
 */
export const GuestMemorySource = z.enum(['guest-agent', 'balloon', 'host']);
export type GuestMemorySource = z.infer<typeof GuestMemorySource>;

/** A VM (`type: 'qemu'`) or a container (`type: 'lxc'`); served in `vms[]` and `containers[]`. */
export const ProxmoxGuest = z.object({
  id: z.string(),
  vmid: z.number(),
  name: z.string(),
  node: z.string(),
  pool: z.string().optional(),
  instance: z.string(),
  /** running | stopped | paused | unknown … as Proxmox reports it. */
  status: z.string(),
  type: z.enum(['qemu', 'lxc']),
  /** Ratio 0–1 of the guest's own vCPUs. */
  cpu: z.number(),
  cpus: z.number(),
  memory: ProxmoxMemory,
  /** Set on running guests only. */
  memorySource: GuestMemorySource.optional(),
  disk: ProxmoxDisk,
  disks: z.array(ProxmoxDisk),
  diskStatusReason: z.string().optional(),
  ipAddresses: z.array(z.string()),
  osName: z.string().optional(),
  osVersion: z.string().optional(),
  agentVersion: z.string().optional(),
  networkInterfaces: z.array(GuestNetworkInterface),
  /** Bytes per second derived from counters of two polls; 0 on the first poll and after a reset. */
  networkIn: z.number(),
  networkOut: z.number(),
  diskRead: z.number(),
  diskWrite: z.number(),
  uptime: z.number(),
  template: z.boolean(),
  haState: z.string().optional(),
  /** Unix ms of the newest backup seen for this guest. */
  lastBackup: z.number().optional(),
  tags: z.array(z.string()),
  lock: z.string().optional(),
  lastSeen: z.number(),
  isOci: z.boolean().optional(),
  osTemplate: z.string().optional(),
});
export type ProxmoxGuest = z.infer<typeof ProxmoxGuest>;

export const ProxmoxStorage = z.object({
  id: z.string(),
  storage: z.string(),
  name: z.string(),
  /** The node for node-local storage, `cluster` for a shared storage. */
  node: z.string(),
  instance: z.string(),
  nodes: z.array(z.string()),
  nodeIds: z.array(z.string()),
  nodeCount: z.number(),
  type: z.string(),
  /** available | unavailable | disabled */
  status: z.string(),
  total: z.number(),
  used: z.number(),
  free: z.number(),
  avail: z.number(),
  usage: z.number(),
  content: z.string(),
  shared: z.boolean(),
  enabled: z.boolean(),
  active: z.boolean(),
  lastSeen: z.number(),
});
export type ProxmoxStorage = z.infer<typeof ProxmoxStorage>;

export const PveCephPool = z.object({
  id: z.number(),
  name: z.string(),
  storedBytes: z.number(),
  availableBytes: z.number(),
  objects: z.number(),
  percentUsed: z.number(),
});
export type PveCephPool = z.infer<typeof PveCephPool>;

export const PveCephCluster = z.object({
  id: z.string(),
  instance: z.string(),
  name: z.string(),
  fsid: z.string(),
  /** HEALTH_OK | HEALTH_WARN | HEALTH_ERR */
  health: z.string(),
  healthMessage: z.string(),
  healthChecks: z.array(z.object({ code: z.string(), severity: z.string(), summary: z.string() })),
  totalBytes: z.number(),
  usedBytes: z.number(),
  availableBytes: z.number(),
  usagePercent: z.number(),
  numMons: z.number(),
  numMgrs: z.number(),
  numOsds: z.number(),
  numOsdsUp: z.number(),
  numOsdsIn: z.number(),
  numPGs: z.number(),
  pools: z.array(PveCephPool),
  services: z.array(
    z.object({ type: z.string(), running: z.number(), total: z.number(), message: z.string().optional() }),
  ),
  lastUpdated: z.number(),
});
export type PveCephCluster = z.infer<typeof PveCephCluster>;

export const PvePhysicalDisk = z.object({
  id: z.string(),
  node: z.string(),
  instance: z.string(),
  devPath: z.string(),
  model: z.string(),
  vendor: z.string(),
  serial: z.string(),
  wwn: z.string(),
  /** ssd | hdd | nvme | usb | unknown */
  type: z.string(),
  size: z.number(),
  /** PASSED | OK | FAILED | UNKNOWN … as smartctl summarises it. */
  health: z.string(),
  /** Percent of life left (100 = new); absent when the drive does not report it. */
  wearout: z.number().optional(),
  temperature: z.number().optional(),
  rpm: z.number().optional(),
  /** What uses the disk: LVM, ZFS, partitions, mounted … empty when unused. */
  used: z.string(),
  lastChecked: z.number(),
});
export type PvePhysicalDisk = z.infer<typeof PvePhysicalDisk>;

export const GuestKind = z.enum(['qemu', 'lxc']);
export type GuestKind = z.infer<typeof GuestKind>;

export const PveBackupTask = z.object({
  id: z.string(),
  upid: z.string(),
  node: z.string(),
  instance: z.string(),
  type: z.string(),
  /** 0 when the task backed up several guests. */
  vmid: z.number(),
  /** ok | running | warning | error */
  status: z.string(),
  startTime: z.number(),
  endTime: z.number().optional(),
  size: z.number().optional(),
  error: z.string().optional(),
});
export type PveBackupTask = z.infer<typeof PveBackupTask>;

export const PveStorageBackup = z.object({
  id: z.string(),
  storage: z.string(),
  node: z.string(),
  instance: z.string(),
  type: z.enum(['qemu', 'lxc', 'unknown']),
  vmid: z.number(),
  /** Unix ms. */
  time: z.number(),
  /** Unix seconds, as Proxmox reports it. */
  ctime: z.number(),
  size: z.number(),
  format: z.string(),
  notes: z.string().optional(),
  protected: z.boolean(),
  volid: z.string(),
  isPBS: z.boolean(),
  verified: z.boolean(),
  verification: z.string().optional(),
  encrypted: z.boolean(),
});
export type PveStorageBackup = z.infer<typeof PveStorageBackup>;

export const PveGuestSnapshot = z.object({
  id: z.string(),
  name: z.string(),
  node: z.string(),
  instance: z.string(),
  type: GuestKind,
  vmid: z.number(),
  /** Unix ms; 0 when Proxmox gave no time. */
  time: z.number(),
  description: z.string(),
  parent: z.string().optional(),
  vmstate: z.boolean(),
  sizeBytes: z.number().optional(),
});
export type PveGuestSnapshot = z.infer<typeof PveGuestSnapshot>;

export const PveReplicationJob = z.object({
  id: z.string(),
  instance: z.string(),
  jobId: z.string(),
  guestId: z.string(),
  vmid: z.number(),
  guestName: z.string().optional(),
  guestType: GuestKind.optional(),
  sourceNode: z.string(),
  targetNode: z.string(),
  schedule: z.string(),
  rateLimitMbps: z.number().optional(),
  comment: z.string().optional(),
  enabled: z.boolean(),
  /** ok | syncing | error | pending | unknown */
  state: z.string(),
  /** Unix ms. */
  lastSyncTime: z.number().optional(),
  nextSyncTime: z.number().optional(),
  durationSeconds: z.number().optional(),
  failCount: z.number(),
  error: z.string().optional(),
  lastSeen: z.number(),
});
export type PveReplicationJob = z.infer<typeof PveReplicationJob>;
