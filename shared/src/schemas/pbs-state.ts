// Proxmox Backup Server entities as /api/state serves them in `pbs[]` and `pbsBackups[]`.
import { z } from 'zod';
import { ConnectionHealth, ProxmoxMemory } from './proxmox-common.ts';

export const PbsNamespace = z.object({
  /** '' is the root namespace; children are 'a', 'a/b' … */
  path: z.string(),
  depth: z.number(),
  parent: z.string().optional(),
  comment: z.string().optional(),
});
export type PbsNamespace = z.infer<typeof PbsNamespace>;

export const PbsDatastore = z.object({
  name: z.string(),
  total: z.number(),
  used: z.number(),
  free: z.number(),
  /** Percent 0–100. */
  usage: z.number(),
  /** available | unavailable | maintenance */
  status: z.string(),
  error: z.string().optional(),
  comment: z.string().optional(),
  mountStatus: z.string().optional(),
  maintenance: z.string().optional(),
  namespaces: z.array(PbsNamespace),
  /** Logical bytes referenced ÷ bytes on disk from the last garbage collection; 0 when unknown. */
  deduplicationFactor: z.number(),
  /** Unix ms when PBS expects the store to be full. */
  estimatedFullDate: z.number().optional(),
});
export type PbsDatastore = z.infer<typeof PbsDatastore>;

export const PbsJobType = z.enum(['backup', 'sync', 'verify', 'prune', 'garbage']);
export type PbsJobType = z.infer<typeof PbsJobType>;

export const PbsJob = z.object({
  id: z.string(),
  type: PbsJobType,
  store: z.string(),
  /** ok | warning | error | running | never */
  status: z.string(),
  enabled: z.boolean(),
  schedule: z.string().optional(),
  /** The last run's raw state ("OK", "WARNINGS: 2", an error text). */
  lastRunState: z.string().optional(),
  lastRunUpid: z.string().optional(),
  /** Unix ms. */
  lastRunEnd: z.number().optional(),
  nextRun: z.number().optional(),
  error: z.string().optional(),
  comment: z.string().optional(),
  remote: z.string().optional(),
  remoteStore: z.string().optional(),
  namespace: z.string().optional(),
});
export type PbsJob = z.infer<typeof PbsJob>;

export const PbsInstance = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  nodeName: z.string().optional(),
  guestURL: z.string().optional(),
  status: z.enum(['online', 'offline']),
  version: z.string(),
  /** Ratio 0–1. */
  cpu: z.number(),
  memory: ProxmoxMemory,
  memoryUsed: z.number(),
  memoryTotal: z.number(),
  uptime: z.number(),
  loadAverage: z.array(z.number()),
  datastores: z.array(PbsDatastore),
  backupJobs: z.array(PbsJob),
  syncJobs: z.array(PbsJob),
  verifyJobs: z.array(PbsJob),
  pruneJobs: z.array(PbsJob),
  garbageJobs: z.array(PbsJob),
  connectionHealth: ConnectionHealth,
  lastSeen: z.number(),
});
export type PbsInstance = z.infer<typeof PbsInstance>;

export const PbsBackup = z.object({
  id: z.string(),
  instance: z.string(),
  datastore: z.string(),
  namespace: z.string(),
  backupType: z.enum(['vm', 'ct', 'host']),
  /** The backup id: a vmid for vm/ct, a host name for host backups. */
  vmid: z.string(),
  /** Unix ms. */
  backupTime: z.number(),
  size: z.number(),
  protected: z.boolean(),
  verified: z.boolean(),
  verificationRaw: z.string().optional(),
  inProgress: z.boolean(),
  comment: z.string().optional(),
  files: z.array(z.string()),
  owner: z.string().optional(),
  encrypted: z.boolean(),
});
export type PbsBackup = z.infer<typeof PbsBackup>;
