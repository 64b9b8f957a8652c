// Proxmox Mail Gateway entities as /api/state serves them in `pmg[]`.
import { z } from 'zod';
import { ConnectionHealth } from './proxmox-common.ts';

export const PmgQueueStatus = z.object({
  active: z.number(),
  deferred: z.number(),
  hold: z.number(),
  incoming: z.number(),
  total: z.number(),
  /** Seconds the oldest queued message has waited. */
  oldestAge: z.number().optional(),
  updatedAt: z.number(),
});
export type PmgQueueStatus = z.infer<typeof PmgQueueStatus>;

export const PmgNode = z.object({
  name: z.string(),
  /** online | offline | unknown */
  status: z.string(),
  /** master | node (cluster role) */
  role: z.string(),
  uptime: z.number().optional(),
  loadAvg: z.array(z.number()).optional(),
  queueStatus: PmgQueueStatus.optional(),
});
export type PmgNode = z.infer<typeof PmgNode>;

/** Today's totals from /statistics/mail. */
export const PmgMailStats = z.object({
  countTotal: z.number(),
  countIn: z.number(),
  countOut: z.number(),
  spamIn: z.number(),
  spamOut: z.number(),
  virusIn: z.number(),
  virusOut: z.number(),
  bouncesIn: z.number(),
  bouncesOut: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  greylistCount: z.number(),
  junkIn: z.number(),
  rblRejects: z.number(),
  pregreetRejects: z.number(),
  /** Average processing time per mail in seconds. */
  averageProcessTime: z.number(),
  updatedAt: z.number(),
});
export type PmgMailStats = z.infer<typeof PmgMailStats>;

export const PmgMailCountPoint = z.object({
  /** Unix ms of the bucket start. */
  timestamp: z.number(),
  count: z.number(),
  countIn: z.number(),
  countOut: z.number(),
  spamIn: z.number(),
  spamOut: z.number(),
  virusIn: z.number(),
  virusOut: z.number(),
  bouncesIn: z.number(),
  bouncesOut: z.number(),
  rblRejects: z.number(),
  pregreetRejects: z.number(),
  greylistCount: z.number(),
});
export type PmgMailCountPoint = z.infer<typeof PmgMailCountPoint>;

export const PmgQuarantine = z.object({
  spam: z.number(),
  virus: z.number(),
  attachment: z.number(),
  blacklisted: z.number(),
});
export type PmgQuarantine = z.infer<typeof PmgQuarantine>;

export const PmgDomainStat = z.object({
  domain: z.string(),
  mailCount: z.number(),
  spamCount: z.number(),
  virusCount: z.number(),
  bytes: z.number(),
});
export type PmgDomainStat = z.infer<typeof PmgDomainStat>;

export const PmgInstance = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  guestURL: z.string().optional(),
  status: z.enum(['online', 'offline']),
  version: z.string(),
  nodes: z.array(PmgNode),
  mailStats: PmgMailStats.optional(),
  mailCount: z.array(PmgMailCountPoint),
  spamDistribution: z.array(z.object({ score: z.string(), count: z.number() })),
  quarantine: PmgQuarantine.optional(),
  relayDomains: z.array(z.object({ domain: z.string(), comment: z.string().optional() })),
  domainStats: z.array(PmgDomainStat),
  connectionHealth: ConnectionHealth,
  lastSeen: z.number(),
  lastUpdated: z.number(),
});
export type PmgInstance = z.infer<typeof PmgInstance>;
